from __future__ import annotations

import pytest

from tests.conftest import context_of
from worldpool.audit import history
from worldpool.context import Context
from worldpool.errors import Forbidden, InputError, UnknownReference
from worldpool.ledger import Ledger
from worldpool.users import (
    Login,
    NewUser,
    add_user,
    authenticate,
    get_user,
    list_users,
    set_language,
    set_password,
)


def test_add_then_login_and_the_hash_is_argon2(ctx: Context, ledger: Ledger) -> None:
    """A user added with a password logs in with it; only an argon2id hash is stored."""
    add_user(ctx, NewUser("li.wei", "long-enough-pw", "operator", language="zh"))
    user = authenticate(ctx, Login("li.wei", "long-enough-pw"))
    assert (user.username, user.role, user.language) == ("li.wei", "operator", "zh-CN")
    with ledger.engine.connect() as conn:
        from sqlalchemy import text

        stored = conn.execute(text("select password_hash from users")).scalar_one()
    assert stored.startswith("$argon2id$") and "long-enough-pw" not in stored


def test_wrong_password_and_unknown_user_read_the_same(ctx: Context) -> None:
    """A wrong password and an unknown user raise the same Forbidden; both are audited."""
    add_user(ctx, NewUser("amy", "long-enough-pw", "viewer"))
    messages = []
    for name, pw in (("amy", "wrong-password"), ("nobody", "long-enough-pw")):
        with pytest.raises(Forbidden) as info:
            authenticate(ctx, Login(name, pw))
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    refused = [e for e in history(ctx) if e.action == "user.login"]
    assert {e.status for e in refused} == {"refused"} and len(refused) == 2


def test_weak_password_and_bad_name_are_refused(ctx: Context) -> None:
    """A short password and a user name with spaces are InputErrors naming the field."""
    with pytest.raises(InputError) as weak:
        add_user(ctx, NewUser("amy", "short", "viewer"))
    assert weak.value.field == "password"
    with pytest.raises(InputError) as bad:
        add_user(ctx, NewUser("amy smith", "long-enough-pw", "viewer"))
    assert bad.value.field == "username"


def test_duplicate_name_is_refused(ctx: Context) -> None:
    """Adding a user name twice is refused and the first user keeps its role."""
    add_user(ctx, NewUser("amy", "long-enough-pw", "viewer"))
    with pytest.raises(InputError):
        add_user(ctx, NewUser("amy", "long-enough-pw", "owner"))
    assert [u.role for u in list_users(ctx)] == ["viewer"]


def test_roles_bound_who_manages_users(ctx: Context, ledger: Ledger) -> None:
    """An operator cannot add users; an owner cannot grant hub or manage another seller."""
    add_user(ctx, NewUser("boss", "long-enough-pw", "owner"))
    operator = context_of(ledger, role="operator", user="op")
    owner = context_of(ledger, role="owner", user="boss")
    with pytest.raises(Forbidden):
        add_user(operator, NewUser("x1", "long-enough-pw", "viewer"))
    with pytest.raises(Forbidden):
        add_user(owner, NewUser("x2", "long-enough-pw", "hub"))
    with pytest.raises(Forbidden):
        add_user(owner, NewUser("x3", "long-enough-pw", "viewer", seller="other"))
    add_user(owner, NewUser("x4", "long-enough-pw", "operator"))
    assert {u.username for u in list_users(owner)} == {"boss", "x4"}


def test_owner_sees_own_seller_hub_sees_all(ctx: Context, ledger: Ledger) -> None:
    """list_users is scoped to the owner's seller; the hub role sees every seller."""
    add_user(ctx, NewUser("a", "long-enough-pw", "owner", seller="s1"))
    add_user(ctx, NewUser("b", "long-enough-pw", "owner", seller="s2"))
    owner = context_of(ledger, role="owner").acting_as(seller="s1")
    hub = context_of(ledger, role="hub")
    assert [u.username for u in list_users(owner)] == ["a"]
    assert [u.username for u in list_users(hub)] == ["a", "b"]


def test_password_change_and_language(ctx: Context, ledger: Ledger) -> None:
    """A user changes their own password and language; the old password stops working."""
    add_user(ctx, NewUser("amy", "long-enough-pw", "viewer"))
    me = context_of(ledger, role="viewer", user="amy")
    set_password(me, "amy", "another-long-pw")
    with pytest.raises(Forbidden):
        authenticate(ctx, Login("amy", "long-enough-pw"))
    assert authenticate(ctx, Login("amy", "another-long-pw")).username == "amy"
    assert set_language(me, "zh_CN") == "zh-CN"
    user = get_user(ctx, "amy")
    assert user is not None and user.language == "zh-CN"
    with pytest.raises(Forbidden):
        set_password(me, "someone-else", "another-long-pw")
    with pytest.raises(UnknownReference):
        set_password(ctx, "ghost", "another-long-pw")
    actions = [e.action for e in history(ctx)]
    assert "user.passwd" in actions and "user.language" in actions
