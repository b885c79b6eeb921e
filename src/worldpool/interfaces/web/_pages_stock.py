"""Overview and Inventory pages (balances, journal, SKU and ASN uploads)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import Response

from worldpool.cockpit import FileReport, InventoryQuery
from worldpool.errors import InputError, WorldpoolError
from worldpool.interfaces.web import _services as svc
from worldpool.interfaces.web._auth import Actor, Writer
from worldpool.interfaces.web._paging import PageParams, pager
from worldpool.interfaces.web._render import explain, page
from worldpool.interfaces.web._state import MAX_UPLOAD_BYTES

__all__ = ["router"]

router = APIRouter(prefix="/ui")
Pager = Annotated[PageParams, Depends(pager)]


@router.get("/", include_in_schema=False)
def overview(request: Request, actor: Actor, fresh: bool = False) -> Response:
    """Overview: stock value, ATP by market, today's orders, stock-outs at risk."""
    return page(request, "overview.html", o=svc.overview(actor.ctx, fresh=fresh))


@router.get("/inventory")
def inventory(
    request: Request,
    actor: Actor,
    p: Pager,
    search: str = "",
    node: str = "",
    market: str = "",
) -> Response:
    """Balances by SKU, node and market; sorted, filtered and paged on the server."""
    error = None
    req = InventoryQuery(p.query, search.strip(), node, market)
    try:
        result = svc.inventory_page(actor.ctx, req)
    except WorldpoolError as exc:
        error, result = explain(request, exc), None
    template = (
        "_balances.html" if request.headers.get("hx-request") else "inventory.html"
    )
    return page(
        request,
        template,
        result=result,
        p=p,
        search=search,
        node=node,
        market=market,
        error=error,
        catalog=actor.ctx.catalog,
    )


@router.get("/journal")
def journal(request: Request, actor: Actor, sku: str = "", node: str = "") -> Response:
    """The journal behind a balance (newest first)."""
    rows = svc.journal(actor.ctx, sku, node)
    return page(request, "journal.html", rows=rows, sku=sku, node=node)


async def _saved(upload: UploadFile, folder: Path) -> tuple[Path, str]:
    name = Path(upload.filename or "upload.csv").name
    if not name.lower().endswith(".csv"):
        raise InputError("upload a .csv file", record=name, field="file")
    data = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputError("file too large", record=name, field="file", value=len(data))
    path = folder / name
    path.write_bytes(data)
    return path, name


async def _upload(
    request: Request, actor: Writer, kind: str, upload: UploadFile
) -> Response:
    report: FileReport | None = None
    error = None
    with tempfile.TemporaryDirectory(prefix="wp-upload-") as folder:
        try:
            path, name = await _saved(upload, Path(folder))
            action = svc.import_skus if kind == "sku" else svc.receive_asn
            report = action(actor.ctx, path, name)
        except WorldpoolError as exc:
            error = explain(request, exc)
    status = 200 if error is None else 422
    return page(
        request, "_upload_report.html", status, report=report, error=error, kind=kind
    )


@router.post("/inventory/skus")
async def upload_skus(
    request: Request, actor: Writer, file: Annotated[UploadFile, File()]
) -> Response:
    """Import a SKU CSV; shows the per-row error report (bad rows dead-lettered)."""
    return await _upload(request, actor, "sku", file)


@router.post("/inventory/asn")
async def upload_asn(
    request: Request, actor: Writer, file: Annotated[UploadFile, File()]
) -> Response:
    """Receive an ASN CSV at the hub; shows the per-row error report."""
    return await _upload(request, actor, "asn", file)
