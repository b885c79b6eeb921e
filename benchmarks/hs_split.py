"""Split labelled HS CSVs into a training part and a held-out part (seeded).

Usage::

    python benchmarks/hs_split.py --out DIR [--holdout 0.2] [--seed 7] FILE ...

Writes ``DIR/train_<name>.csv`` and ``DIR/holdout_<name>.csv`` for each FILE
(same columns). Every text of a held-out row is held out everywhere: a row of
the training part whose normalised text equals a held-out text is dropped, so
``hs_accuracy.py --data DIR/holdout_*.csv --train DIR/train_*.csv`` scores
products the model has never seen (the benchmark also removes the package's
copies of them). Last line: JSON with the row counts.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from pathlib import Path


def norm(text: str) -> str:
    return " ".join(text.lower().split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--holdout", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    tables = []
    for path in args.files:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            tables.append((path, list(reader.fieldnames or []), list(reader)))
    held = {
        norm(r["text"])
        for _, _, rows in tables
        for r in rows
        if rng.random() < args.holdout
    }
    counts: dict[str, int] = {}
    for path, columns, rows in tables:
        for part, keep in (("train", False), ("holdout", True)):
            chosen = [r for r in rows if (norm(r["text"]) in held) == keep]
            target = args.out / f"{part}_{path.name}"
            with target.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, columns, lineterminator="\n")
                writer.writeheader()
                writer.writerows(chosen)
            counts[target.name] = len(chosen)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
