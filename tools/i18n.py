"""Message catalogs: extract msgids, update the zh-CN catalog, compile ``.mo``.

Usage (from the repository root, with the ``test`` extra installed)::

    python tools/i18n.py update    # extract msgids, merge them into every .po
    python tools/i18n.py compile   # write the .mo files worldpool reads at run time
    python tools/i18n.py check     # list msgids without a zh-CN translation (exit 1)

Msgids are the English texts in ``t("...")``, ``tr(request, "...")`` and
``N_("...")`` calls of modules that import :mod:`worldpool.i18n` (``t`` is also
a common variable name elsewhere), and ``_("...")`` in the cockpit's Jinja2
templates. The compiled ``.mo`` files are committed, so a plain ``pip install``
speaks Chinese without Babel; ``tests/test_i18n.py`` fails when a ``.mo`` is
stale or a msgid lacks a translation.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "worldpool"
LOCALE = PACKAGE / "locale"
LANGUAGES = ("zh_CN",)
KEYWORDS = {"t": None, "tr": (2,), "N_": None, "_": None}
_HEADER = (
    "# worldpool message catalog (Apache-2.0, like the code).\n"
    "# Edit msgstr lines only; `python tools/i18n.py update` adds new msgids."
)
_MARKERS = (
    "from worldpool.i18n import",
    "import worldpool.i18n",
    "from worldpool.interfaces.web._render import",  # the cockpit's tr()
)


def _python_files() -> list[Path]:
    return [
        p
        for p in sorted(PACKAGE.rglob("*.py"))
        if any(m in p.read_text(encoding="utf-8") for m in _MARKERS)
    ]


def extract_messages() -> dict[str, list[str]]:
    """Return every msgid with the ``file:line`` places it is used."""
    found: dict[str, list[str]] = {}
    sources = [(p, "python") for p in _python_files()]
    sources += [(p, "jinja2") for p in sorted(PACKAGE.rglob("templates/*.html"))]
    options = {"trim_blocks": "true", "lstrip_blocks": "true"}
    for path, method in sources:
        with path.open("rb") as handle:
            for line, msg, _comments, _ctx in extract(
                method, handle, keywords=KEYWORDS, options=options
            ):
                msgid = msg[0] if isinstance(msg, tuple) else msg
                if msgid:
                    where = f"{path.relative_to(PACKAGE)}:{line}"
                    found.setdefault(msgid, []).append(where)
    return found


def _po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "worldpool.po"


def read_catalog(lang: str) -> Catalog:
    """Return the ``.po`` catalog of ``lang`` (empty when there is none)."""
    path = _po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain="worldpool")
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain="worldpool")


def update() -> None:
    """Add new msgids (untranslated) to every catalog and mark unused ones obsolete."""
    messages = extract_messages()
    template = Catalog(domain="worldpool", project="worldpool")
    for msgid, places in messages.items():
        locations = [(f, int(n)) for f, n in (p.rsplit(":", 1) for p in places)]
        template.add(msgid, locations=locations)
    for lang in LANGUAGES:
        catalog = read_catalog(lang)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.project, catalog.version = "worldpool", ""
        catalog.copyright_holder = "worldpool developers"
        catalog.msgid_bugs_address = ""
        catalog.last_translator = "worldpool developers"
        catalog.language_team = "worldpool developers"
        catalog.header_comment = _HEADER
        catalog.fuzzy = False
        path = _po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=88, sort_output=True)


def compiled(lang: str) -> bytes:
    """Return the ``.mo`` bytes the ``.po`` of ``lang`` compiles to."""
    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(lang), use_fuzzy=False)
    return buffer.getvalue()


def compile_all() -> None:
    """Write ``worldpool.mo`` next to every ``.po``."""
    for lang in LANGUAGES:
        _po_path(lang).with_suffix(".mo").write_bytes(compiled(lang))


def missing(lang: str = "zh_CN") -> dict[str, list[str]]:
    """Return msgids used in the code without a (non-fuzzy) translation in ``lang``."""
    catalog = read_catalog(lang)
    out = {}
    for msgid, places in extract_messages().items():
        entry = catalog.get(msgid)
        if entry is None or not entry.string or entry.fuzzy:
            out[msgid] = places
    return out


def main(argv: list[str]) -> int:
    """Run ``update``, ``compile`` or ``check``."""
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    else:
        gaps = missing()
        for msgid, places in gaps.items():
            print(f"{places[0]}: {msgid!r}")
        return 1 if gaps else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
