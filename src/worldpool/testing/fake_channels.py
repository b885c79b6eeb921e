"""Loopback fakes of channel APIs (Shopify, Amazon, eBay, TikTok, Walmart), with faults.

Each fake is a real HTTP server on 127.0.0.1 answering the documented request
and reply shapes the connectors use, and keeping the channel's side of the
world: its orders, the stock level it shows shoppers, the fulfillments it
recorded. Faults: a share of 5xx replies, 429 storms with ``Retry-After``,
slow replies and replies slower than the client's timeout. Shoppers buy
through :meth:`FakeChannel.sell`, which refuses what the channel shows as out
of stock, as a real storefront does.
"""

from worldpool.testing._fake_amazon import FakeAmazon
from worldpool.testing._fake_base import FakeChannel, Faults
from worldpool.testing._fake_ebay import FakeEbay
from worldpool.testing._fake_shopify import FakeShopify
from worldpool.testing._fake_tiktok import FakeTikTokShop
from worldpool.testing._fake_walmart import FakeWalmart

__all__ = [
    "FAKES",
    "FakeAmazon",
    "FakeChannel",
    "FakeEbay",
    "FakeShopify",
    "FakeTikTokShop",
    "FakeWalmart",
    "Faults",
]

FAKES: dict[str, type[FakeChannel]] = {
    fake.CHANNEL: fake
    for fake in (FakeAmazon, FakeShopify, FakeEbay, FakeTikTokShop, FakeWalmart)
}
"""Loopback fake per channel id; each declares the ``CREDENTIALS`` and
``SETTINGS`` a connection to it is made with (the benchmark sells through
every provider of :data:`worldpool.connectors.providers.PROVIDERS` that has
one here)."""
