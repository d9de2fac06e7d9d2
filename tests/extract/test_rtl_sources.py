"""Articles whose source is Persian or Arabic (a workspace with `--source fa`): pages written here."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.extract.api import extract_paths
from pipeline.extract.html import parse_html
from pipeline.extract.textdump import split_page
from pipeline.ids import slugify, unit_id
from pipeline.models import BODY_KINDS, UnitKind
from pipeline.workspace import init

FA_TITLE = "کتابخانهٔ شهر ساعت کار خود را افزایش داد"
FA_P1 = ("کتابخانهٔ مرکزی شهر از ماه آینده تا ساعت ده شب باز می‌ماند. "
         "آیا دانشجویان از این تصمیم راضی‌اند؟ بیشترشان می‌گویند بله.")
FA_P2 = ("شورای شهر هزینهٔ این طرح را برای یک سال تأمین کرده است و پس از آن "
         "دربارهٔ ادامهٔ کار تصمیم می‌گیرد، به گفتهٔ مدیر کتابخانه.")
AR_TITLE = "افتتاح خط عبّارة جديد بين ضفّتي النهر"
AR_P1 = ("عبرت أول عبّارة للركاب منذ أربعين عامًا النهر صباح الاثنين، وعلى متنها ستون راكبًا "
         "من الضفة الشرقية إلى الغربية في إحدى عشرة دقيقة. هل ستستمر الرحلات في الشتاء؟ نعم.")
AR_P2 = ("دفع مجلسا البلدتين ثمن القارب معًا، وثمن التذكرة يوروان، ويسافر الأطفال دون "
         "الثانية عشرة مجانًا، بحسب ما أعلنه المجلس في بيان صدر صباح اليوم نفسه.")

FA_HTML = f"""<!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8">
<title>{FA_TITLE} | خبرنامهٔ شهر</title>
<meta property="og:title" content="{FA_TITLE}"></head><body>
<nav><a href="/">خانه</a> <a href="/news">اخبار</a></nav>
<article><h1>{FA_TITLE}</h1><p>{FA_P1}</p><p>{FA_P2}</p></article>
<footer>© ۱۴۰۳ خبرنامهٔ شهر</footer></body></html>"""


def test_persian_html_page_title_body_and_sentences() -> None:
    (d,) = parse_html(FA_HTML)
    assert d.title == FA_TITLE  # the site's name after `|` is not part of it
    assert [t for k, t in d.parts if k in BODY_KINDS] == [FA_P1, FA_P2]
    (a,) = extract_paths([_tmp_file("fa.html", FA_HTML)], lang="fa")
    p1 = next(u for u in a.units if u.text == FA_P1)
    assert [p1.text[x:y] for x, y in p1.sentences] == [
        "کتابخانهٔ مرکزی شهر از ماه آینده تا ساعت ده شب باز می‌ماند.",
        "آیا دانشجویان از این تصمیم راضی‌اند؟", "بیشترشان می‌گویند بله."]
    # Unit ids are the same function of slug and text as for English; non-Latin slugs are hashes.
    assert a.slug == slugify(FA_TITLE) and a.slug.startswith("a-")
    assert p1.id == unit_id(a.slug, FA_P1, 0)


def _tmp_file(name: str, text: str) -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / name
    path.write_text(text, "utf-8")
    return path


AR_DUMP = "\n".join(["   * الرئيسية", "   * محلي", "   * اقتصاد", "", AR_TITLE, "", AR_P1, "",
                     AR_P2, "", "   * من نحن", "   * اتصل بنا", ""])


def test_arabic_text_dump_title_body_and_sentences() -> None:
    (d,) = split_page(AR_DUMP)
    assert d.title == AR_TITLE  # not a menu line
    assert [t for k, t in d.parts if k in BODY_KINDS] == [AR_P1, AR_P2]
    (a,) = extract_paths([_tmp_file("ar.txt", AR_DUMP)], lang="ar")
    p1 = next(u for u in a.units if u.text == AR_P1)
    assert [p1.text[x:y][-1] for x, y in p1.sentences] == [".", "؟", "."]


def test_wrapped_arabic_paragraphs_are_joined_back() -> None:
    paras = [f"{AR_P1} {k}" for k in range(6)]
    text = "\n".join([AR_TITLE, ""] + [
        textwrap.fill(p, 80, initial_indent="   ", subsequent_indent="   ") + "\n" for p in paras])
    (d,) = split_page(text)
    assert d.title == AR_TITLE
    assert [t for k, t in d.parts if k is UnitKind.PARAGRAPH] == paras


def test_workspace_with_persian_source_extracts_and_reextracts(
    tmp_path: Path, runner: CliRunner,
) -> None:
    ws = init(tmp_path / "ws", "fa", ("en", "ar"))
    page = tmp_path / "page.html"
    page.write_text(FA_HTML, "utf-8")
    args = ["extract", "-w", str(ws.root), "--json", str(page)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    (row,) = json.loads(first.stdout)
    assert row["added"] == 3  # title and two paragraphs
    again = runner.invoke(app, args)
    assert json.loads(again.stdout)[0]["unchanged"] is True


AR_SITE = "أخبار المدينة"
AR_LEAD = "مجلسا البلدتين يفتتحان خطًا نهريًا جديدًا للركاب بعد أربعين عامًا من الانتظار الطويل."


def test_arabic_html_in_windows_1256_with_site_name_and_standfirst(tmp_path: Path) -> None:
    body = "".join(f"<p>{p}</p>" for p in (AR_P1, AR_P2, AR_P1 + " 1", AR_P2 + " 2"))
    html = (f'<html lang="ar" dir="rtl"><head><meta charset="windows-1256">'
            f"<title>{AR_SITE}: {AR_TITLE}</title>"
            f'<meta property="og:site_name" content="{AR_SITE}"></head><body>'
            f'<nav><a href="/">الرئيسية</a></nav><div class="head"><h1>{AR_TITLE}</h1>'
            f'<p class="deck">{AR_LEAD}</p><span>بقلم سارة</span></div>'
            f'<div class="story">{body}</div><footer>{AR_SITE}</footer></body></html>')
    path = tmp_path / "ar.html"
    path.write_bytes(html.encode("cp1256"))  # the legacy Arabic code page, as declared
    (a,) = extract_paths([path], lang="ar")
    assert a.title == AR_TITLE  # the site's name before the colon is cut off
    texts = [u.text for u in a.units]
    assert texts.index(AR_LEAD) < texts.index(AR_P1)  # the standfirst, before the body
    p1 = next(u for u in a.units if u.text == AR_P1)
    assert [p1.text[x:y][-1] for x, y in p1.sentences] == [".", "؟", "."]
    assert p1.id == unit_id(a.slug, AR_P1, 0)
