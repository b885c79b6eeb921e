"""HS suggestion accuracy and speed on a labelled CSV (last line: one JSON object).

Usage::

    python benchmarks/hs_accuracy.py [--data FILE] [--folds 5] [--seed 0] [--embeddings]
                                     [--no-glossary]

FILE has the columns of ``shared/data/customs/labeled/hs_labeled_dev.csv``
(``text``, ``hs6``, optional ``category_path``, ``attributes_json``,
``source``). Default: that dev file.

Train/test separation: the model is fitted on the HS 2022 texts, the US
HTS8 and EU/UK CN8 line descriptions and the packaged labelled products. The
rows of FILE are split into ``--folds`` folds; for each fold, every packaged
labelled product whose normalised text equals a text in that fold is removed
from the training set before fitting. On the dev file (whose rows *are* the
packaged products) this is plain k-fold cross-validation; on a file with no
overlap (e.g. the held-out split) every fold sees the same model, the one
that ships. No row is ever scored by a model that was fitted on it. The
commodity glossary (``data/hs_glossary.csv``) was written by hand, not derived from the
labelled rows, and is the same in every fold.

Speed: suggestions per second on one core: top-3 per text, BLAS threads pinned
to 1, measured in CPU seconds of this process (``time.process_time``, so that
other work on a shared machine does not count), in batches (``per_s``) and one
text at a time (``per_s_single``); ``per_s_wall`` is the wall-clock rate.

``--embeddings`` adds the sentence-embedding evidence (the ``embeddings``
extra; PyTorch pinned to one thread too). Embeddings of the reference texts
are cached on disk on the first run; query texts are always embedded afresh,
so the speed includes the encoder.

``--no-glossary`` leaves out the commodity glossary (``data/hs_glossary.csv``),
to measure what it adds.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

from threadpoolctl import threadpool_limits

from worldpool.customs import HsParams, HsSuggester, load_nomenclature
from worldpool.customs._build_data import product_text
from worldpool.customs.examples import packaged_examples, tariff_lines

DEFAULT = (
    Path(__file__).resolve().parents[2]
    / "shared/data/customs/labeled/hs_labeled_dev.csv"
)


def norm(text: str) -> str:
    return " ".join(text.lower().split())


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["query"] = product_text(
            row["text"], row.get("category_path", ""), row.get("attributes_json", "")
        )
    return rows


def wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return (0.0, 0.0)
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (round(centre - half, 4), round(centre + half, 4))


def folds_of(n: int, k: int, seed: int) -> list[list[int]]:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


def evaluate(
    rows: list[dict[str, str]], k: int, seed: int, params: HsParams
) -> dict[str, object]:
    nomenclature, lines = load_nomenclature(), tariff_lines()
    packaged = packaged_examples()
    hits: dict[str, list[bool]] = defaultdict(list)
    by_source: dict[str, list[bool]] = defaultdict(list)
    seconds, wall_seconds, single_seconds, single_n = 0.0, 0.0, 0.0, 0
    fits: dict[tuple[int, int], HsSuggester] = {}
    for fold in folds_of(len(rows), k, seed):
        held = {norm(rows[i]["query"]) for i in fold} | {
            norm(rows[i]["text"]) for i in fold
        }
        train = tuple(
            e
            for e in packaged
            if norm(e.text) not in held and norm(e.text.split(" ; ")[0]) not in held
        )
        key = len(train), hash(train)
        if key not in fits:
            fits = {key: HsSuggester(params).fit(nomenclature, lines, train)}
        model = fits[key]
        texts = [rows[i]["query"] for i in fold]
        start, wall = time.process_time(), time.perf_counter()
        found = model.suggest_many(texts, k=3)
        seconds += time.process_time() - start
        wall_seconds += time.perf_counter() - wall
        start = time.process_time()
        for text in texts[:25]:
            model.suggest(text, k=3)
        single_seconds += time.process_time() - start
        single_n += min(25, len(texts))
        for i, top in zip(fold, found, strict=True):
            gold, codes = rows[i]["hs6"], [s.code for s in top]
            hits["top1_2digit"].append(codes[0][:2] == gold[:2])
            hits["top1_4digit"].append(codes[0][:4] == gold[:4])
            hits["top3_4digit"].append(gold[:4] in {c[:4] for c in codes})
            hits["top1_6digit"].append(codes[0] == gold)
            hits["top3_6digit"].append(gold in codes)
            by_source[rows[i].get("source", "")].append(codes[0][:4] == gold[:4])
    n = len(rows)
    out: dict[str, object] = {k_: round(sum(v) / n, 4) for k_, v in hits.items()}
    out["top1_6digit_ci95"] = wilson(sum(hits["top1_6digit"]), n)
    out["top1_4digit_ci95"] = wilson(sum(hits["top1_4digit"]), n)
    out["top1_4digit_by_source"] = {
        s: round(sum(v) / len(v), 4) for s, v in by_source.items()
    }
    out["per_s"] = round(n / seconds, 1)
    out["per_s_single"] = round(single_n / single_seconds, 1)
    out["per_s_wall"] = round(n / wall_seconds, 1)
    out["n"] = n
    out["not_in_hs2022"] = sum(not nomenclature.exists(r["hs6"]) for r in rows)
    out["folds"] = k
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--embeddings", action="store_true")
    parser.add_argument("--no-glossary", action="store_true")
    args = parser.parse_args()
    rows = read_rows(args.data)
    model = "tfidf word1-2+char3-5, hierarchical centroid + line + kNN votes"
    model += " + chapter SVM"
    if not args.no_glossary:
        model += " + glossary"
    if args.embeddings:
        import torch

        torch.set_num_threads(1)
        model += " + all-MiniLM-L6-v2 centroid + line + kNN votes"
    # One core: pin the BLAS/OpenMP pools that NumPy and scikit-learn use.
    with threadpool_limits(limits=1):
        params = HsParams(embeddings=args.embeddings, glossary=not args.no_glossary)
        result = evaluate(rows, args.folds, args.seed, params)
    result["data"] = str(args.data)
    result["model"] = model
    print(f"{args.data.name}: {result['n']} rows, {args.folds}-fold", file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
