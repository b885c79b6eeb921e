"""A CLI process imports only the optional command group it runs."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

cli_app = importlib.import_module("worldpool.interfaces.cli.app")


@pytest.mark.parametrize(
    ("argv", "wanted"),
    [
        (["/venv/bin/worldpool", "sync", "run"], "sync"),
        (["/src/worldpool/__main__.py", "channels", "list"], "channels"),
        (["/venv/bin/worldpool", "--help"], None),
        (["/venv/bin/worldpool", "init"], None),  # a core command
        (["/venv/bin/pytest", "sync"], None),  # not the CLI
    ],
)
def test_invoked_command_names_the_optional_group(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], wanted: str | None
) -> None:
    """``worldpool sync run`` registers just ``sync``; anything else, all groups."""
    monkeypatch.setattr(sys, "argv", argv)
    assert cli_app._invoked_command() == wanted


def test_sync_worker_process_skips_the_other_groups() -> None:
    """``python -m worldpool sync --help`` never imports the plan or MCP commands."""
    code = (
        "import sys, runpy; sys.argv = ['worldpool', 'sync', '--help'];"
        "\ntry:\n    runpy.run_module('worldpool', run_name='__main__')"
        "\nexcept SystemExit:\n    pass"
        "\nprint('worldpool.interfaces.cli.channels' in sys.modules,"
        " 'worldpool.interfaces.cli.mcp_cmd' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "True False"
