"""Map worldpool errors to exit codes and messages, in one place."""

from __future__ import annotations

import os
import tempfile
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console

from worldpool.errors import (
    ConfigError,
    DriftDetected,
    Forbidden,
    IdempotencyConflict,
    InputError,
    InsufficientStock,
    LedgerError,
    NotInitialised,
    WorldpoolError,
)

__all__ = ["ERROR_LOG", "EXIT_CODES", "handled"]

# Most specific first: the first matching class decides the exit code.
EXIT_CODES: tuple[tuple[type[WorldpoolError], int], ...] = (
    (InsufficientStock, 3),
    (IdempotencyConflict, 4),
    (DriftDetected, 5),
    (LedgerError, 6),
    (InputError, 2),
    (NotInitialised, 9),
    (ConfigError, 7),
    (Forbidden, 10),
    (WorldpoolError, 1),
)

ERROR_LOG = Path(
    os.environ.get("WORLDPOOL_ERROR_LOG", Path(tempfile.gettempdir()) / "worldpool.log")
)
"""Where the full trace of an unexpected error goes (never the terminal)."""

err_console = Console(stderr=True, soft_wrap=True)


def exit_code(exc: WorldpoolError) -> int:
    """Return the process exit code for ``exc``."""
    return next(code for cls, code in EXIT_CODES if isinstance(exc, cls))


@contextmanager
def handled() -> Iterator[None]:
    """Turn a WorldpoolError into a red one-line message and its exit code."""
    try:
        yield
    except WorldpoolError as exc:
        err_console.print(
            f"[bold red]error:[/] {type(exc).__name__}: {exc}", highlight=False
        )
        raise typer.Exit(exit_code(exc)) from None
    except KeyboardInterrupt:
        raise
    except Exception as exc:
        if _is_cli_control(exc):
            raise  # Exit, Abort, BadParameter ...: the CLI library renders these
        # Anything unexpected: a short message and an id; the trace goes to the log.
        error_id = _log_trace(exc)
        err_console.print(
            f"[bold red]error:[/] unexpected {type(exc).__name__} (error id "
            f"{error_id}; details in {ERROR_LOG})",
            highlight=False,
        )
        raise typer.Exit(1) from None


def _is_cli_control(exc: BaseException) -> bool:
    """True for click/typer's own exceptions (typer vendors click as typer._click)."""
    return type(exc).__module__.split(".")[0] in {"click", "typer"}


def _log_trace(exc: BaseException) -> str:
    error_id = uuid.uuid4().hex[:10]
    trace = "".join(traceback.format_exception(exc))
    try:
        with ERROR_LOG.open("a", encoding="utf-8") as log:
            log.write(f"--- {datetime.now(UTC).isoformat()} error {error_id}\n{trace}")
    except OSError:
        pass
    return error_id


Command = Callable[..., None]
