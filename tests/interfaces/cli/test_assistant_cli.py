from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.assistant.conftest import make_world
from worldpool.context import Context
from worldpool.interfaces.cli import app

runner = CliRunner()
SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def world(db_url: str) -> Iterator[Context]:
    """The assistant's small world (tests/assistant/conftest.py)."""
    ctx = make_world(db_url)
    yield ctx
    ctx.close()


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@SQLITE
def test_today_approve_and_digest_from_the_command_line(
    world: Context, tmp_path: Path
) -> None:
    """`assistant today` lists ranked decisions; `approve` carries one out; `digest` writes it."""
    db = world.settings.database_url
    code, out = cli("assistant", "today", "--db", db, "--no-hs", "--json")
    assert code == 0, out
    found = {p["key"]: p for p in json.loads(out)["proposals"]}
    mug = found["stockout:MUG:DE"]
    code, out = cli("assistant", "approve", str(mug["id"]), "--db", db)
    assert code == 0 and "done" in out
    code, out = cli("assistant", "approve", str(mug["id"]), "--db", db)
    assert code != 0 and "done" in out
    digest = tmp_path / "digest.md"
    code, _ = cli("assistant", "digest", "--db", db, "--out", str(digest))
    assert code == 0 and "Carried out" in digest.read_text(encoding="utf-8")


@SQLITE
def test_ask_without_a_model_says_what_to_configure(
    world: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`worldpool ask` with no LLM settings exits with a config error naming them."""
    monkeypatch.delenv("WORLDPOOL_LLM_BASE_URL", raising=False)
    code, out = cli(
        "ask", "why is MUG out of stock in DE?", "--db", world.settings.database_url
    )
    assert code == 7 and "llm_base_url" in out
