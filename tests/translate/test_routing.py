"""Routing: all 12 ordered pairs of en/fa/ar/sq, direct first, else a pivot through English."""

from __future__ import annotations

from itertools import permutations
from pathlib import Path

import pytest

from pipeline.translate.packages import PackageInfo
from pipeline.translate.routing import find_route, route_table

LANGS = ("en", "fa", "ar", "sq")


def pkg(src: str, tgt: str, test_model: bool = False) -> PackageInfo:
    return PackageInfo(f"translate-{src}_{tgt}", Path(f"/p/{src}_{tgt}"), src, tgt, "1.9", "",
                       test_model, 1)


def test_with_english_both_ways_every_pair_has_a_route() -> None:
    installed = [pkg("en", x) for x in ("fa", "ar", "sq")] + [pkg(x, "en") for x in ("fa", "ar", "sq")]
    table = route_table(LANGS, installed)
    assert len(table) == 12
    for src, tgt, route in table:
        assert route is not None
        expected = f"{src}>{tgt}" if "en" in (src, tgt) else f"{src}>en>{tgt}"
        assert route.path == expected
        assert route.pivoted == ("en" not in (src, tgt))


def test_direct_package_beats_pivot() -> None:
    installed = [pkg("fa", "en"), pkg("en", "ar"), pkg("fa", "ar")]
    route = find_route("fa", "ar", installed)
    assert route is not None and route.path == "fa>ar" and route.package == "translate-fa_ar"


@pytest.mark.parametrize(("src", "tgt"), list(permutations(LANGS, 2)))
def test_no_packages_no_route(src: str, tgt: str) -> None:
    assert find_route(src, tgt, []) is None


def test_pivot_needs_both_legs_and_carries_test_flag() -> None:
    assert find_route("fa", "sq", [pkg("fa", "en")]) is None
    route = find_route("fa", "sq", [pkg("fa", "en"), pkg("en", "sq", test_model=True)])
    assert route is not None and route.test_model
    assert route.package == "translate-fa_en+translate-en_sq" and route.version == "1.9+1.9"
