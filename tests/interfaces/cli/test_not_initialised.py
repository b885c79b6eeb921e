"""Commands before ``worldpool init`` say so, leave no file behind, and never trace."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from worldpool.interfaces.cli.app import app

runner = CliRunner()


@pytest.mark.parametrize(
    "args",
    [
        ("check",),
        ("stock",),
        ("journal",),
        ("dead-letters", "list"),
        ("orders", "list"),
        ("sku", "import", "skus.csv"),
    ],
)
def test_command_before_init_is_a_friendly_error(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    """A missing database is exit 9 with `worldpool init` in the message, no traceback."""
    db = tmp_path / "none.db"
    result = runner.invoke(app, [*args, "--db", f"sqlite:///{db}"])
    assert result.exit_code == 9, result.output
    assert "worldpool init" in result.output
    assert "Traceback" not in result.output
    assert not db.exists()


def test_old_schema_is_named(tmp_path: Path) -> None:
    """A database file without worldpool's schema is refused with the fix named."""
    db = tmp_path / "empty.db"
    db.write_bytes(b"")
    result = runner.invoke(app, ["check", "--db", f"sqlite:///{db}"])
    assert result.exit_code == 9
    assert "schema is at nothing" in result.output
    assert "worldpool init" in result.output


def test_init_then_check_is_ok(tmp_path: Path) -> None:
    """`init` creates the database; `check` then reports drift 0."""
    url = f"sqlite:///{tmp_path / 'wp.db'}"
    assert runner.invoke(app, ["init", "--db", url]).exit_code == 0
    result = runner.invoke(app, ["check", "--db", url])
    assert result.exit_code == 0 and "drift 0" in result.output


def test_unexpected_error_is_short_with_an_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected exception prints one line with an error id; the trace goes to the log."""
    log = tmp_path / "wp.log"
    monkeypatch.setattr("worldpool.interfaces.cli.errors.ERROR_LOG", log)
    url = f"sqlite:///{tmp_path / 'wp.db'}"
    runner.invoke(app, ["init", "--db", url])

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("kaput")

    monkeypatch.setattr("worldpool.inventory.check", boom)
    result = runner.invoke(app, ["check", "--db", url])
    assert result.exit_code == 1
    assert "error id" in result.output and "Traceback" not in result.output
    assert "RuntimeError: kaput" in log.read_text()
