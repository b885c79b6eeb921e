"""Find a font that can print the manifest's text (Chinese included).

The PDF core fonts cover Latin-1 only. Text outside it (a Chinese manifest, a
recipient named 王伟) needs a Unicode TrueType font with CJK glyphs; when none
is found this module raises :class:`~worldpool.errors.ConfigError` naming what
to install, rather than printing ``?`` in place of a name.
"""

from __future__ import annotations

import os
from pathlib import Path

from worldpool.errors import ConfigError

__all__ = ["CJK_FONT_CANDIDATES", "FONT_ENV", "find_cjk_font", "needs_unicode"]

FONT_ENV = "WORLDPOOL_CJK_FONT"
"""Environment variable naming a TTF/TTC/OTF font file to use."""

CJK_FONT_CANDIDATES = (
    # Debian/Ubuntu: fonts-wqy-microhei, fonts-wqy-zenhei, fonts-noto-cjk,
    # fonts-arphic-uming; Fedora; macOS; Windows.
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)
"""Font files tried in order when ``WORLDPOOL_CJK_FONT`` is not set."""


def needs_unicode(texts: list[str]) -> bool:
    """True when some text cannot be printed with the Latin-1 core fonts."""
    try:
        "".join(texts).encode("latin-1")
    except UnicodeEncodeError:
        return True
    return False


def find_cjk_font(
    explicit: str | None = None, candidates: tuple[str, ...] | None = None
) -> Path:
    """Return a CJK-capable font file, or raise ConfigError saying what to install.

    Args:
        explicit: A font file to use (default ``$WORLDPOOL_CJK_FONT``).
        candidates: Font files to try when none is named (default
            :data:`CJK_FONT_CANDIDATES`).

    Raises:
        ConfigError: the named file is missing, or none of the candidates exists.
    """
    named = explicit or os.environ.get(FONT_ENV)
    if named:
        path = Path(named)
        if not path.is_file():
            raise ConfigError(f"{FONT_ENV} names {named}, which is not a font file")
        return path
    for candidate in CJK_FONT_CANDIDATES if candidates is None else candidates:
        if Path(candidate).is_file():
            return Path(candidate)
    raise ConfigError(
        "this manifest has Chinese (or other non-Latin) text and no CJK font was "
        "found; install one (Debian/Ubuntu: apt-get install fonts-wqy-microhei or "
        f"fonts-noto-cjk) or set {FONT_ENV} to a .ttf/.ttc file"
    )
