"""Which packages translate one language into another: a direct package, else a pivot via English."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import permutations

from pipeline.translate.packages import PackageInfo

PIVOT = "en"


@dataclass(frozen=True)
class Route:
    """The packages applied in order to go from `source` to `target`."""

    source: str
    target: str
    legs: tuple[PackageInfo, ...]

    @property
    def path(self) -> str:
        """The languages visited, e.g. 'fa>en>sq' (recorded on each translation)."""
        return ">".join([self.legs[0].from_code, *(leg.to_code for leg in self.legs)])

    @property
    def pivoted(self) -> bool:
        return len(self.legs) > 1

    @property
    def package(self) -> str:
        return "+".join(leg.name for leg in self.legs)

    @property
    def version(self) -> str:
        return "+".join(leg.version for leg in self.legs)

    @property
    def engine(self) -> str:
        """Recorded as the translation's engine: `ctranslate2` (Argos packages) or `ct2`."""
        return self.legs[0].engine

    @property
    def test_model(self) -> bool:
        """True if any leg is a random-weight test package: the output words are placeholders."""
        return any(leg.test_model for leg in self.legs)


def find_route(source: str, target: str, packages: Iterable[PackageInfo]) -> Route | None:
    """A direct package if installed, else source>en>target; None if neither exists."""
    by_pair: dict[tuple[str, str], PackageInfo] = {}
    for p in packages:
        by_pair[(p.from_code, p.to_code)] = p  # later (higher version) wins
    direct = by_pair.get((source, target))
    if direct is not None:
        return Route(source, target, (direct,))
    if PIVOT in (source, target):
        return None
    first, second = by_pair.get((source, PIVOT)), by_pair.get((PIVOT, target))
    if first is None or second is None:
        return None
    return Route(source, target, (first, second))


def route_table(
    languages: Sequence[str], packages: Sequence[PackageInfo]
) -> list[tuple[str, str, Route | None]]:
    """Every ordered pair of `languages` with its route (None: impossible with these packages)."""
    return [(a, b, find_route(a, b, packages)) for a, b in permutations(languages, 2)]
