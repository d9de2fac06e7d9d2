"""The dashboard's figures: progress per language and each person's work per week, from events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pipeline.states import Status
from pipeline.store import Store
from pipeline.store import activity as q


@dataclass(frozen=True)
class Progress:
    """Live units of one language by status."""

    lang: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def percent(self, status: str) -> float:
        return 100.0 * self.counts.get(status, 0) / self.total if self.total else 0.0


@dataclass
class PersonWeek:
    """What one person did in one week (Monday's date)."""

    week: str
    who: str
    counts: dict[str, int] = field(default_factory=lambda: {a: 0 for a in q.COUNTED})


def progress(store: Store, langs: tuple[str, ...]) -> list[Progress]:
    """Per target language, units by status (in the states' order)."""
    counts = q.status_counts(store, langs)
    order = [s.value for s in Status]
    return [Progress(lang, {s: counts[lang].get(s, 0) for s in order}) for lang in langs]


def weekly_activity(store: Store, *, weeks: int = 8,
                    today: datetime | None = None) -> list[PersonWeek]:
    """Approved, edited and rejected units per person per week, newest week first."""
    end = (today or datetime.now(UTC)) + timedelta(days=1)
    start = end - timedelta(weeks=weeks, days=1)
    out: dict[tuple[str, str], PersonWeek] = {}
    for week, who, action, n in q.weekly(store, start.strftime("%Y-%m-%d"),
                                         end.strftime("%Y-%m-%d")):
        row = out.setdefault((week, who), PersonWeek(week, who))
        row.counts[action] = n
    return list(out.values())
