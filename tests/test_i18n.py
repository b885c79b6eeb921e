"""The message catalogs: every msgid is translated, the shipped .mo is current."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from worldpool.i18n import LOCALE_DIR, normalise_language, t

TOOL = Path(__file__).resolve().parents[1] / "tools" / "i18n.py"


@pytest.fixture(scope="module")
def catalogs() -> ModuleType:
    """``tools/i18n.py`` (extraction with Babel), loaded as a module."""
    spec = importlib.util.spec_from_file_location("worldpool_i18n_tool", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_every_msgid_has_a_chinese_translation(catalogs: ModuleType) -> None:
    """Each text in t()/tr()/N_() calls and in the templates has a zh-CN translation."""
    found = catalogs.extract_messages()
    assert "Stock value by node" in found and "Wrong user name or password." in found
    missing = catalogs.missing("zh_CN")
    assert not missing, "untranslated (python tools/i18n.py check): " + "; ".join(
        f"{places[0]}: {msgid!r}" for msgid, places in sorted(missing.items())
    )


def test_shipped_mo_matches_the_po(catalogs: ModuleType) -> None:
    """The committed .mo is what the .po compiles to (run `tools/i18n.py compile`)."""
    shipped = LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "worldpool.mo"
    assert shipped.read_bytes() == catalogs.compiled("zh_CN")


def test_placeholders_survive_translation(catalogs: ModuleType) -> None:
    """Every translation keeps exactly the placeholders of its English msgid."""
    import string

    def names(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    for message in catalogs.read_catalog("zh_CN"):
        if message.id and message.string:
            assert names(message.id) == names(message.string), message.id


def test_t_translates_and_falls_back() -> None:
    """t() gives Chinese for zh tags, English for others and for unknown msgids."""
    assert t("Overview", "zh-CN") == "总览"
    assert t("Overview", "zh_Hans") == "总览"
    assert t("Overview", "fr") == "Overview"
    assert t("No user {name}.", "zh", name="amy") == "没有用户 amy。"
    assert t("Not in any catalog {x}", "zh-CN", x=1) == "Not in any catalog 1"
    assert normalise_language("EN-gb") == "en"
