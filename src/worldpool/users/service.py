"""Users service: add, list, change passwords, log in (every write audited).

Owners manage the users of their own seller; the 3PL ``hub`` role (and the
``system`` actor, i.e. the CLI on the server) manages users of every seller.
A failed login says only "wrong user name or password", never which.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from worldpool.audit import audit_on
from worldpool.context import ROLES, Context, Role
from worldpool.errors import Forbidden, InputError, UnknownReference
from worldpool.i18n import normalise_language, t
from worldpool.ledger.user_tables import (
    find_user_on,
    insert_user_on,
    list_users_on,
    update_user_on,
)
from worldpool.users.password import (
    MIN_LENGTH,
    check_strength,
    hash_password,
    needs_rehash,
    verify,
)

__all__ = [
    "USER_ROLES",
    "Login",
    "NewUser",
    "User",
    "add_user",
    "authenticate",
    "get_user",
    "list_users",
    "set_language",
    "set_password",
]

USER_ROLES: tuple[Role, ...] = ("viewer", "operator", "owner", "hub")
"""Roles a person may hold (``system`` is worldpool itself)."""


@dataclass(frozen=True, slots=True)
class User:
    """A person who can log in (never carries the password hash)."""

    username: str
    """Login name."""
    seller: str
    """Seller the user belongs to (a hub user's home seller)."""
    role: Role
    """What the user may do."""
    language: str
    """Preferred language (``en`` or ``zh-CN``)."""
    created_at: datetime | None = None
    """When the user was added (UTC)."""
    disabled: bool = False
    """True when the user may no longer log in."""


@dataclass(frozen=True, slots=True)
class NewUser:
    """Request: add a user."""

    username: str
    """Login name (letters, digits, ``.-_@``; at most 64)."""
    password: str
    """Initial password (at least :data:`MIN_LENGTH` characters)."""
    role: Role = "viewer"
    """Role to grant."""
    seller: str | None = None
    """Seller; default the acting context's seller."""
    language: str = "en"
    """Preferred language."""


@dataclass(frozen=True, slots=True)
class Login:
    """Request: check a user name and password."""

    username: str
    """Login name."""
    password: str
    """Password as typed."""


def _user(row: dict[str, Any]) -> User:
    return User(
        username=row["username"],
        seller=row["seller"],
        role=row["role"],
        language=row["language"],
        created_at=row.get("created_at"),
        disabled=row.get("disabled_at") is not None,
    )


def _managed_seller(ctx: Context) -> str | None:
    """Seller whose users ``ctx`` manages (None: every seller)."""
    return None if ROLES.index(ctx.role) >= ROLES.index("hub") else ctx.seller


def _check_new(ctx: Context, req: NewUser) -> None:
    if (
        not req.username
        or len(req.username) > 64
        or not all(c.isalnum() or c in ".-_@" for c in req.username)
    ):
        raise InputError(
            t(
                "A user name uses letters, digits and . - _ @ (at most 64).",
                ctx.language,
            ),
            record="user",
            field="username",
            value=req.username,
        )
    if req.role not in USER_ROLES:
        raise InputError(
            t("Unknown role.", ctx.language),
            record="user",
            field="role",
            value=req.role,
        )
    problem = check_strength(req.password)
    if problem is not None:
        raise InputError(
            t(problem, ctx.language, n=MIN_LENGTH), record="user", field="password"
        )
    if ROLES.index(req.role) > ROLES.index(ctx.role):
        raise Forbidden(t("You cannot grant a role above your own.", ctx.language))


def add_user(ctx: Context, req: NewUser) -> User:
    """Add a user to a seller (owner: own seller; hub/system: any); audited.

    Raises:
        Forbidden: the actor is not an owner, or grants more than they hold.
        InputError: bad user name, role or password (the field is named).
    """
    ctx.require("owner")
    _check_new(ctx, req)
    seller = req.seller or ctx.seller
    if _managed_seller(ctx) not in (None, seller):
        raise Forbidden(t("You manage only your own seller's users.", ctx.language))
    row = {
        "seller": seller,
        "username": req.username,
        "password_hash": hash_password(req.password),
        "role": req.role,
        "language": normalise_language(req.language),
    }
    with ctx.engine.begin() as conn:
        if find_user_on(conn, req.username) is not None:
            raise InputError(
                t("This user name is taken.", ctx.language),
                record="user",
                field="username",
                value=req.username,
            )
        insert_user_on(conn, row)
        audit_on(
            conn,
            ctx.acting_as(seller=seller),
            "user.add",
            target=req.username,
            inputs={"role": req.role, "language": row["language"]},
        )
    return _user(row)


def list_users(ctx: Context) -> list[User]:
    """Return the users the actor may see (own seller; every seller for hub)."""
    ctx.require("owner")
    with ctx.engine.connect() as conn:
        return [_user(r) for r in list_users_on(conn, _managed_seller(ctx))]


def set_password(ctx: Context, username: str, password: str) -> None:
    """Set ``username``'s password (the user themself, or an owner); audited.

    Raises:
        Forbidden: the actor may not change this user's password.
        UnknownReference: no such user for this seller.
        InputError: the new password is too weak.
    """
    if ctx.user != username:
        ctx.require("owner")
    problem = check_strength(password)
    if problem is not None:
        raise InputError(t(problem, ctx.language, n=MIN_LENGTH), field="password")
    seller = None if ctx.user == username else _managed_seller(ctx)
    values = {"password_hash": hash_password(password)}
    with ctx.engine.begin() as conn:
        if update_user_on(conn, username, seller, values) != 1:
            raise UnknownReference(
                t("No user {name}.", ctx.language, name=username),
                record="user",
                field="username",
                value=username,
            )
        audit_on(conn, ctx, "user.passwd", target=username)


def get_user(ctx: Context, username: str) -> User | None:
    """Return the enabled user ``username`` (any seller), or None."""
    with ctx.engine.connect() as conn:
        row = find_user_on(conn, username)
    if row is None or row["disabled_at"] is not None:
        return None
    return _user(row)


def set_language(ctx: Context, language: str) -> str:
    """Store the acting user's preferred language; return it normalised."""
    lang = normalise_language(language)
    if ctx.user is None:
        return lang
    with ctx.engine.begin() as conn:
        update_user_on(conn, ctx.user, None, {"language": lang})
        audit_on(conn, ctx, "user.language", target=ctx.user, inputs={"language": lang})
    return lang


def authenticate(ctx: Context, req: Login) -> User:
    """Return the user when the password matches; audit success and failure.

    Raises:
        Forbidden: unknown user, wrong password or disabled user (one message).
    """
    with ctx.engine.begin() as conn:
        row = find_user_on(conn, req.username)
        ok = (
            row is not None
            and row["disabled_at"] is None
            and verify(row["password_hash"], req.password)
        )
        seller = row["seller"] if row is not None else ctx.seller
        actor = ctx.acting_as(seller=seller, user=req.username, role="viewer")
        if not ok or row is None:
            audit_on(conn, actor, "user.login", target=req.username, status="refused")
        else:
            if needs_rehash(row["password_hash"]):
                values = {"password_hash": hash_password(req.password)}
                update_user_on(conn, req.username, None, values)
            audit_on(
                conn,
                actor.acting_as(role=row["role"]),
                "user.login",
                target=req.username,
            )
    if not ok or row is None:
        raise Forbidden(t("Wrong user name or password.", ctx.language))
    return _user(row)
