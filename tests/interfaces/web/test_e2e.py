"""End to end in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

Never downloads a browser: Playwright launches ``/usr/bin/chromium``
(``.ci/run`` installs it). Locally the test skips without it; in CI (``CI``
set) a missing browser fails. A failing step saves a screenshot under
``e2e-artefacts/`` (or ``WORLDPOOL_E2E_ARTEFACTS``).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.interfaces.web.conftest import PASSWORD, serve, world
from worldpool.catalog import Catalog
from worldpool.ledger import Ledger

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTEFACTS = Path(os.environ.get("WORLDPOOL_E2E_ARTEFACTS", "e2e-artefacts"))
PAGES = (
    "/ui/",
    "/ui/inventory",
    "/ui/orders",
    "/ui/forecasts?sku=MUG-1&market=DE",
    "/ui/plans",
    "/ui/customs",
    "/ui/twin",
    "/ui/journal?sku=MUG-1",
    "/ui/orders/dead-letters",
    "/ui/me",
)
SKUS = """sku,title,unit_cost,currency,unit_weight_kg,length_cm,width_cm,height_cm
CUP-1,Steel cup,2.50,USD,0.3,10,10,12
CUP-2,Steel cup large,not-a-number,USD,0.4,10,10,14
"""
ASN = "asn_id,sku,node,qty\nASN-E2E,MUG-1,CN-SZX,40\n"

if sys.platform != "linux":  # pragma: no cover - Debian's chromium only
    pytest.skip("needs Debian's chromium", allow_module_level=True)


def _browser_or_skip() -> None:
    missing = not CHROMIUM.exists()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests: apt-get install -y chromium")
        pytest.skip("no /usr/bin/chromium or playwright")


@pytest.fixture
def site(sqlite_url: str, catalog: Catalog) -> Iterator[str]:
    """The cockpit over a stocked SQLite pool with users, on a loopback port."""
    ledger = Ledger.open(sqlite_url, catalog)
    ledger.init()
    world(ledger)
    yield from serve(ledger)
    ledger.close()


@pytest.fixture
def browser() -> Iterator[object]:
    """Debian's headless Chromium."""
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


def _step(page: object, name: str) -> Callable[[Callable[[], None]], None]:
    def run(action: Callable[[], None]) -> None:
        try:
            action()
        except BaseException:
            ARTEFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
            raise

    return run


def _login(browser: object, site: str, user: str) -> object:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.goto(site + "/ui/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(site + "/ui/")
    return page


def _upload(page: object, form: str, name: str, text: str, tmp: Path) -> str:
    path = tmp / name
    path.write_text(text)
    page.set_input_files(f"#{form} input[type=file]", str(path))  # type: ignore[attr-defined]
    page.click(f"#{form} button")  # type: ignore[attr-defined]
    report = page.locator(f"#{form} + div .report")  # type: ignore[attr-defined]
    report.wait_for()
    return str(report.inner_text())


def test_seller_day_in_the_browser(site: str, browser: object, tmp_path: Path) -> None:
    """Upload SKUs and an ASN, see a forecast, run and approve a plan, read it in Chinese."""
    page = _login(browser, site, "olivia")
    expect = pytest.importorskip("playwright.sync_api").expect

    def inventory() -> None:
        page.goto(site + "/ui/inventory?search=MUG-1&node=CN-SZX")
        before = int(page.locator("#balances tbody tr td").nth(3).inner_text())
        report = _upload(page, "sku-form", "skus.csv", SKUS, tmp_path)
        assert "1 rows accepted" in report and "unit_cost" in report
        assert "1 rejected" in report
        report = _upload(page, "asn-form", "asn.csv", ASN, tmp_path)
        assert "1 rows accepted" in report
        page.click("form.filters button")
        cell = page.locator("#balances tbody tr td").nth(3)
        expect(cell).to_have_text(str(before + 40))

    def forecast() -> None:
        page.goto(site + "/ui/forecasts?sku=MUG-1&market=DE")
        page.locator("#forecast-chart[data-drawn='1'] canvas").wait_for()

    def plan() -> None:
        page.goto(site + "/ui/plans")
        page.click("#run-plan")
        page.wait_for_url(re.compile(r".*/ui/plans/PLAN-.*"), timeout=120_000)
        plan_id = page.url.rsplit("/", 1)[1]
        viewer = _login(browser, site, "vera")
        viewer.goto(site + f"/ui/plans/{plan_id}")
        viewer.click("#approve")
        expect(viewer.locator("p.error")).to_contain_text("(viewer)")
        expect(viewer.locator("#plan-status")).to_have_text("draft")
        viewer.close()
        page.click("#approve")
        expect(page.locator("p.done")).to_contain_text("transfers posted")
        page.goto(site + "/ui/journal")
        expect(page.locator("#journal")).to_contain_text(plan_id)
        expect(page.locator("#journal")).to_contain_text("transfer out")

    def chinese() -> None:
        page.goto(site + "/ui/")
        page.click("#lang-switch button[value='zh-CN']")
        english = _translated_english()
        for path in PAGES:
            page.goto(site + path)
            assert page.locator("html").get_attribute("lang") == "zh-CN"
            texts = page.evaluate(_TEXTS)
            leaked = sorted({x for x in texts if _english(x, english)})
            assert not leaked, f"{path}: untranslated {leaked[:5]}"

    for name, action in (
        ("inventory", inventory),
        ("forecast", forecast),
        ("plan", plan),
        ("chinese", chinese),
    ):
        _step(page, name)(action)
    page.close()


_TEXTS = """() => {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) { const v = walk.currentNode.nodeValue.trim(); if (v) out.push(v); }
  for (const el of document.querySelectorAll("[placeholder],[title],[aria-label]")) {
    for (const a of ["placeholder", "title", "aria-label"]) {
      const v = el.getAttribute(a); if (v) out.push(v.trim());
    }
  }
  return out;
}"""
"""Every text node and placeholder/title/aria-label of the page (the UI's own texts)."""


def _english(text: str, msgids: set[str]) -> bool:
    """True when ``text`` is an English msgid (or starts like one with placeholders)."""
    for m in msgids:
        head = m.split("{")[0].strip()
        if text == m or ("{" in m and len(head) >= 8 and text.startswith(head)):
            return True
    return False


def _translated_english() -> set[str]:
    """English msgids whose zh-CN text differs (none may show on a Chinese page)."""
    import gettext

    from worldpool.i18n import DOMAIN, LOCALE_DIR

    zh = gettext.translation(DOMAIN, LOCALE_DIR, languages=["zh_CN"])
    catalog: dict[str, str] = zh._catalog  # type: ignore[attr-defined]
    return {m for m, s in catalog.items() if isinstance(m, str) and m and s != m}
