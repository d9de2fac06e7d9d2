"""A small newsroom in a real database: articles in every review state, for the export tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.export.publish import ExportOptions, ExportReport, publish
from pipeline.models import FLAG_TEST_MODEL
from pipeline.states import Action
from pipeline.store import Store
from pipeline.store import translations as tr
from pipeline.store.articles import load_article
from pipeline.workspace import Settings
from tests.factories import add_article

BUDGET = [
    ("title", "Council passes the budget"),
    ("paragraph", "The council voted 12 to 3 on Monday."),
    ("list_item", "Roads"),
    ("list_item", "Schools"),
]
BUDGET_FA = ["شورا بودجه را تصویب کرد", "شورا روز دوشنبه با ۱۲ رأی موافق و ۳ رأی مخالف بودجه را تصویب کرد.",
             "جاده‌ها", "مدرسه‌ها"]
BUDGET_AR = ["المجلس يقر الميزانية", "صوّت المجلس يوم الاثنين بأغلبية 12 مقابل 3.", "الطرق", "المدارس"]
RIVER = [("title", "River clean-up starts"), ("paragraph", "Volunteers met at dawn by the bridge.")]
HOSTILE = [
    ("title", "<script>alert('t')</script> Title"),
    ("paragraph", "Click <a href=\"javascript:alert(1)\">here</a> & <img src=x onerror=alert(2)>"),
]


def approve(store: Store, slug: str, lang: str, texts: Sequence[str]) -> None:
    """Edit then approve every unit of an article, in order (a translator and a reviewer)."""
    for unit, text in zip(load_article(store, slug).units, texts, strict=True):
        tr.change(store, unit.id, lang, Action.EDIT, who="mina", text=text, origin="human",
                  translated_by="mina")
        tr.change(store, unit.id, lang, Action.APPROVE, who="reza", reviewed_by="reza")


def machine(store: Store, slug: str, lang: str, texts: Sequence[str],
            flags: Iterable[str] = ()) -> None:
    """Fill every unit with machine translation, as the translate stage does."""
    for unit, text in zip(load_article(store, slug).units, texts, strict=True):
        tr.change(store, unit.id, lang, Action.MACHINE, who=None, text=text, flags=list(flags),
                  origin="mt", engine="ctranslate2", package="translate-en_" + lang,
                  package_version="1.0", score=-0.4)


@dataclass
class Newsroom:
    """The workspace, its open store and a helper to run an export into `out`."""

    settings: Settings
    store: Store
    out: Path

    def export(self, langs: Sequence[str] | None = None, formats: Sequence[str] = ("html",),
               include_machine: bool | None = None, base_url: str | None = None,
               today: dt.date | None = None, jobs: int | None = None) -> ExportReport:
        return publish(self.settings, ExportOptions(
            out=self.out, langs=tuple(langs or self.settings.languages), formats=tuple(formats),
            include_machine=include_machine, base_url=base_url, today=today, jobs=jobs))

    def read(self, rel: str) -> str:
        return (self.out / rel).read_text(encoding="utf-8")


@pytest.fixture
def newsroom(workspace: Settings, store: Store, tmp_path: Path) -> Newsroom:
    """budget-vote (by Ella Park, Local, tags council and budget): fa approved (translated by
    mina, reviewed by reza), ar test-model machine text, sq untranslated.
    river-clean (newer, by Sami Okoro, tag river): ar approved, fa machine text, sq half approved."""
    add_article(store, "budget-vote", BUDGET, date_iso="2024-05-01", byline="By Ella Park",
                category="Local", tags=("council", "budget"))
    add_article(store, "river-clean", RIVER, date_iso="2024-06-02", byline="Sami Okoro",
                tags=("river",))
    approve(store, "budget-vote", "fa", BUDGET_FA)
    machine(store, "budget-vote", "ar", BUDGET_AR, flags=[FLAG_TEST_MODEL])
    approve(store, "river-clean", "ar", ["بدء تنظيف النهر", "التقى المتطوعون عند الفجر قرب الجسر."])
    machine(store, "river-clean", "fa", ["پاکسازی رودخانه آغاز شد", "داوطلبان سحرگاه کنار پل جمع شدند."])
    first = load_article(store, "river-clean").units[0]
    tr.change(store, first.id, "sq", Action.EDIT, who="mina", text="Fillon pastrimi i lumit")
    tr.change(store, first.id, "sq", Action.APPROVE, who="reza")
    return Newsroom(workspace, store, tmp_path / "out")
