"""Map worldpool errors to exit codes and messages, in one place."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from worldpool.errors import (
    ConfigError,
    DriftDetected,
    IdempotencyConflict,
    InputError,
    InsufficientStock,
    LedgerError,
    WorldpoolError,
)

__all__ = ["EXIT_CODES", "handled"]

# Most specific first: the first matching class decides the exit code.
EXIT_CODES: tuple[tuple[type[WorldpoolError], int], ...] = (
    (InsufficientStock, 3),
    (IdempotencyConflict, 4),
    (DriftDetected, 5),
    (LedgerError, 6),
    (InputError, 2),
    (ConfigError, 7),
    (WorldpoolError, 1),
)

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


Command = Callable[..., None]
