"""HS suggestion accuracy, calibration and speed on a labelled CSV (last line: JSON).

Usage::

    python benchmarks/hs_accuracy.py [--data FILE] [--train FILE ...] [--folds 5]
        [--seed 0] [--embeddings] [--no-glossary] [--uk-weight W]

FILE has a ``text`` and an ``hs6`` column, optionally ``category_path``,
``attributes_json``, ``source`` (the columns of
``shared/data/customs/labeled/hs_labeled_dev.csv``; ``uk_fpo_references.csv``
works too). Default: that dev file.

With ``--train``: the model is fitted on the HS 2022 texts, the US HTS8 and
EU/UK CN8 lines, the packaged labelled products and the rows of the
``--train`` files, and every row of FILE is scored. Without it: ``--folds``-fold
cross-validation within FILE (the model learns from the packaged products
and FILE's other folds). Either way, every training product whose normalised
text (or title) equals a scored text is removed before fitting, so no row is
scored by a model that saw it, even though the package ships the shared
labelled rows.

Calibration is never fitted on scored rows either: with ``--train`` it is
fitted on out-of-fold predictions of the training rows (``--folds`` more
fits); in cross-validation, each fold's probabilities come from a calibration
fitted on the other folds' held-back predictions (cross-fitting). The
packaged ``data/hs_calibration.csv`` is not used here.

Figures: top-1/top-3 accuracy at 2/4/6 digits, Wilson 95 % intervals,
``confident_share`` (share of rows whose calibrated top-1 probability reaches
``HsParams.confident_at``), ``confident_top1_6digit`` (their top-1 HS6
accuracy), ``ece`` (expected calibration error of the top-1 probability,
15 equal-width bins). Speed: suggestions per second on one core (BLAS threads
pinned to 1, CPU time of this process) in batches (``per_s``) and one at a time
(``per_s_single``); ``per_s_wall`` is the wall-clock rate.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from worldpool.customs import HsParams, HsSuggester, load_nomenclature
from worldpool.customs._build_data import product_text
from worldpool.customs._calibrate import (
    calibration_pairs,
    folds_of,
    out_of_fold,
    right_at_top,
    without,
)
from worldpool.customs._confidence import (
    ConfidenceModel,
    fit_confidence,
    write_confidence,
)
from worldpool.customs._evidence import FEATURES
from worldpool.customs.answer import (
    Calibration,
    answer_of,
    fit_calibration,
    write_calibration,
)
from worldpool.customs.examples import Example, packaged_examples, tariff_lines
from worldpool.customs.suggest import HsSuggestion

DEFAULT = (
    Path(__file__).resolve().parents[2]
    / "shared/data/customs/labeled/hs_labeled_dev.csv"
)
Found = list[tuple[HsSuggestion, ...]]
Floats = npt.NDArray[np.float64]
LINEAR = Calibration((0.0, 1.0), (0.0, 1.0), (0.0, 1.0), (0.0, 1.0))
# Stands in before the cross-fitted models exist; also times the probability.
PROBE = ConfidenceModel(
    (0.0,) * len(FEATURES), (1.0,) * len(FEATURES), (0.1,) * len(FEATURES), 0.0, 1.0
)


@dataclass
class Scored:
    """Held-out suggestions, their features and the models that judge them."""

    found: Found
    features: Floats
    cals: list[Calibration]
    confs: list[ConfidenceModel]


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["text"].strip()]
    for row in rows:
        row["query"] = product_text(
            row["text"], row.get("category_path", ""), row.get("attributes_json", "")
        )
        row.setdefault("source", path.stem)
    return rows


def as_examples(rows: Sequence[dict[str, str]], tag: str) -> tuple[Example, ...]:
    return tuple(
        Example(r["query"], r["hs6"], f"{tag}-{i}") for i, r in enumerate(rows)
    )


def unique(pool: Sequence[Example]) -> tuple[Example, ...]:
    """Return ``pool`` with one example per (normalised text, code)."""
    seen: dict[tuple[str, str], Example] = {}
    for e in pool:
        seen.setdefault((" ".join(e.text.lower().split()), e.hs6), e)
    return tuple(seen.values())


def wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return (0.0, 0.0)
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (round(centre - half, 4), round(centre + half, 4))


class Timed:
    """Fits models and times their suggestions (CPU seconds of this process)."""

    def __init__(self, params: HsParams) -> None:
        self.params = params
        self.nomenclature, self.lines = load_nomenclature(), tariff_lines()
        self.seconds = self.wall = self.single = 0.0
        self.single_n = 0

    def fit(self, train: tuple[Example, ...]) -> HsSuggester:
        """Fit a suggester on ``train`` (plus the nomenclature and tariff lines)."""
        return HsSuggester(self.params).fit(self.nomenclature, self.lines, train)

    def suggest(self, model: HsSuggester, texts: list[str]) -> tuple[Found, Floats]:
        """Return the top-3 and the agreement features of each text, timed.

        Batched and one-at-a-time calls are timed; both include the features
        and the confidence model's probability, as the product computes them.
        """
        start, wall = time.process_time(), time.perf_counter()
        found, features = model.suggest_with_evidence(texts, k=3)
        PROBE.probability(features)
        self.seconds += time.process_time() - start
        self.wall += time.perf_counter() - wall
        start = time.process_time()
        for text in texts[:25]:
            PROBE.probability(model.suggest_with_evidence([text], k=3)[1])
        self.single += time.process_time() - start
        self.single_n += min(25, len(texts))
        return found, features


def with_train(
    rows: list[dict[str, str]], train: list[dict[str, str]], timed: Timed, k: int
) -> Scored:
    texts = [r["query"] for r in rows]
    pool = without(unique(packaged_examples() + as_examples(train, "train")), texts)
    found, features = timed.suggest(timed.fit(pool), texts)
    # Calibrate on held-back predictions of the training products only.
    held, held_features = out_of_fold([e.text for e in pool], pool, timed.fit, k)
    gold = [e.hs6 for e in pool]
    cal = fit_calibration(*calibration_pairs(held, gold))
    conf = fit_confidence(held_features, right_at_top(held, gold))
    return Scored(found, features, [cal] * len(rows), [conf] * len(rows))


def cross_validated(
    rows: list[dict[str, str]], timed: Timed, k: int, seed: int
) -> Scored:
    texts = [r["query"] for r in rows]
    pool = unique(packaged_examples() + as_examples(rows, "data"))
    found: Found = [() for _ in rows]
    features = np.zeros((len(rows), len(FEATURES)))
    folds = folds_of(len(rows), k, seed)
    for number, fold in enumerate(folds, start=1):
        print(f"fold {number}/{k}", file=sys.stderr, flush=True)
        model = timed.fit(without(pool, [texts[i] for i in fold]))
        tops, evidence = timed.suggest(model, [texts[i] for i in fold])
        for n, i in enumerate(fold):
            found[i], features[i] = tops[n], evidence[n]
    scored = Scored(found, features, [], [])
    scored.cals[:] = [LINEAR] * len(rows)
    scored.confs[:] = [PROBE] * len(rows)
    gold = [r["hs6"] for r in rows]
    right = right_at_top(found, gold)
    for fold in folds:
        # Cross-fitting: calibrate each fold on the other folds' predictions.
        inside = set(fold)
        rest = [i for i in range(len(rows)) if i not in inside]
        cal = fit_calibration(
            *calibration_pairs([found[i] for i in rest], [gold[i] for i in rest])
        )
        conf = fit_confidence(features[rest], right[rest])
        for i in fold:
            scored.cals[i], scored.confs[i] = cal, conf
    return scored


def coverage_curve(probs: list[float], right: list[bool]) -> dict[str, float]:
    """Return top-1 HS6 accuracy among the most probable 10 %, 20 %... of rows."""
    order = sorted(range(len(probs)), key=lambda i: -probs[i])
    out = {}
    for tenth in range(1, 11):
        m = max(1, round(len(order) * tenth / 10))
        out[f"{tenth / 10:.1f}"] = round(sum(right[i] for i in order[:m]) / m, 4)
    return out


def ece(probs: list[float], right: list[bool], bins: int = 15) -> float:
    total = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        idx = [
            i for i, p in enumerate(probs) if lo <= p < hi or (b == bins - 1 and p == 1)
        ]
        if idx:
            gap = sum(probs[i] for i in idx) / len(idx) - sum(
                right[i] for i in idx
            ) / len(idx)
            total += len(idx) / len(probs) * abs(gap)
    return round(total, 4)


def score(
    rows: list[dict[str, str]], scored: Scored, params: HsParams
) -> dict[str, object]:
    hits: dict[str, list[bool]] = defaultdict(list)
    by_source: dict[str, list[bool]] = defaultdict(list)
    by_source6: dict[str, list[bool]] = defaultdict(list)
    conf_source: dict[str, list[bool]] = defaultdict(list)
    probs, confident_hits, share_probs, share_hits = [], [], [], []
    for n_row, (row, top) in enumerate(zip(rows, scored.found, strict=True)):
        cal, conf = scored.cals[n_row], scored.confs[n_row]
        gold, codes = row["hs6"], [s.code for s in top]
        hits["top1_2digit"].append(codes[0][:2] == gold[:2])
        hits["top1_4digit"].append(codes[0][:4] == gold[:4])
        hits["top3_4digit"].append(gold[:4] in {c[:4] for c in codes})
        hits["top1_6digit"].append(codes[0] == gold)
        hits["top3_6digit"].append(gold in codes)
        source = row.get("source", "")
        by_source[source].append(codes[0][:4] == gold[:4])
        by_source6[source].append(codes[0] == gold)
        plain = answer_of(top, cal, params.confident_at)
        share_probs.append(plain.probability)
        if plain.confident:
            share_hits.append(codes[0] == gold)
        answer = answer_of(top, cal, params.confident_at, scored.features[n_row], conf)
        probs.append(answer.probability)
        conf_source[source].append(answer.confident)
        if answer.confident:
            confident_hits.append(codes[0] == gold)
    n = len(rows)
    out: dict[str, object] = {k_: round(sum(v) / n, 4) for k_, v in hits.items()}
    out["top1_6digit_ci95"] = wilson(sum(hits["top1_6digit"]), n)
    out["top1_4digit_ci95"] = wilson(sum(hits["top1_4digit"]), n)
    out["top1_4digit_by_source"] = {
        s: round(sum(v) / len(v), 4) for s, v in by_source.items()
    }
    out["top1_6digit_by_source"] = {
        s: round(sum(v) / len(v), 4) for s, v in by_source6.items()
    }
    out["confident_share_by_source"] = {
        s: round(sum(v) / len(v), 4) for s, v in conf_source.items()
    }
    out["confident_share"] = round(len(confident_hits) / n, 4)
    out["confident_top1_6digit"] = (
        round(sum(confident_hits) / len(confident_hits), 4) if confident_hits else None
    )
    out["confident_top1_6digit_ci95"] = wilson(sum(confident_hits), len(confident_hits))
    out["ece"] = ece(probs, hits["top1_6digit"])
    out["mean_probability"] = round(sum(probs) / n, 4)
    out["confident_threshold"] = round(sum(c.threshold for c in scored.confs) / n, 4)
    out["coverage_top1_6digit"] = coverage_curve(probs, hits["top1_6digit"])
    # Before the confidence model: the isotonic map of the softmax share alone.
    out["share_only"] = {
        "confident_share": round(len(share_hits) / n, 4),
        "confident_top1_6digit": (
            round(sum(share_hits) / len(share_hits), 4) if share_hits else None
        ),
        "ece": ece(share_probs, hits["top1_6digit"]),
        "coverage_top1_6digit": coverage_curve(share_probs, hits["top1_6digit"]),
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, action="append", default=[])
    parser.add_argument("--train", type=Path, action="append", default=[])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--embeddings", action="store_true")
    parser.add_argument("--no-glossary", action="store_true")
    parser.add_argument("--uk-weight", type=float, default=None)
    parser.add_argument("--write-calibration", type=Path, default=None)
    parser.add_argument("--write-confidence", type=Path, default=None)
    args = parser.parse_args()
    data = args.data or [DEFAULT]
    rows = [r for path in data for r in read_rows(path)]
    train = [r for path in args.train for r in read_rows(path)]
    model = "tfidf word1-2+char3-5, hierarchical centroid + line + kNN votes"
    model += " + chapter SVM" + ("" if args.no_glossary else " + glossary")
    if args.embeddings:
        import torch

        torch.set_num_threads(1)
        model += " + all-MiniLM-L6-v2 centroid + line + kNN votes"
    extra = (
        {}
        if args.uk_weight is None
        else {"source_weights": (("uk-fpo-", args.uk_weight),)}
    )
    params = HsParams(
        embeddings=args.embeddings, glossary=not args.no_glossary, **extra
    )  # type: ignore[arg-type]
    # One core: pin the BLAS/OpenMP pools that NumPy and scikit-learn use.
    with threadpool_limits(limits=1):
        timed = Timed(params)
        if args.train:
            scored = with_train(rows, train, timed, args.folds)
        else:
            scored = cross_validated(rows, timed, args.folds, args.seed)
    result = score(rows, scored, params)
    n = len(rows)
    result["per_s"] = round(n / timed.seconds, 1)
    result["per_s_single"] = round(timed.single_n / timed.single, 1)
    result["per_s_wall"] = round(n / timed.wall, 1)
    result["n"] = n
    result["not_in_hs2022"] = sum(not timed.nomenclature.exists(r["hs6"]) for r in rows)
    result["folds"] = args.folds
    result["mode"] = "train" if args.train else "cv"
    result["data"] = [str(p) for p in data]
    result["train"] = [str(p) for p in args.train]
    result["model"] = model
    print(f"{n} rows, {result['mode']}", file=sys.stderr)
    how = "out-of-fold predictions: benchmarks/hs_accuracy.py " + " ".join(
        f"--data {p.name}" for p in data
    )
    gold = [r["hs6"] for r in rows]
    if args.write_calibration is not None:
        write_calibration(
            fit_calibration(*calibration_pairs(scored.found, gold)),
            args.write_calibration,
            f"isotonic on {how}",
        )
    if args.write_confidence is not None:
        write_confidence(
            fit_confidence(scored.features, right_at_top(scored.found, gold)),
            args.write_confidence,
            f"logistic regression on {how}",
        )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
