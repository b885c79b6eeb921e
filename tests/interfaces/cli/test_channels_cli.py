"""``worldpool channels``, ``worldpool sync status`` and ``worldpool ship-order`` via CliRunner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from worldpool.interfaces.cli import channels as channels_cli
from worldpool.interfaces.cli.app import app
from worldpool.testing.fake_channels import FakeShopify, FakeTikTokShop

runner = CliRunner()


def test_channels_connect_list_test_status_disconnect(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A connection made on the CLI is listed masked, tested, shown, disconnected."""
    monkeypatch.setenv("WORLDPOOL_SECRET_KEY", "cli-test-key")
    monkeypatch.setattr(channels_cli.console, "width", 200)  # room for every column
    db = f"sqlite:///{tmp_path / 'wp.db'}"
    fake = FakeShopify(seed=5).start()
    try:
        assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
        made = runner.invoke(
            app,
            [
                "channels",
                "connect",
                "shop-us",
                "--channel",
                "shopify",
                "--url",
                fake.url,
                "--market",
                "US",
                "--set",
                "location_id=gid://x/1",
                "--secret",
                "access_token=shpat_SECRET",
                "--db",
                db,
            ],
        )
        assert made.exit_code == 0, made.output
        listed = runner.invoke(app, ["channels", "list", "--db", db])
        assert "shop-us" in listed.output and "shpat_SECRET" not in listed.output
        tested = runner.invoke(app, ["channels", "test", "shop-us", "--db", db])
        assert "Fake Shop" in tested.output
        status = runner.invoke(app, ["sync", "status", "--db", db])
        assert "shop-us" in status.output
        again = runner.invoke(
            app,
            [
                "channels",
                "connect",
                "shop-us",
                "--channel",
                "shopify",
                "--url",
                fake.url,
                "--market",
                "US",
                "--secret",
                "access_token=other",
                "--db",
                db,
            ],
        )
        assert again.exit_code == 2 and "exists" in again.output
        missing = runner.invoke(
            app,
            [
                "ship-order",
                "shopify",
                "404",
                "--carrier",
                "UPS",
                "--tracking",
                "1Z",
                "--db",
                db,
            ],
        )
        assert missing.exit_code != 0
        gone = runner.invoke(app, ["channels", "disconnect", "shop-us", "--db", db])
        assert gone.exit_code == 0
    finally:
        fake.close()


def test_connect_and_test_a_tiktok_shop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``channels connect --channel tiktok_shop`` stores it; ``test`` signs a call."""
    monkeypatch.setenv("WORLDPOOL_SECRET_KEY", "cli-test-key")
    db = f"sqlite:///{tmp_path / 'wp.db'}"
    fake = FakeTikTokShop(seed=6).start()
    try:
        assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
        made = runner.invoke(
            app,
            [
                "channels",
                "connect",
                "tts-us",
                "--channel",
                "tiktok_shop",
                "--url",
                fake.url,
                "--market",
                "US",
                "--set",
                "shop_cipher=c1",
                "--set",
                f"auth_url={fake.url}",
                "--secret",
                f"app_key={fake.app_key}",
                "--secret",
                f"app_secret={fake.app_secret}",
                "--secret",
                "refresh_token=r1",
                "--db",
                db,
            ],
        )
        assert made.exit_code == 0, made.output
        tested = runner.invoke(app, ["channels", "test", "tts-us", "--db", db])
        assert "Fake TikTok Shop" in tested.output, tested.output
        assert fake.bad_signs == 0
    finally:
        fake.close()


def test_sync_run_refuses_an_unknown_log_level(tmp_path: Path) -> None:
    """An unknown ``--log-level`` is named and refused; ``off`` runs quietly."""
    db = f"sqlite:///{tmp_path / 'wp.db'}"
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    bad = runner.invoke(app, ["sync", "run", "--log-level", "loud", "--db", db])
    assert bad.exit_code == 2
    assert "--log-level" in bad.output and "loud" in bad.output
    ran = runner.invoke(
        app, ["sync", "run", "--seconds", "0.2", "--log-level", "off", "--db", db]
    )
    assert ran.exit_code == 0, ran.output
