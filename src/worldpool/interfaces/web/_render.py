"""Jinja2 rendering with the request's language (``_`` is :func:`worldpool.i18n.t`)."""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from worldpool.errors import Forbidden, InputError
from worldpool.i18n import t
from worldpool.interfaces.web._labels import label

__all__ = ["env", "explain", "page", "query_with", "tr"]

env = Environment(
    loader=PackageLoader("worldpool.interfaces.web", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def query_with(request: Request, **changes: object) -> str:
    """Return the request's query string with ``changes`` applied (for links)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + urlencode(params)


def page(
    request: Request, template: str, status_code: int = 200, **values: Any
) -> HTMLResponse:
    """Render ``template`` for ``request`` in its language; return the response.

    Args:
        request: The request (its state holds ``lang``, ``csrf``, ``user``).
        template: Template file under ``templates/``.
        status_code: HTTP status.
        **values: Template variables.
    """
    lang = getattr(request.state, "lang", "en")

    def gettext(msgid: str, **params: object) -> str:
        """The template's ``_``: ``msgid`` in the request's language."""
        return t(msgid, lang, **params)

    html = env.get_template(template).render(
        _=gettext,
        label=lambda code: label(code, lang),
        lang=lang,
        csrf=getattr(request.state, "csrf", ""),
        user=getattr(request.state, "user", None),
        path=request.url.path,
        q=partial(query_with, request),
        request=request,
        **values,
    )
    return HTMLResponse(html, status_code=status_code)


def tr(request: Request, msgid: str, **params: object) -> str:
    """Return ``msgid`` in the request's language (for messages built in Python)."""
    return t(msgid, getattr(request.state, "lang", "en"), **params)


def explain(request: Request, exc: Exception) -> str:
    """Return the message of a refused action for the page, in its language."""
    if isinstance(exc, Forbidden):
        role = getattr(getattr(request.state, "user", None), "role", "")
        return tr(request, "Your role ({role}) may not do this.", role=role)
    if isinstance(exc, InputError):
        return _located(request, exc)
    return str(exc)


def _located(request: Request, exc: InputError) -> str:
    """The error's record, row and field, then its message, in the page's language.

    The message itself is translated when the catalog has it (fixed messages
    such as "no closed statement"); names and values stay as given.
    """
    where = [str(exc.record)] if exc.record is not None else []
    if exc.row is not None:
        where.append(tr(request, "row {row}", row=exc.row))
    if exc.field is not None:
        where.append(tr(request, "field {field}", field=repr(exc.field)))
    text = tr(request, exc.message)
    if where:
        text = f"{', '.join(where)}: {text}"
    if exc.value is not None:
        text += " " + tr(request, "(got {value})", value=repr(exc.value))
    return text
