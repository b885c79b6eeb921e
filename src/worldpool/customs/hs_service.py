"""HS suggestion services a broker can trust: calibrated answers, seller corrections.

``suggest_hs_answer`` classifies a product (title in English or Chinese, plus
the material, gender and use when known) and returns an
:class:`~worldpool.customs.answer.HsAnswer`: a calibrated probability, a
``confident`` flag, or an abstention with the shortlist and the question that
would decide it. ``record_hs_correction`` stores the code a seller or broker
confirmed for a product; from the next call on, it is a labelled example of
that seller (it votes at query time, nothing is refitted) and no other seller
sees it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from worldpool.audit import audit_on
from worldpool.context import Context
from worldpool.customs import service
from worldpool.customs.examples import Example
from worldpool.customs.nomenclature import hs_digits, load_nomenclature
from worldpool.errors import InputError
from worldpool.ledger.hs_tables import list_corrections_on, save_correction_on

if TYPE_CHECKING:
    from worldpool.customs.answer import HsAnswer
    from worldpool.customs.suggest import ExampleIndex, HsSuggester

__all__ = [
    "HsCorrection",
    "HsCorrectionRequest",
    "HsRequest",
    "product_query",
    "record_hs_correction",
    "seller_examples",
    "suggest_hs_answer",
]


def product_query(
    text: str, material: str = "", gender: str = "", use: str = ""
) -> str:
    """Return the text classified for a product: title ; material ; gender ; use.

    The attributes are appended the way the packaged labelled products carry
    theirs (``title ; category ; material``), so they count as product words.
    """
    parts = [text.strip(), material.strip(), gender.strip(), use.strip()]
    return " ; ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class HsRequest:
    """A product to classify."""

    text: str
    """Title or description, English or Chinese."""
    k: int = 3
    """Length of the shortlist."""
    material: str = ""
    """Main material when known (``stainless steel``, ``100% cotton``, ``纯棉``)."""
    gender: str = ""
    """Who it is for when it matters (``women``, ``boys``...)."""
    use: str = ""
    """What it is used for (``kitchen``, ``packing``...)."""

    def query(self) -> str:
        """Return the text the suggester classifies."""
        return product_query(self.text, self.material, self.gender, self.use)


@dataclass(frozen=True, slots=True)
class HsCorrectionRequest:
    """The code a seller or broker confirmed for a product."""

    text: str
    """The product text, as classified (title plus attributes)."""
    code: str
    """The right HS code (6 or more digits of an HS 2022 subheading)."""


@dataclass(frozen=True, slots=True)
class HsCorrection:
    """A stored correction."""

    text: str
    hs6: str
    previous: str
    """The code it replaced for the same text ("" when new or unchanged)."""
    examples: int
    """How many corrections the seller has now."""


def seller_examples(ctx: Context) -> tuple[Example, ...]:
    """Return the context's seller's corrections as labelled examples."""
    with ctx.engine.connect() as conn:
        rows = list_corrections_on(conn, ctx.seller)
    return tuple(Example(r.text, r.hs6, f"seller:{ctx.seller}") for r in rows)


_INDEXES: dict[tuple[int, tuple[Example, ...]], ExampleIndex] = {}


def _seller_index(model: HsSuggester, examples: tuple[Example, ...]) -> ExampleIndex:
    """Return ``examples`` in ``model``'s space (a transform, cached; no refit)."""
    key = (id(model), examples)
    if key not in _INDEXES:
        if len(_INDEXES) >= 64:
            _INDEXES.pop(next(iter(_INDEXES)))
        _INDEXES[key] = model.index(examples)
    return _INDEXES[key]


def suggest_hs_answer(ctx: Context | None, request: HsRequest) -> HsAnswer:
    """Classify a product: calibrated shortlist, confident or the deciding question.

    Args:
        ctx: Whose corrections count (None: the packaged model only).
        request: The product text and its attributes.

    Raises:
        InputError: when the text is empty or ``k`` is not 1-10.
    """
    from worldpool.customs._confidence import load_confidence
    from worldpool.customs.answer import answer_of, load_calibration

    if not request.text.strip():
        raise InputError("describe the product", record="hs", field="text", value="")
    if not 1 <= request.k <= 10:
        raise InputError("k must be 1-10", record="hs", field="k", value=str(request.k))
    model = service.hs_model(())
    extra = None
    if ctx is not None:
        ctx.require("viewer")
        own = seller_examples(ctx)
        extra = _seller_index(model, own) if own else None
    many, evidence = model.suggest_with_evidence([request.query()], request.k, extra)
    found = many[0]
    answer = answer_of(
        found,
        load_calibration(),
        model.params.confident_at,
        evidence[0],
        load_confidence(),
    )
    key = " ".join(request.query().lower().split())
    if extra is not None and found and not answer.confident:
        # The seller confirmed this very text: its code is the answer, not a guess.
        confirmed = {" ".join(e.text.lower().split()): e.hs6 for e in extra.examples}
        if confirmed.get(key) == found[0].code:
            answer = replace(answer, confident=True, question="", question_key="")
    return answer


def record_hs_correction(ctx: Context, request: HsCorrectionRequest) -> HsCorrection:
    """Store the code a seller or broker confirmed; it counts from the next suggestion.

    Raises:
        Forbidden: for a viewer.
        InputError: when the text is empty or the code is not an HS 2022 subheading.
    """
    ctx.require("operator")
    text, digits = " ".join(request.text.split()), hs_digits(request.code)
    if not text:
        raise InputError("describe the product", record="hs", field="text", value="")
    if len(digits) < 6 or not load_nomenclature().exists(digits[:6]):
        raise InputError(
            "not an HS 2022 subheading", record="hs", field="code", value=request.code
        )
    with ctx.engine.begin() as conn:
        row = save_correction_on(conn, ctx.seller, text, digits[:6], ctx.user or "cli")
        count = len(list_corrections_on(conn, ctx.seller))
        audit_on(
            conn,
            ctx,
            "hs.correct",
            target=digits[:6],
            inputs={"text": text, "code": request.code},
            result={"previous": row.previous},
        )
    return HsCorrection(text, row.hs6, row.previous, count)
