from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from worldpool.assistant import ActionKind
from worldpool.assistant.policy import ApprovalMode, load_policy
from worldpool.errors import InputError


def test_packaged_policy_auto_approves_small_transfers_only() -> None:
    """A transfer under the packaged limit runs by itself; a bigger one asks."""
    policy = load_policy()
    kind = ActionKind.APPROVE_TRANSFER
    assert policy.mode_for("any", kind, Decimal("499")) is ApprovalMode.AUTO
    assert policy.mode_for("any", kind, Decimal("501")) is ApprovalMode.ASK
    assert (
        policy.mode_for("any", ActionKind.REPRICE, Decimal(0)) is ApprovalMode.SUGGEST
    )


def test_a_seller_row_overrides_the_default_for_that_seller_only(
    tmp_path: Path,
) -> None:
    """A user file row for seller 'acme' changes acme's mode, not anyone else's."""
    f = tmp_path / "policy.csv"
    f.write_text(
        "seller,action,mode,max_value,currency,source,effective_date\n"
        "acme,fix_hs_code,auto,,USD,acme owner,2026-01-01\n",
        encoding="utf-8",
    )
    policy = load_policy(f)
    assert (
        policy.mode_for("acme", ActionKind.FIX_HS_CODE, Decimal(0)) is ApprovalMode.AUTO
    )
    assert (
        policy.mode_for("other", ActionKind.FIX_HS_CODE, Decimal(0)) is ApprovalMode.ASK
    )


def test_a_row_effective_later_is_not_in_force_yet(tmp_path: Path) -> None:
    """Rows dated after today wait for their day (older files call the column `effective`)."""
    f = tmp_path / "policy.csv"
    f.write_text(
        "seller,action,mode,max_value,currency,source,effective\n"
        "*,reprice,auto,,USD,next year,2030-01-01\n",
        encoding="utf-8",
    )
    now = load_policy(f, today=date(2027, 1, 1))
    later = load_policy(f, today=date(2030, 1, 2))
    assert now.mode_for("s", ActionKind.REPRICE, Decimal(0)) is ApprovalMode.SUGGEST
    assert later.mode_for("s", ActionKind.REPRICE, Decimal(0)) is ApprovalMode.AUTO


def test_a_bad_row_names_the_file_row_and_field(tmp_path: Path) -> None:
    """An unknown mode is refused with the file, row number and field."""
    f = tmp_path / "policy.csv"
    f.write_text("seller,action,mode\n*,approve_po,sometimes\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_policy(f)
    assert err.value.row == 2 and err.value.field == "mode"
