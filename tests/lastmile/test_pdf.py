from __future__ import annotations

import dataclasses
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from tests.lastmile.conftest import city_day
from worldpool import fonts as _fonts
from worldpool.errors import ConfigError
from worldpool.i18n import t
from worldpool.lastmile import (
    LastMileParams,
    RoutePlan,
    RoutingProblem,
    build_manifests,
    plan_loads,
    solve,
)
from worldpool.lastmile.pdf import render_labels, render_manifests
from worldpool.lastmile.routemap import route_map_html, route_map_svg


def _text(pdf: bytes) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def _day(problem: RoutingProblem) -> tuple[RoutePlan, dict[str, tuple]]:  # type: ignore[type-arg]
    plan = solve(problem, LastMileParams(seconds=0.4))
    shelves = {v.id: v.shelf for v in problem.vans}
    return plan, {r.van_id: plan_loads(r, shelves[r.van_id]) for r in plan.routes}


@pytest.fixture(scope="module")
def planned() -> tuple[RoutingProblem, RoutePlan, dict[str, tuple]]:  # type: ignore[type-arg]
    """A solved city day with its load plans."""
    problem = city_day(n=10, vans=1)
    plan, loads = _day(problem)
    return problem, plan, loads


def test_english_manifest_lists_stops_slots_and_times(planned) -> None:  # type: ignore[no-untyped-def]
    """The PDF's text has the van, every stop in order, arrival times and slot codes."""
    _, plan, loads = planned
    (manifest,) = build_manifests(plan, loads)
    text = "\n".join(_text(render_manifests([manifest], "en")))
    assert "Driver manifest: van VAN-1" in text
    for s in manifest.stops:
        assert s.stop in text and s.arrival in text
    assert "A1" in text
    positions = [text.index(s.stop) for s in manifest.stops]
    assert positions == sorted(positions)


def test_labels_print_the_slot_code_on_each_parcel(planned) -> None:  # type: ignore[no-untyped-def]
    """One label page per parcel, each with its slot code, in loading order."""
    _, plan, loads = planned
    (manifest,) = build_manifests(plan, loads)
    pages = _text(render_labels(manifest.labels, "en"))
    assert len(pages) == sum(len(v.stop.parcels) for v in plan.routes[0].visits)
    for page, label in zip(pages, manifest.labels, strict=True):
        assert f"Slot {label.slot}" in page and label.parcel in page
    assert manifest.labels[-1].seq == 1  # loaded last: the first stop


def _with_chinese_names(problem: RoutingProblem) -> RoutingProblem:
    names = ["王伟", "李娜", "张敏"]
    stops = tuple(
        dataclasses.replace(s, name=names[i % 3], address=f"深圳市南山区科技园{i}号")
        for i, s in enumerate(problem.stops)
    )
    return dataclasses.replace(problem, stops=stops)


def _cjk_font_or_skip() -> None:
    try:
        _fonts.find_cjk_font()
    except ConfigError:
        if os.environ.get("CI"):
            raise
        pytest.skip("no CJK font on this machine (CI installs fonts-wqy-microhei)")


def test_chinese_manifest_embeds_a_cjk_font_and_keeps_the_glyphs() -> None:
    """zh-CN manifests and labels print Chinese names as Chinese, never '?'."""
    _cjk_font_or_skip()
    plan, loads = _day(_with_chinese_names(city_day(n=6, vans=1)))
    (manifest,) = build_manifests(plan, loads)
    text = "\n".join(_text(render_manifests([manifest], "zh-CN")))
    assert "王伟" in text and "深圳市南山区科技园" in text
    assert t("Driver manifest: van {van}", "zh-CN", van="VAN-1") in text
    assert "?" not in text  # no replacement glyphs
    labels = "\n".join(_text(render_labels(manifest.labels, "zh-CN")))
    assert "李娜" in labels or "王伟" in labels


def test_missing_cjk_font_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chinese text with no CJK font raises ConfigError naming what to install."""
    monkeypatch.delenv(_fonts.FONT_ENV, raising=False)
    monkeypatch.delenv(_fonts.LEGACY_FONT_ENV, raising=False)
    monkeypatch.setattr(_fonts, "CJK_FONT_CANDIDATES", (("/nonexistent/font.ttc", ""),))
    plan, loads = _day(_with_chinese_names(city_day(n=3, vans=1)))
    manifests = build_manifests(plan, loads)
    with pytest.raises(ConfigError, match="fonts-wqy-microhei"):
        render_manifests(manifests, "en")
    with pytest.raises(ConfigError, match="no CJK font"):
        render_labels(manifests[0].labels, "zh-CN")


def test_named_font_that_is_not_a_file_is_refused(tmp_path: Path) -> None:
    """WORLDPOOL_CJK_FONT pointing nowhere is a ConfigError naming the path."""
    with pytest.raises(ConfigError, match=r"missing\.ttf"):
        _fonts.find_cjk_font(str(tmp_path / "missing.ttf"))


def test_route_map_is_valid_svg_with_every_stop(planned) -> None:  # type: ignore[no-untyped-def]
    """The SVG parses, draws one circle per stop and one path per trip, and a depot."""
    problem, plan, _ = planned
    svg = route_map_svg(plan, [problem.vans[0].depot])
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert len(root.findall(f"{ns}circle")) == len(plan.routes[0].visits)
    assert len(root.findall(f"{ns}polyline")) == plan.routes[0].trips
    assert len(root.findall(f"{ns}rect")) == 2  # background + depot
    html = route_map_html(plan, [problem.vans[0].depot])
    assert html.startswith("<!doctype html>") and "<svg" in html and "VAN-1" in html
