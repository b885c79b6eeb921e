"""HS answers a broker can trust: calibration, abstention, seller corrections."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import context_for
from worldpool.context import Context
from worldpool.customs import HsSuggester, service
from worldpool.customs._questions import QUESTIONS, deciding_question
from worldpool.customs.answer import (
    Calibration,
    answer_of,
    fit_calibration,
    load_calibration,
    write_calibration,
)
from worldpool.customs.examples import Example
from worldpool.customs.hs_service import (
    HsCorrectionRequest,
    HsRequest,
    product_query,
    record_hs_correction,
    suggest_hs_answer,
)
from worldpool.customs.suggest import HsSuggestion
from worldpool.errors import Forbidden, InputError
from worldpool.i18n import t
from worldpool.ledger import Ledger

LINEAR = Calibration((0.0, 1.0), (0.0, 1.0), (0.0, 1.0), (0.0, 0.5))


def _s(code: str, share: float) -> HsSuggestion:
    return HsSuggestion(code, share, "", "", "")


def test_confident_answer_has_no_question() -> None:
    """A top share mapped over the threshold is confident and asks nothing."""
    answer = answer_of([_s("610910", 0.9), _s("620520", 0.4)], LINEAR, 0.85)
    assert answer.confident and answer.question == ""
    assert answer.probability == 0.9
    # The map of the lower ranks (0.2), capped: the shortlist sums to at most 1.
    assert answer.suggestions[1].confidence == 0.1


def test_abstention_asks_the_deciding_question() -> None:
    """Below the threshold the answer abstains with the question that decides."""
    answer = answer_of([_s("610910", 0.5), _s("620520", 0.3)], LINEAR, 0.85)
    assert not answer.confident
    assert answer.question_key == "knit_or_woven"
    assert answer.question == QUESTIONS["knit_or_woven"]
    assert t(answer.question, "zh-CN") != answer.question  # translated


@pytest.mark.parametrize(
    ("codes", "key"),
    [
        (["961700", "732393"], "vacuum_flask"),
        (["711719", "711311"], "precious_metal"),
        (["640399", "640419"], "footwear_upper"),
        (["392410", "732393"], "material"),
        (["392410", "392390"], "plastic_use"),
        (["851762", "851769"], "subheading"),
        (["851762", "950300"], "use"),
    ],
)
def test_deciding_question(codes: list[str], key: str) -> None:
    """Pairs of often confused codes get the question that tells them apart."""
    assert deciding_question(codes) == key


def test_calibration_is_monotone_and_round_trips(tmp_path: Path) -> None:
    """Isotonic maps never decrease and survive the CSV file."""
    top = [(i / 100, i % 3 == 0 or i > 70) for i in range(100)]
    other = [(i / 200, i % 5 == 0) for i in range(100)]
    cal = fit_calibration(top, other)
    values = [cal.top(x / 50) for x in range(51)]
    assert values == sorted(values) and values[0] >= 0 and values[-1] <= 1
    assert cal.top(0.95) > cal.top(0.05)
    path = tmp_path / "cal.csv"
    write_calibration(cal, path, "test")
    assert "rank,share,probability" in path.read_text().splitlines()[0]


def test_packaged_calibration_is_a_probability_map() -> None:
    """The shipped map goes from 0-1 shares to non-decreasing 0-1 probabilities."""
    cal = load_calibration()
    ys = [cal.top(x / 20) for x in range(21)]
    assert ys == sorted(ys) and all(0 <= y <= 1 for y in ys)
    assert ys[-1] > ys[0]


def test_product_attributes_join_the_query() -> None:
    """Material, gender and use are appended to the title as product words."""
    assert (
        product_query("dress", "100% cotton", "girls") == "dress ; 100% cotton ; girls"
    )
    assert HsRequest("mug", use="kitchen").query() == "mug ; kitchen"


def test_index_adds_examples_without_refit(small_suggester: HsSuggester) -> None:
    """Examples indexed after fitting vote for their code at query time."""
    text = "zorblax gizmo deluxe"
    before = small_suggester.suggest_many([text], 3)[0][0].code
    code = "950300" if before != "950300" else "420221"
    extra = small_suggester.index([Example(text, code, "seller:x")])
    after = small_suggester.suggest_many([text], 3, extra)[0][0]
    assert after.code == code and "seller:x" in after.reason
    assert small_suggester.suggest_many([text], 3)[0][0].code == before


@pytest.fixture
def seller_ctx(
    ledger: Ledger, small_suggester: HsSuggester, monkeypatch: pytest.MonkeyPatch
) -> Context:
    """An owner context with the small suggester standing in for the packaged one."""
    monkeypatch.setattr(service, "hs_model", lambda confirmed: small_suggester)
    return context_for(ledger)


def test_correction_counts_at_once_for_that_seller_only(seller_ctx: Context) -> None:
    """A recorded correction is the seller's top answer next time; others never see it."""
    request = HsRequest("zorblax gizmo deluxe", material="plastic")
    before = suggest_hs_answer(seller_ctx, request).suggestions[0].code
    code = "950300" if before != "950300" else "420221"
    done = record_hs_correction(seller_ctx, HsCorrectionRequest(request.query(), code))
    assert done.hs6 == code and done.examples == 1
    corrected = suggest_hs_answer(seller_ctx, request)
    assert corrected.suggestions[0].code == code and corrected.confident
    other = replace(seller_ctx, seller="other-seller")
    assert suggest_hs_answer(other, request).suggestions[0].code == before
    again = record_hs_correction(
        seller_ctx, HsCorrectionRequest(request.query(), before)
    )
    assert again.previous == code and again.examples == 1


def test_correction_is_checked(seller_ctx: Context) -> None:
    """Viewers cannot record; unknown codes and empty texts are refused."""
    with pytest.raises(Forbidden):
        record_hs_correction(
            replace(seller_ctx, role="viewer"), HsCorrectionRequest("x", "950300")
        )
    with pytest.raises(InputError):
        record_hs_correction(seller_ctx, HsCorrectionRequest("mug", "999998"))
    with pytest.raises(InputError):
        record_hs_correction(seller_ctx, HsCorrectionRequest("  ", "950300"))
    with pytest.raises(InputError):
        suggest_hs_answer(seller_ctx, HsRequest("mug", k=0))
