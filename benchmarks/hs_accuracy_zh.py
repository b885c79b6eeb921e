"""HS suggestion on Chinese product titles: heading accuracy, Chinese vs English.

Usage::

    python benchmarks/hs_accuracy_zh.py [--data tests/data/hs_zh_titles.csv]

FILE has ``id, hs6, title_zh, title_en``: marketplace titles from the shared
labelled dev set (HSCodeComp rows) and a Chinese title for each, written by the
cockpit helper (an LLM) the way a Chinese seller would list the product (see
``tests/data/PROVENANCE.md``). Every labelled example whose text starts with one
of these English titles is left out of the suggester before fitting, so neither
language is classified by looking itself up. Chinese titles go through the
packaged Chinese product-word dictionary (``worldpool/customs/data/zh_terms.csv``).

Figures: ``zh_top1_4digit``, ``zh_top3_4digit`` (heading right at rank 1 / in the
top 3) and the same for the English titles (``en_*``), ``n``. The last line is
one JSON object. Caveat: the dictionary was written by the same helper after
seeing these titles, so the Chinese figure is optimistic for unseen titles.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from worldpool.customs import HsParams, HsSuggester, load_nomenclature
from worldpool.customs.examples import packaged_examples, tariff_lines

DEFAULT = Path(__file__).resolve().parents[1] / "tests" / "data" / "hs_zh_titles.csv"


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def main() -> None:
    """Fit without the evaluated rows, classify both languages, print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT)
    args = ap.parse_args()
    with args.data.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    held = [_norm(r["title_en"])[:40] for r in rows]
    train = tuple(
        e
        for e in packaged_examples()
        if not any(_norm(e.text).startswith(h) for h in held)
    )
    model = HsSuggester(HsParams()).fit(load_nomenclature(), tariff_lines(), train)
    out: dict[str, object] = {
        "n": len(rows),
        "left_out": len(packaged_examples()) - len(train),
    }
    for lang in ("zh", "en"):
        found = model.suggest_many([r[f"title_{lang}"] for r in rows], k=3)
        top1 = [f[0].code[:4] == r["hs6"][:4] for f, r in zip(found, rows, strict=True)]
        top3 = [
            r["hs6"][:4] in {s.code[:4] for s in f}
            for f, r in zip(found, rows, strict=True)
        ]
        out[f"{lang}_top1_4digit"] = round(sum(top1) / len(rows), 3)
        out[f"{lang}_top3_4digit"] = round(sum(top3) / len(rows), 3)
        for r, f, ok in zip(rows, found, top1, strict=True):
            if lang == "zh" and not ok:
                print(
                    f"miss {r['id']} {r['hs6'][:4]} -> {f[0].code[:4]}: {r['title_zh']}"
                )
    print(json.dumps(out))


if __name__ == "__main__":
    main()
