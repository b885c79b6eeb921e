"""Pure parts: backoff, Retry-After, token buckets, buffer rules, secrets, metrics."""

from __future__ import annotations

from datetime import UTC, date, datetime
from random import Random

import pytest

from worldpool.connectors.backoff import delay_s, parse_retry_after
from worldpool.connectors.buffers import (
    load_buffer_rules,
    published_level,
    rule_for,
)
from worldpool.connectors.metrics import Metric, render
from worldpool.connectors.secrets import seal, unseal
from worldpool.connectors.throttle import CostBucket, TokenBucket
from worldpool.errors import ConfigError


def test_backoff_is_capped_full_jitter_and_honours_retry_after() -> None:
    """Delays stay within [0, min(cap, base*2^n)] and never undercut Retry-After."""
    rng = Random(1)
    for n in range(12):
        assert 0 <= delay_s(n, rng, base_s=0.1, cap_s=2.0) <= min(2.0, 0.1 * 2**n)
    assert 3.0 <= delay_s(0, rng, retry_after_s=3.0, base_s=0.1, cap_s=10) <= 3.1


def test_retry_after_parses_seconds_and_http_dates() -> None:
    """Retry-After is read as delta-seconds or as an HTTP-date."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("Thu, 01 Jan 2026 00:00:05 GMT", now) == 5.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_token_bucket_allows_burst_then_paces_at_rate() -> None:
    """A bucket lets ``burst`` calls go at once, then one per 1/rate seconds."""
    bucket = TokenBucket(rate=2.0, burst=3.0)
    assert [bucket.take(0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take(0.0) == pytest.approx(0.5)
    assert bucket.take(0.0) == pytest.approx(1.0)  # the debt is not forgiven


def test_token_bucket_holds_the_rate_under_sustained_demand() -> None:
    """100 calls asked for at once are spread at ``rate`` after the burst."""
    bucket = TokenBucket(rate=10.0, burst=5.0)
    waits = [bucket.take(0.0) for _ in range(100)]
    assert waits[-1] == pytest.approx((100 - 5) / 10.0)
    assert not bucket.try_take(9.4)  # the debt is paid back only at 9.5 s
    assert bucket.take(9.5) == pytest.approx(0.1)


def test_shopify_cost_bucket_waits_for_restore() -> None:
    """The cost bucket waits until enough points are restored for the query."""
    bucket = CostBucket()
    bucket.update(
        {
            "cost": {
                "throttleStatus": {
                    "maximumAvailable": 2000,
                    "currentlyAvailable": 10,
                    "restoreRate": 100,
                }
            }
        },
        now=0.0,
    )
    assert bucket.wait_for(110, now=0.0) == pytest.approx(1.0)
    assert bucket.wait_for(110, now=1.0) == 0.0


def test_buffer_rules_pick_the_most_specific_and_hold_back_units() -> None:
    """The default holds 2 back, splits at <= 50 units, shows shares under 2 as 0."""
    rules = load_buffer_rules()
    rule = rule_for(rules, "shopify", "US", date(2026, 6, 1))
    assert rule is not None and rule.buffer_units == 2
    assert published_level(10, rule) == 8
    assert published_level(2, rule) == 0
    assert published_level(-3, rule) == 0
    assert published_level(200, rule, share=0.25) == 198  # plenty: not split
    assert published_level(50, rule, share=0.25) == 12  # scarce: a quarter of 48
    assert published_level(9, rule, share=0.25) == 0  # share 1 < min_publish 2
    assert rule_for(rules, "amazon", "US", date(2026, 6, 1)).channel == "amazon"  # type: ignore[union-attr]


def test_secrets_round_trip_and_wrong_key_says_so_without_the_secret() -> None:
    """Sealed credentials open with the key only; the error shows no secret."""
    token = seal({"access_token": "shpat_TOPSECRET"}, "k1")
    assert "TOPSECRET" not in token
    assert unseal(token, "k1") == {"access_token": "shpat_TOPSECRET"}
    with pytest.raises(ConfigError) as err:
        unseal(token, "k2")
    assert "TOPSECRET" not in str(err.value)
    with pytest.raises(ConfigError):
        seal({"a": "b"}, None)


def test_metrics_render_prometheus_text() -> None:
    """Metrics render as HELP/TYPE lines and labelled samples."""
    text = render([Metric("wp_x", "An x.", "gauge", (({"c": 'a"b'}, 2.0),))])
    assert text == '# HELP wp_x An x.\n# TYPE wp_x gauge\nwp_x{c="a\\"b"} 2\n'
