"""Customs (HS suggestion, landed cost, documents PDF) and the Twin (run, report)."""

from __future__ import annotations

import tempfile
import threading
import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from worldpool.context import Context
from worldpool.errors import WorldpoolError
from worldpool.interfaces.web import _services as svc
from worldpool.interfaces.web._auth import Actor, Writer, state_of
from worldpool.interfaces.web._render import explain, page, tr
from worldpool.interfaces.web._state import MAX_UPLOAD_BYTES

__all__ = ["router"]

router = APIRouter(prefix="/ui")


@router.get("/customs")
def customs(
    request: Request,
    actor: Actor,
    text: str = "",
    sku: str = "",
    market: str = "",
    quantity: int = 1,
) -> Response:
    """HS suggestion with reasons and confidence; landed cost of a SKU."""
    hs: list[Any] = []
    hs_answer = None
    landed = None
    error = None
    try:
        if text.strip():
            hs_answer = svc.hs_suggest(actor.ctx, text.strip()[:500])
            hs = list(hs_answer.suggestions)
        if sku and market:
            landed = svc.landed_cost(actor.ctx, sku, market, max(1, quantity))
    except (WorldpoolError, ImportError) as exc:
        error = explain(request, exc)
    return page(
        request,
        "customs.html",
        text=text,
        hs=hs,
        hs_answer=hs_answer,
        sku=sku,
        market=market,
        quantity=quantity,
        landed=landed,
        error=error,
        catalog=actor.ctx.catalog,
    )


@router.post("/customs/documents")
async def documents(
    request: Request, actor: Writer, file: Annotated[UploadFile, File()]
) -> Response:
    """Commercial invoice and packing list (PDF) of an uploaded shipment JSON."""
    raw = await file.read(MAX_UPLOAD_BYTES + 1)
    try:
        pdf, errors = svc.shipment_pdf(actor.ctx, raw[:MAX_UPLOAD_BYTES])
    except (WorldpoolError, ImportError, RuntimeError) as exc:
        pdf, errors = None, [explain(request, exc)]
    if pdf is None:
        return page(request, "_message.html", 422, error="; ".join(errors) or "?")
    name = Path(file.filename or "shipment").stem + ".pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/twin")
def twin(request: Request, actor: Actor) -> Response:
    """Upload a demand history to compare fulfilment policies on."""
    return page(request, "twin.html", job=None, job_id=None)


def _run(ctx: Context, data: bytes, name: str, job: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory(prefix="wp-twin-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            job["report"] = svc.twin_run(ctx, path, job)
        except Exception as exc:  # the page shows any failure of the run
            job["error"] = str(exc)
    job["finished"] = True


@router.post("/twin")
async def twin_start(
    request: Request,
    actor: Writer,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Start a twin run in the background; the page polls its progress."""
    name = Path(file.filename or "history.csv").name
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    job: dict[str, Any] = {"user": actor.user.username, "name": name}
    if len(data) > MAX_UPLOAD_BYTES or not name.lower().endswith((".csv", ".csv.gz")):
        job.update(
            finished=True, error=tr(request, "Upload a .csv file of at most 20 MB.")
        )
    job_id = uuid.uuid4().hex[:12]
    state = state_of(request)
    with state.lock:
        state.jobs[job_id] = job
    if not job.get("finished"):
        threading.Thread(
            target=_run,
            args=(actor.ctx, data, name, job),
            name=f"twin-{job_id}",
            daemon=True,
        ).start()
    return page(request, "twin.html", job=job, job_id=job_id)


def _job(request: Request, actor: Any, job_id: str) -> dict[str, Any] | None:
    job = state_of(request).jobs.get(job_id)
    return job if job is not None and job["user"] == actor.user.username else None


@router.get("/twin/{job_id}")
def twin_job(request: Request, actor: Actor, job_id: str) -> Response:
    """Progress of a twin run (htmx polls this fragment)."""
    job = _job(request, actor, job_id)
    if job is None:
        return page(request, "_message.html", 404, error=tr(request, "No such run."))
    return page(request, "_twin_job.html", job=job, job_id=job_id)


@router.get("/twin/{job_id}/report")
def twin_report(request: Request, actor: Actor, job_id: str) -> Response:
    """The finished run's HTML report."""
    job = _job(request, actor, job_id)
    if job is None or "report" not in job:
        return page(request, "_message.html", 404, error=tr(request, "No such report."))
    return HTMLResponse(job["report"])
