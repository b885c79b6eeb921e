"""The application context: what every service function takes first.

One :class:`Context` is built per process (CLI) or per request (API, web, MCP,
assistant) and passed explicitly, as PyVRP passes its ``ProblemData``: the
database engine, the reference catalog, the dated FX table, the settings, and
who is acting (seller, user, role, language). Service functions have the shape
``fn(ctx, request) -> result``; interfaces build a context with
:func:`open_context` and never touch the ledger themselves.

A 3PL hub keeps many sellers in one database: every seller-owned row carries
its seller and every service filters by ``ctx.seller``. ``role="hub"`` is the
operator acting across sellers (it still names one seller per write).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sqlalchemy import Engine

from worldpool.catalog import Catalog, load_catalog
from worldpool.catalog.fx import FxTable, load_fx
from worldpool.config import Settings
from worldpool.errors import Forbidden, NotInitialised
from worldpool.ledger import migrate
from worldpool.ledger.db import make_engine, normalise_url
from worldpool.ledger.sellers import ALL_SELLERS, scoped

if TYPE_CHECKING:
    from worldpool.ledger import Ledger

__all__ = ["ROLES", "Context", "Role", "ledger_of", "open_context"]

Role = Literal["viewer", "operator", "owner", "hub", "system"]
"""Who is acting: read only, day-to-day writes, everything for one seller, the
3PL operator across sellers, or worldpool itself (workers, the demo)."""

ROLES: tuple[Role, ...] = ("viewer", "operator", "owner", "hub", "system")
"""Roles from weakest to strongest."""


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a service needs besides its request (see the module docstring)."""

    engine: Engine
    """The database (SQLite or PostgreSQL); only services and the ledger use it.

    On PostgreSQL it is scoped on construction to :attr:`seller` (to every
    seller, ``*``, for the roles ``hub`` and ``system``), so the row-level
    security policies see who is acting on every table."""
    catalog: Catalog
    """Marketplaces, channels, nodes and lanes in force."""
    fx: FxTable
    """Dated exchange rates (packaged table plus the user's file)."""
    settings: Settings
    """Process settings."""
    seller: str
    """The seller whose rows every service reads and writes."""
    user: str | None = None
    """Who asked (user name, ``key:<prefix>`` for an API key, or None for the CLI)."""
    role: Role = "owner"
    """What the actor may do (see :data:`ROLES`)."""
    language: str = "en"
    """Language of user-facing text in results (``en`` or ``zh-CN``)."""

    def __post_init__(self) -> None:
        # Every transaction of ctx.engine acts for ctx.seller (worldpool.seller),
        # or for every seller when the actor is the operator or worldpool
        # itself, so a server running as a plain PostgreSQL role passes the
        # seller policies (0004_sellers, 0006_rls); a no-op on SQLite.
        every = ROLES.index(self.role) >= ROLES.index("hub")
        seller = ALL_SELLERS if every else self.seller
        object.__setattr__(self, "engine", scoped(self.engine, seller))

    def acting_as(
        self,
        *,
        seller: str | None = None,
        user: str | None = None,
        role: Role | None = None,
        language: str | None = None,
    ) -> Context:
        """Return a copy of this context for another actor (same engine/catalog).

        Args:
            seller: Seller to act for.
            user: Who asks.
            role: What they may do.
            language: Language of texts.
        """
        return replace(
            self,
            seller=self.seller if seller is None else seller,
            user=self.user if user is None else user,
            role=self.role if role is None else role,
            language=self.language if language is None else language,
        )

    def require(self, role: Role) -> None:
        """Raise Forbidden unless the actor's role is ``role`` or stronger."""
        if ROLES.index(self.role) < ROLES.index(role):
            raise Forbidden(f"role {self.role!r} may not do this; needs {role!r}")

    def close(self) -> None:
        """Release the engine's pooled connections."""
        self.engine.dispose()


def open_context(
    settings: Settings | None = None,
    *,
    seller: str | None = None,
    user: str | None = None,
    role: Role = "owner",
    require_schema: bool = True,
    pre_ping: bool = True,
) -> Context:
    """Build the context for ``settings`` (default: environment + config file).

    Args:
        settings: Settings to use; default :meth:`Settings.from_env`.
        seller: Seller to act for; default ``settings.default_seller``.
        user: Who is acting.
        role: What they may do.
        require_schema: Refuse a missing or uninitialised database (every command
            but ``init`` wants this). A missing SQLite file is never created.
        pre_ping: Ping a pooled PostgreSQL connection before each use (see
            :func:`worldpool.ledger.db.make_engine`).

    Raises:
        NotInitialised: the database does not exist or is not at this schema.
        CatalogError: a catalog or FX override file is malformed.
    """
    settings = settings or Settings.from_env()
    if require_schema:
        _check_sqlite_file(settings.database_url)
    engine = make_engine(settings.database_url, pre_ping=pre_ping)
    if require_schema:
        _check_schema(engine, settings.database_url)
    overrides = (settings.catalog_dir,) if settings.catalog_dir else ()
    catalog = load_catalog(overrides)
    fx = load_fx(Path(settings.fx_file) if settings.fx_file else None)
    return Context(
        engine=engine,
        catalog=catalog,
        fx=fx,
        settings=settings,
        seller=seller or settings.default_seller,
        user=user,
        role=role,
        language=settings.language,
    )


def ledger_of(ctx: Context) -> Ledger:
    """Return the ledger view scoped to ``ctx`` (for service modules only)."""
    from worldpool.ledger import Ledger

    return Ledger(ctx.engine, ctx.catalog, seller=ctx.seller)


def _check_sqlite_file(url: str) -> None:
    parsed = normalise_url(url)
    if parsed.get_backend_name() != "sqlite":
        return
    database = parsed.database
    if database in (None, "", ":memory:") or database.startswith("file:"):
        return
    if not Path(database).is_file():
        raise NotInitialised(
            f"no database at {database}; run `worldpool init` first "
            "(or point --db / WORLDPOOL_DATABASE_URL at an existing one)"
        )


def _check_schema(engine: Engine, url: str) -> None:
    try:
        current = migrate.current_revision(engine)
    except Exception as exc:  # any driver error means "cannot use it"
        engine.dispose()
        safe = normalise_url(url).render_as_string(hide_password=True)
        raise NotInitialised(
            f"cannot open the database at {safe}: {type(exc).__name__}"
        ) from None
    if current != migrate.head_revision():
        engine.dispose()
        raise NotInitialised(
            f"the database schema is at {current or 'nothing'}, this worldpool "
            f"needs {migrate.head_revision()}; run `worldpool init` to upgrade"
        )
