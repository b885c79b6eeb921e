"""Find a font that prints Chinese (and any non-Latin-1 text) in PDFs.

The PDF core fonts cover Latin-1 only. Text beyond it (a Chinese manifest, a
recipient named 王伟, a seller's Chinese service names) needs a Unicode
TrueType font with CJK glyphs; when none is found the finder raises
:class:`~worldpool.errors.ConfigError` naming what to install, rather than a PDF
printing ``?`` in place of a name. Driver manifests, hub statements and customs
documents all use this one finder (it imports nothing heavy, so a server-only
install renders too).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from worldpool.errors import ConfigError

__all__ = [
    "CJK_FONT_CANDIDATES",
    "FONT_ENV",
    "LEGACY_FONT_ENV",
    "find_cjk_face",
    "find_cjk_font",
    "needs_unicode",
]

FONT_ENV = "WORLDPOOL_CJK_FONT"
"""Environment variable naming a TTF/TTC/OTF font file to use."""

LEGACY_FONT_ENV = "WORLDPOOL_PDF_FONT"
"""The customs documents' older name for :data:`FONT_ENV` (still honoured)."""

CJK_FONT_CANDIDATES: tuple[tuple[str, str], ...] = (
    # (file, preferred family inside a collection; "" = the first face).
    # Debian/Ubuntu: fonts-noto-cjk, fonts-wqy-microhei, fonts-wqy-zenhei,
    # fonts-arphic-uming; Fedora; macOS; Windows.
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", ""),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", ""),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", ""),
    ("/System/Library/Fonts/PingFang.ttc", ""),
    ("/System/Library/Fonts/STHeiti Light.ttc", ""),
    ("C:/Windows/Fonts/msyh.ttc", ""),
    ("C:/Windows/Fonts/simhei.ttf", ""),
)
"""Font files tried in order when no font is named."""


def needs_unicode(texts: list[str]) -> bool:
    """True when some text cannot be printed with the Latin-1 core fonts."""
    try:
        "".join(texts).encode("latin-1")
    except UnicodeEncodeError:
        return True
    return False


def find_cjk_font(
    explicit: str | None = None,
    candidates: tuple[tuple[str, str], ...] | None = None,
) -> Path:
    """Return a CJK-capable font file, or raise ConfigError saying what to install.

    Args:
        explicit: A font file to use (default ``$WORLDPOOL_CJK_FONT``, then
            ``$WORLDPOOL_PDF_FONT``).
        candidates: (file, family) pairs tried when none is named (default
            :data:`CJK_FONT_CANDIDATES`).

    Raises:
        ConfigError: the named file is missing, or none of the candidates exists.
    """
    return _find(explicit, candidates)[0]


def find_cjk_face(
    explicit: str | None = None,
    candidates: tuple[tuple[str, str], ...] | None = None,
) -> tuple[Path, int]:
    """Return (font file, face number inside a .ttc collection) for CJK text.

    Noto's collection holds Japanese, Korean and Chinese faces; the simplified
    Chinese one is picked when the candidate names it. Arguments and errors as
    :func:`find_cjk_font`.
    """
    path, family = _find(explicit, candidates)
    return path, _face_number(path, family)


def _find(
    explicit: str | None, candidates: tuple[tuple[str, str], ...] | None
) -> tuple[Path, str]:
    named = explicit or os.environ.get(FONT_ENV) or os.environ.get(LEGACY_FONT_ENV)
    if named:
        path = Path(named)
        if not path.is_file():
            raise ConfigError(f"{FONT_ENV} names {named}, which is not a font file")
        return path, ""
    for place, family in CJK_FONT_CANDIDATES if candidates is None else candidates:
        if Path(place).is_file():
            return Path(place), family
    raise ConfigError(
        "this document has Chinese (or other non-Latin) text and no CJK font was "
        "found; install one (Debian/Ubuntu: apt-get install fonts-noto-cjk or "
        f"fonts-wqy-microhei) or set {FONT_ENV} to a .ttf/.otf/.ttc file"
    )


@lru_cache(maxsize=8)
def _face_number(path: Path, family: str) -> int:
    if not family or path.suffix.lower() != ".ttc":
        return 0
    from fontTools.ttLib import TTCollection  # type: ignore[import-untyped]

    with TTCollection(str(path), lazy=True) as collection:
        for number, font in enumerate(collection.fonts):
            if font["name"].getDebugName(1) == family:
                return number
    return 0
