"""The message catalog: every user-facing text goes through :func:`t`.

``t("Plan {plan_id} applied", "zh-CN", plan_id="PLAN-1")`` looks the English
message id up in the language's catalog (``worldpool/locale/<lang>/LC_MESSAGES/
worldpool.mo``, built from the ``.po`` files with Babel) and formats it with the
named parameters. A message with no translation falls back to English, so code
can adopt ``t`` before its translation exists; a test lists untranslated ids.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path

__all__ = ["DOMAIN", "LANGUAGES", "LOCALE_DIR", "N_", "normalise_language", "t"]

DOMAIN = "worldpool"
"""gettext domain of worldpool's catalogs."""

LOCALE_DIR = Path(__file__).with_name("locale")
"""Folder holding ``<lang>/LC_MESSAGES/worldpool.po`` (and ``.mo``)."""

LANGUAGES = ("en", "zh-CN")
"""Languages worldpool speaks, English first (the message ids)."""


def normalise_language(language: str | None) -> str:
    """Return ``en`` or ``zh-CN`` for a tag such as ``zh``, ``zh_CN``, ``en-GB``."""
    tag = (language or "en").replace("_", "-").lower()
    return "zh-CN" if tag.startswith("zh") else "en"


@lru_cache(maxsize=8)
def _translations(language: str) -> gettext.NullTranslations:
    folder = language.replace("-", "_")
    return gettext.translation(
        DOMAIN, localedir=LOCALE_DIR, languages=[folder], fallback=True
    )


def t(msgid: str, language: str | None = "en", /, **params: object) -> str:
    """Return ``msgid`` translated into ``language`` and formatted with ``params``.

    Args:
        msgid: The English text, with ``{name}`` placeholders.
        language: ``en`` or ``zh-CN`` (other tags are normalised; unknown -> en).
        **params: Values for the placeholders.
    """
    lang = normalise_language(language)
    text = msgid if lang == "en" else _translations(lang).gettext(msgid)
    return text.format(**params) if params else text


def N_(msgid: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    """Return ``msgid`` unchanged: marks a text for extraction, translated later."""
    return msgid
