from __future__ import annotations

from typer.testing import CliRunner

from worldpool.interfaces.cli import app

runner = CliRunner()


def test_users_add_list_passwd(db_url: str) -> None:
    """`users add` (password on stdin), `users list` and `users passwd` work end to end."""
    assert runner.invoke(app, ["init", "--db", db_url]).exit_code == 0
    added = runner.invoke(
        app,
        [
            "users",
            "add",
            "li",
            "--role",
            "owner",
            "--language",
            "zh-CN",
            "--password-stdin",
            "--db",
            db_url,
        ],
        input="a-long-password\n",
    )
    assert added.exit_code == 0, added.output
    assert "li" in added.output and "owner" in added.output
    listed = runner.invoke(app, ["users", "list", "--db", db_url])
    assert "li" in listed.output and "zh-CN" in listed.output
    weak = runner.invoke(
        app,
        ["users", "passwd", "li", "--password-stdin", "--db", db_url],
        input="short\n",
    )
    assert weak.exit_code == 2 and "password" in weak.output
    good = runner.invoke(
        app,
        ["users", "passwd", "li", "--password-stdin", "--db", db_url],
        input="another-long-password\n",
    )
    assert good.exit_code == 0, good.output


def test_users_add_refuses_unknown_role(sqlite_url: str) -> None:
    """An unknown role is an input error (exit 2) and nobody is added."""
    runner.invoke(app, ["init", "--db", sqlite_url])
    result = runner.invoke(
        app,
        ["users", "add", "x", "--role", "god", "--password-stdin", "--db", sqlite_url],
        input="a-long-password\n",
    )
    assert result.exit_code == 2
    assert "x " not in runner.invoke(app, ["users", "list", "--db", sqlite_url]).output
