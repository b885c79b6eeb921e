"""Login, logout and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from worldpool.errors import Forbidden
from worldpool.i18n import normalise_language
from worldpool.interfaces.web import _services as svc
from worldpool.interfaces.web._auth import (
    Actor,
    VisitorDep,
    VisitorWrite,
    save_session,
    state_of,
)
from worldpool.interfaces.web._render import page, tr
from worldpool.interfaces.web._session import COOKIE, new_session

__all__ = ["router"]

router = APIRouter(prefix="/ui")


def _safe_next(target: str | None) -> str:
    # Only local paths under /ui: never an open redirect to another site.
    if target and target.startswith("/ui") and not target.startswith("//"):
        return target
    return "/ui/"


@router.get("/login")
def login_form(request: Request, visitor: VisitorDep, next: str = "") -> Response:
    """The login form (sets an anonymous session carrying its CSRF token)."""
    response = page(request, "login.html", next=_safe_next(next), error=None)
    save_session(request, response, visitor.session)
    return response


@router.post("/login")
def login(
    request: Request,
    visitor: VisitorWrite,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "",
) -> Response:
    """Check the password (rate limited per user and per address); start a session."""
    state = state_of(request)
    ip = request.client.host if request.client else "unknown"
    keys = (f"user:{username.lower()}", f"ip:{ip}")
    if state.limiter.blocked(*keys):
        return page(
            request,
            "login.html",
            429,
            next=_safe_next(next),
            error=tr(request, "Too many failed logins; wait a few minutes."),
        )
    try:
        user = svc.authenticate(state.base, username, password)
    except Forbidden:
        state.limiter.failed(*keys)
        return page(
            request,
            "login.html",
            401,
            next=_safe_next(next),
            error=tr(request, "Wrong user name or password."),
        )
    state.limiter.succeeded(*keys)
    # A new session (and CSRF token) at login: no fixation of the anonymous one.
    session = new_session(user.username, visitor.session.lang)
    response = RedirectResponse(_safe_next(next), status_code=303)
    save_session(request, response, session)
    return response


@router.post("/logout")
def logout(request: Request, visitor: VisitorWrite) -> Response:
    """End the session."""
    response = RedirectResponse("/ui/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.post("/language")
def language(
    request: Request,
    visitor: VisitorWrite,
    lang: Annotated[str, Form()],
    next: Annotated[str, Form()] = "",
) -> Response:
    """Switch the language for this browser, and the user's setting when logged in."""
    chosen = normalise_language(lang)
    session = visitor.session
    state = state_of(request)
    user = svc.get_user(state.base, session.user) if session.user else None
    if user is not None:
        ctx = state.base.acting_as(
            seller=user.seller, user=user.username, role=user.role
        )
        svc.set_language(ctx, chosen)
    response = RedirectResponse(_safe_next(next), status_code=303)
    save_session(
        request,
        response,
        type(session)(session.user, session.csrf, chosen, session.iat),
    )
    return response


@router.get("/me")
def me(request: Request, actor: Actor) -> Response:
    """The logged-in user's page (name, seller, role, language)."""
    return page(request, "me.html", me=actor.user)
