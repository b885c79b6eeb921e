"""The hub page: the operator's month across sellers, or a seller's own statement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from worldpool.context import ROLES
from worldpool.errors import WorldpoolError
from worldpool.hub import service as billing
from worldpool.hub.statement_file import service_name, statement_pdf
from worldpool.interfaces.web._auth import Actor
from worldpool.interfaces.web._render import explain, page

__all__ = ["router"]

router = APIRouter(prefix="/ui")


def _last_month() -> str:
    first = datetime.now(UTC).date().replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


@router.get("/hub")
def hub(
    request: Request, actor: Actor, month: str = "", node: str = "CN-SZX"
) -> Response:
    """Statement totals of every seller (hub operator) or the user's own statement."""
    month = month or _last_month()
    ctx = actor.ctx
    operator = ROLES.index(ctx.role) >= ROLES.index("hub")
    sellers, stmt, error = None, None, None
    try:
        if operator:
            sellers = billing.operator_view(ctx, month, node)
        else:
            stmt = billing.statement(ctx, month, node)
    except WorldpoolError as exc:
        error = explain(request, exc)
    names = (
        {}
        if stmt is None
        else {ln.service: service_name(ln.service, ctx.language) for ln in stmt.lines}
    )
    return page(
        request,
        "hub.html",
        month=month,
        node=node,
        sellers=sellers,
        stmt=stmt,
        names=names,
        error=error,
    )


@router.get("/hub/statement.pdf")
def hub_pdf(
    request: Request, actor: Actor, month: str, node: str = "CN-SZX"
) -> Response:
    """The user's own statement as PDF, in the user's language."""
    try:
        stmt = billing.statement(actor.ctx, month, node)
        pdf = statement_pdf(stmt, actor.ctx.language)
    except WorldpoolError as exc:
        return page(request, "_message.html", 404, error=explain(request, exc))
    name = f"statement-{stmt.seller}-{month}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
