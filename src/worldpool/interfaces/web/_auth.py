"""Who is asking: the session cookie, the user behind it, CSRF on every write.

``Actor`` is the dependency of every page: it reads the signed cookie,
re-reads the user (a disabled user or changed role applies at once), resolves
the language (a ``?lang=`` on this request, else the browser's choice, else the
user's setting, else Accept-Language) and builds the request's context with
``acting_as``. ``Writer`` also checks the CSRF token of a form or htmx write.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request, Response

from worldpool.context import Context
from worldpool.i18n import normalise_language
from worldpool.interfaces.web import _services as svc
from worldpool.interfaces.web._session import (
    COOKIE,
    SESSION_SECONDS,
    Session,
    new_session,
)
from worldpool.interfaces.web._state import WebState
from worldpool.users import User

__all__ = [
    "Actor",
    "CsrfFailed",
    "LoginRequired",
    "Visitor",
    "Writer",
    "accept_language",
    "save_session",
    "state_of",
]


class LoginRequired(Exception):
    """No valid session: the visitor is sent to the login page."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


class CsrfFailed(Exception):
    """A write without the session's CSRF token (answered 403)."""


@dataclass(frozen=True, slots=True)
class Visitor:
    """A request's session (maybe anonymous) and language."""

    session: Session
    """The session (new when the browser had none)."""
    lang: str
    """Language of this request."""


@dataclass(frozen=True, slots=True)
class ActorValue:
    """A logged-in user and the context built for this request."""

    user: User
    """The user."""
    ctx: Context
    """Context acting as the user (seller, role, language)."""
    session: Session
    """The session."""


def state_of(request: Request) -> WebState:
    """Return the cockpit's state on the app."""
    state: WebState = request.app.state.web
    return state


def accept_language(header: str | None) -> str | None:
    """Return ``zh-CN``/``en`` for the first supported tag of an Accept-Language."""
    for part in (header or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith(("zh", "en")):
            return normalise_language(tag)
    return None


def _visitor(request: Request) -> Visitor:
    state = state_of(request)
    session = state.signer.loads(request.cookies.get(COOKIE)) or new_session()
    asked = request.query_params.get("lang")
    lang = normalise_language(
        asked or session.lang or accept_language(request.headers.get("accept-language"))
    )
    request.state.lang = lang
    request.state.csrf = session.csrf
    request.state.session = session
    return Visitor(session, lang)


def _actor(
    request: Request, visitor: Annotated[Visitor, Depends(_visitor)]
) -> ActorValue:
    state = state_of(request)
    user = (
        svc.get_user(state.base, visitor.session.user) if visitor.session.user else None
    )
    if user is None:
        target = request.url.path + (
            f"?{request.url.query}" if request.url.query else ""
        )
        raise LoginRequired(quote(target, safe="/?=&"))
    explicit = request.query_params.get("lang") or visitor.session.lang
    lang = normalise_language(explicit or user.language)
    request.state.lang = lang
    request.state.user = user
    ctx = state.base.acting_as(
        seller=user.seller, user=user.username, role=user.role, language=lang
    )
    return ActorValue(user, ctx, visitor.session)


async def _check_csrf(request: Request, session: Session) -> None:
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        value = form.get("csrf")
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, session.csrf):
        raise CsrfFailed


async def _writer(
    request: Request, actor: Annotated[ActorValue, Depends(_actor)]
) -> ActorValue:
    await _check_csrf(request, actor.session)
    return actor


async def _visitor_write(
    request: Request, visitor: Annotated[Visitor, Depends(_visitor)]
) -> Visitor:
    await _check_csrf(request, visitor.session)
    return visitor


Actor = Annotated[ActorValue, Depends(_actor)]
"""A logged-in user (redirects to the login page otherwise)."""
Writer = Annotated[ActorValue, Depends(_writer)]
"""A logged-in user whose request carries the CSRF token."""
VisitorDep = Annotated[Visitor, Depends(_visitor)]
"""Anyone (login page, language switch)."""
VisitorWrite = Annotated[Visitor, Depends(_visitor_write)]
"""Anyone, with the CSRF token (the login form itself)."""


def save_session(request: Request, response: Response, session: Session) -> None:
    """Set the signed session cookie (HttpOnly, SameSite=Lax, Secure on https)."""
    proto = request.headers.get("x-forwarded-proto", request.url.scheme)
    response.set_cookie(
        COOKIE,
        state_of(request).signer.dumps(session),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=proto == "https",
        path="/",
    )
