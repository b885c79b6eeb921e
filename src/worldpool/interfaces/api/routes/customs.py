"""``/customs``: HS code suggestion, shipment checks, documents, landed cost.

Shipment documents are the JSON of ``docs/how-to/customs.md``, sent as the
request body. A bad document is never a server error: checks answer 200 with a
report listing the errors, and documents answer 422 with that report unless
``force`` is set.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from worldpool import inventory
from worldpool.customs import hs_service, service
from worldpool.customs.issues import ValidationReport
from worldpool.errors import InputError
from worldpool.i18n import t
from worldpool.interfaces.api.deps import ReadCtx, WriteCtx
from worldpool.interfaces.api.errors import AUTH, NOT_FOUND, not_found
from worldpool.interfaces.api.schemas import (
    HsAnswerPublic,
    HsCorrectionIn,
    HsCorrectionPublic,
    HsPublic,
    HsRequest,
)

__all__ = ["router"]

router = APIRouter(prefix="/customs", tags=["customs"], responses=AUTH)


def _blocked(report: ValidationReport) -> JSONResponse:
    detail = [
        {"loc": ["body", *i.field.split(".")], "msg": i.message, "type": i.rule}
        for i in report.errors
    ]
    return JSONResponse({"detail": detail, "report": report.to_dict()}, status_code=422)


@router.post("/hs", response_model=list[HsPublic])
def hs(body: HsRequest, _ctx: ReadCtx) -> list[HsPublic]:
    """Top-k 6-digit HS 2022 codes with confidence and the reason (offline)."""
    attrs = " ; ".join(f"{k}: {v}" for k, v in body.attributes.items())
    text = " ; ".join(p for p in (body.title, body.description, attrs) if p.strip())
    return [HsPublic(**asdict(s)) for s in service.suggest_hs(text, body.k)]


def _hs_request(body: HsRequest) -> hs_service.HsRequest:
    attrs = {k.lower(): v for k, v in body.attributes.items()}
    rest = " ; ".join(
        f"{k}: {v}" for k, v in attrs.items() if k not in {"material", "gender", "use"}
    )
    text = " ; ".join(p for p in (body.title, body.description, rest) if p.strip())
    return hs_service.HsRequest(
        text,
        min(body.k, 10),
        attrs.get("material", ""),
        attrs.get("gender", ""),
        attrs.get("use", ""),
    )


@router.post("/hs/answer", response_model=HsAnswerPublic)
def hs_answer(body: HsRequest, ctx: ReadCtx) -> HsAnswerPublic:
    """Calibrated answer: probability, ``confident``, or the question that decides.

    ``attributes`` ``material``, ``gender`` and ``use`` count as product words;
    the seller's recorded corrections vote first.
    """
    answer = hs_service.suggest_hs_answer(ctx, _hs_request(body))
    return HsAnswerPublic(
        suggestions=[HsPublic(**asdict(s)) for s in answer.suggestions],
        probability=answer.probability,
        confident=answer.confident,
        question=t(answer.question, ctx.language) if answer.question else "",
        question_key=answer.question_key,
    )


@router.post("/hs/corrections", response_model=HsCorrectionPublic, status_code=201)
def hs_correction(body: HsCorrectionIn, ctx: WriteCtx) -> HsCorrectionPublic:
    """Record the right code for a product; it is the seller's example at once."""
    done = hs_service.record_hs_correction(
        ctx, hs_service.HsCorrectionRequest(body.text, body.code)
    )
    return HsCorrectionPublic(**asdict(done))


@router.post("/check", response_model=dict[str, Any])
async def check(request: Request, ctx: ReadCtx) -> dict[str, Any]:
    """Validate a shipment (JSON body) against its destination's rules.

    Always 200 with a report; ``ok`` is false when an error blocks documents.
    Line fields left out are filled from the SKUs registered in the ledger.
    """
    raw = await request.body()
    report = await run_in_threadpool(service.check_shipment, ctx, raw)
    return report.to_dict()


@router.post(
    "/documents",
    response_model=dict[str, Any],
    responses={200: {"content": {"application/pdf": {}}}, 422: {}},
)
async def documents(
    request: Request,
    ctx: ReadCtx,
    pdf: Annotated[bool, Query(description="Answer application/pdf")] = False,
    force: Annotated[bool, Query(description="Despite blocking errors")] = False,
) -> Any:
    """Commercial invoice and packing list of a shipment, as JSON or PDF.

    Blocking validation errors answer 422 with the report, unless ``force``.
    """
    raw = await request.body()
    result = await run_in_threadpool(
        lambda: service.shipment_documents(ctx, raw, pdf=pdf, force=force)
    )
    if result.documents is None:
        return _blocked(result.report)
    if result.pdf is not None:
        name = f"{result.report.shipment}.pdf"
        return Response(
            result.pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{name}"'},
        )
    return result.documents


_LANDED_QUERY = {"hs_code": "hs", "quantity": "qty", "lane_id": "lane"}
"""Service field -> query parameter of ``/customs/landed-cost`` (others: ``to``)."""


def _query_error(exc: InputError) -> RequestValidationError:
    """Return a 422 that names the query parameter behind a landed-cost InputError."""
    name = _LANDED_QUERY.get(exc.field or "", "to")
    return RequestValidationError(
        [
            {
                "loc": ("query", name),
                "msg": f"{exc.message} ({exc.record}: {exc.field})",
                "type": "value_error",
                "input": exc.value if isinstance(exc.value, str | int) else None,
            }
        ]
    )


@router.get("/landed-cost/{sku}", response_model=dict[str, Any], responses=NOT_FOUND)
def landed_cost(
    sku: str,
    ctx: ReadCtx,
    to: Annotated[str, Query(min_length=2, max_length=8, description="Market id")],
    qty: Annotated[int, Query(ge=1, le=10_000_000, description="Units")] = 1,
    lane: Annotated[str | None, Query(description="Lane id (default cheapest)")] = None,
    duty_rate: Annotated[
        float | None, Query(ge=0, le=1000, description="Duty in % if no tariff")
    ] = None,
    additional_duty: Annotated[
        float, Query(ge=0, le=1000, description="Extra duty in %")
    ] = 0.0,
    hs: Annotated[str | None, Query(max_length=12, description="HS code")] = None,
) -> dict[str, Any]:
    """Landed cost of a registered SKU in a marketplace, with its breakdown."""
    with not_found():
        inventory.get_sku(ctx, sku)
    request = service.LandedCostRequest.parse(
        sku, to, qty, lane, duty_rate, additional_duty, hs
    )
    try:
        result = service.sku_landed_cost(ctx, request)
    except InputError as exc:
        raise _query_error(exc) from None
    return result.to_dict()
