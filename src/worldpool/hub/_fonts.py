"""Find a CJK font for hub statements (Chinese service names, seller names).

The lastmile and customs packages carry their own finders, but importing
either pulls in their solver or NumPy stack; a statement must render on a
server-only install. Same environment variable and places as lastmile's.
"""

from __future__ import annotations

import os
from pathlib import Path

from worldpool.errors import ConfigError

__all__ = ["FONT_ENV", "find_cjk_font"]

FONT_ENV = "WORLDPOOL_CJK_FONT"
"""Environment variable naming a TTF/TTC/OTF font file to use."""

_PLACES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)


def find_cjk_font(
    explicit: str | None = None, places: tuple[str, ...] = _PLACES
) -> Path:
    """Return a CJK-capable font file, or raise ConfigError saying what to install.

    Args:
        explicit: A font file to use (default ``$WORLDPOOL_CJK_FONT``).
        places: Font files tried in order when none is named.
    """
    named = explicit or os.environ.get(FONT_ENV)
    if named:
        if not Path(named).is_file():
            raise ConfigError(f"{FONT_ENV} names {named}, which is not a font file")
        return Path(named)
    for place in places:
        if Path(place).is_file():
            return Path(place)
    raise ConfigError(
        "this statement has Chinese text and no CJK font was found; install one "
        "(Debian/Ubuntu: apt-get install fonts-wqy-microhei or fonts-noto-cjk) or set "
        f"{FONT_ENV} to a .ttf/.ttc file"
    )
