"""Every check as a table: cases that must fail and near-misses that must pass, per language."""

from __future__ import annotations

import pytest

from pipeline.checks.base import Glossary, GlossaryTerm, UnitContext
from pipeline.checks.registry import CHECK_IDS, CHECKS

GLOSSARY = Glossary.of([
    GlossaryTerm("European Union", "اتحادیه اروپا"),
    GlossaryTerm("Reuters", None, do_not_translate=True),
])

# (check id, target language, source, target, should fail)
CASES: list[tuple[str, str, str, str, bool]] = [
    # empty
    ("empty", "fa", "The vote was held.", "", True),
    ("empty", "sq", "The vote was held.", "   ", True),
    ("empty", "fa", "", "", False),
    ("empty", "sq", "The vote was held.", ".", False),
    # same_as_source
    ("same_as_source", "sq", "The vote was held on Sunday.", "The vote was held on Sunday.", True),
    ("same_as_source", "fa", "The vote was held", "the vote was  held", True),
    ("same_as_source", "sq", "New York Times", "New York Times (gazeta)", False),
    ("same_as_source", "sq", "Tirana Times", "Tirana Times", False),  # two words: a name
    ("same_as_source", "ar", "NATO UN OSCE", "NATO UN OSCE", False),  # acronyms
    # wrong_script
    ("wrong_script", "fa", "The minister resigned.", "The minister resigned.", True),
    ("wrong_script", "ar", "Talks resume today.", "Talks resume today in Geneva.", True),
    ("wrong_script", "sq", "Talks resume today.", "Переговоры возобновятся сегодня.", True),
    ("wrong_script", "fa", "NATO met in Brussels.", "ناتو در Brussels نشست برگزار کرد.", False),
    ("wrong_script", "fa", "The UN and NATO agree.", "سازمان ملل UN و NATO موافقند.", False),
    ("wrong_script", "fa", "See https://ex.org/a-long-path", "ببینید https://ex.org/a-long-path", False),
    ("wrong_script", "sq", "Talks resume today.", "Bisedimet rifillojnë sot.", False),
    ("wrong_script", "sq", "The talks in Geneva resumed on Monday after a pause.",
     "The talks in Geneva resumed on Monday after a long pause.", True),  # English, edited
    ("wrong_script", "sq", "The talks in Geneva resumed on Monday after a pause.",
     "Bisedimet në Gjenevë rifilluan të hënën pas një pushimi, tha The Guardian.", False),
    # bidi_controls
    ("bidi_controls", "fa", "Price", "قیمت\u202e", True),
    ("bidi_controls", "ar", "Price", "\u2067السعر\u2069", True),
    ("bidi_controls", "fa", "Price (USD)", "قیمت\u200f (USD)\u200e", False),  # RLM, LRM
    ("bidi_controls", "fa", "Book shelf", "قفسه\u200cی کتاب \u061c", False),  # ZWNJ, ALM
    # numbers
    ("numbers", "fa", "In 1988 the war ended.", "در سال ۱۹۸۷ جنگ تمام شد.", True),
    ("numbers", "ar", "12 people died.", "لقي ١٣ شخصا حتفهم.", True),
    ("numbers", "sq", "It cost 5 euros.", "Kushtoi euro.", True),
    ("numbers", "fa", "In 1988 the war ended.", "در سال ۱۹۸۸ جنگ تمام شد.", False),
    ("numbers", "ar", "In 1988 the war ended.", "في عام ١٩٨٨ انتهت الحرب.", False),
    ("numbers", "fa", "Growth was 2.5% of 12,000.", "رشد ۲٫۵٪ از ۱۲٬۰۰۰ بود.", False),
    ("numbers", "sq", "It cost 1,500.50 euros.", "Kushtoi 1.500,50 euro.", False),
    ("numbers", "fa", "See https://x.org/2024 [3]", "ببینید https://x.org/2024 [۳]", False),
    # links
    ("links", "fa", "Read https://example.org/report.", "گزارش را بخوانید.", True),
    ("links", "sq", "Write to desk@example.org", "Shkruani te desk@example.com", True),
    ("links", "fa", "Read https://example.org/report.", "https://example.org/report را بخوانید.", False),
    ("links", "sq", "Write to desk@example.org.", "Shkruani te desk@example.org.", False),
    # references
    ("references", "fa", "He said so.[1]", "او چنین گفت.", True),
    ("references", "ar", "He said so.[1][2]", "قال ذلك.[1][3]", True),
    ("references", "fa", "He said so.[1]", "او چنین گفت.[۱]", False),
    ("references", "sq", "He said so. [a]", "Ai e tha. [a]", False),
    # placeholders
    ("placeholders", "fa", "Published on %(date)s", "منتشر شده در %(data)s", True),
    ("placeholders", "sq", "Read in {language}", "Lexo në {gjuha}", True),
    ("placeholders", "ar", "%d articles", "مقالات", True),
    ("placeholders", "fa", "Published on %(date)s", "منتشر شده در %(date)s", False),
    ("placeholders", "sq", "Read in {language}", "Lexo në {language}", False),
    ("placeholders", "fa", "Turnout was 100% of 5%s", "مشارکت ۱۰۰٪ از 5%s بود", False),
    ("placeholders", "sq", "100% of voters", "100% e votuesve", False),  # "% o" is not %o
    # markup
    ("markup", "fa", "A <b>big</b> day", "روزی <b>بزرگ</i>", True),
    ("markup", "ar", "A <b>big</b> day", "يوم كبير", True),
    ("markup", "sq", "<a href='x'>A <i>big</i></a> day", "<a href='x'>Një</a> ditë <i>e madhe</i>", True),
    ("markup", "fa", "A <b>big</b> day<br/>", "روزی <b>بزرگ</b><br/>", False),
    ("markup", "sq", "<i>One</i> and <b>two</b>", "<b>dy</b> dhe <i>një</i>", False),  # order may change
    ("markup", "fa", "if a < b and c > d", "اگر a < b و c > d", False),  # not tags
    ("markup", "sq", "A <b>big day", "Një ditë e madhe", True),  # cut from a larger element
    ("markup", "sq", "A <b>big day", "Një ditë <b>e madhe", False),
    # do_not_translate
    ("do_not_translate", "fa", "Reuters reported it.", "رویترز آن را گزارش کرد.", True),
    ("do_not_translate", "fa", "Reuters reported it.", "Reuters آن را گزارش کرد.", False),
    ("do_not_translate", "sq", "The reutersian view.", "Pikëpamja.", False),  # not the whole word
    # glossary
    ("glossary", "fa", "The European Union agreed.", "اتحاد اروپا موافقت کرد.", True),
    ("glossary", "fa", "The European Union agreed.", "اروپا و اتحادیه موافقت کردند.", True),
    ("glossary", "fa", "The European Union agreed.", "اتحادیه\u200cی اروپا موافقت کرد.", False),
    ("glossary", "fa", "The european union agreed.", "اتحادیه اروپا موافقت کرد.", False),
    ("glossary", "fa", "The European Union agreed.", "اتحاديه اروپا موافقت كرد.", False),  # folded
    # arabic_letters (Persian only)
    ("arabic_letters", "fa", "A book", "يك كتاب", True),
    ("arabic_letters", "fa", "A book", "یک کتاب", False),
    ("arabic_letters", "ar", "A book", "كتاب يوم", False),  # Arabic letters are right in Arabic
    # persian_letters (Arabic only)
    ("persian_letters", "ar", "A book", "کتاب", True),
    ("persian_letters", "ar", "Pepsi", "پپسی", True),
    ("persian_letters", "ar", "A book", "كتاب", False),
    ("persian_letters", "fa", "A book", "یک کتاب", False),
    # end_punctuation
    ("end_punctuation", "fa", "Is it over?", "آیا تمام شد.", True),
    ("end_punctuation", "sq", "It is over.", "Mbaroi", True),
    ("end_punctuation", "ar", "Headline", "عنوان.", True),
    ("end_punctuation", "fa", "Is it over?", "آیا تمام شد؟", False),
    ("end_punctuation", "ar", "First, second;", "أولا، ثانيا؛", False),
    ("end_punctuation", "fa", "He said \"no.\"", "او گفت «نه».", False),
    ("end_punctuation", "sq", "Wait...", "Prit…", False),
    # edge_whitespace
    ("edge_whitespace", "fa", "Hello", " سلام", True),
    ("edge_whitespace", "sq", "Hello\n", "Përshëndetje", True),
    ("edge_whitespace", "sq", " Hello ", " Përshëndetje ", False),
    ("edge_whitespace", "fa", "Hello", "سلام", False),
    # double_space
    ("double_space", "fa", "A big day", "روزی  بزرگ", True),
    ("double_space", "sq", "A  big day", "Një  ditë e madhe", False),
    ("double_space", "sq", "A big day", "Një ditë e madhe", False),
    # length_ratio
    ("length_ratio", "sq", "The talks resumed today.", "Bisedimet rifilluan sot " * 5, True),
    ("length_ratio", "fa", "The talks resumed in Geneva today after a long pause.", "مذاکرات", True),
    ("length_ratio", "sq", "The talks resumed today.", "Bisedimet rifilluan sot në Gjenevë.", False),
    ("length_ratio", "fa", "Yes", "بله، همین طور است و خواهد بود", False),  # short sources vary
]

# Checks whose verdict comes from the unit's provenance, not its words: (..., context fields).
CTX_CASES: list[tuple[str, str, str, str, bool, dict[str, bool]]] = [
    ("test_model", "fa", "The vote was held.", "رأی‌گیری برگزار شد.", True,
     {"placeholder_text": True}),
    ("test_model", "fa", "The vote was held.", "رأی‌گیری برگزار شد.", False, {}),
]

_BY_ID = {c.check_id: c for c in CHECKS}


@pytest.mark.parametrize(("check_id", "lang", "source", "target", "fails", "fields"), CTX_CASES)
def test_check_case_with_context(check_id: str, lang: str, source: str, target: str, fails: bool,
                                 fields: dict[str, bool]) -> None:
    message = _BY_ID[check_id]().check(source, target, UnitContext(lang=lang, **fields))
    assert bool(message) is fails


@pytest.mark.parametrize(("check_id", "lang", "source", "target", "fails"), CASES)
def test_check_case(check_id: str, lang: str, source: str, target: str, fails: bool) -> None:
    check = _BY_ID[check_id]()
    ctx = UnitContext(lang=lang, glossary=GLOSSARY)
    message = check.check(source, target, ctx) if check.applies_to(lang) else None
    if fails:
        assert message, f"{check_id} should flag {target!r}"
        assert isinstance(message, str) and message.strip()
    else:
        assert message is None, f"{check_id} flagged a near-miss: {message}"


def test_every_check_has_a_failing_case_and_a_near_miss() -> None:
    covered = {(cid, fails) for cid, _, _, _, fails in CASES}
    covered |= {(cid, fails) for cid, _, _, _, fails, _ in CTX_CASES}
    for check_id in CHECK_IDS:
        assert (check_id, True) in covered, f"{check_id} has no failing case"
        assert (check_id, False) in covered, f"{check_id} has no near-miss"


def test_check_ids_are_unique_and_documented() -> None:
    assert len(set(CHECK_IDS)) == len(CHECK_IDS)
    for c in CHECKS:
        assert c.name and c.description.endswith(".")
        assert c.severity.value in ("error", "warning")
        assert c.check_id.isidentifier()


@pytest.mark.parametrize(
    ("lang", "target"),
    [("fa", "آیا تمام شد؟"), ("ar", "هل انتهى؟"), ("sq", "A mbaroi?"), ("fa", "آیا تمام شد?")],
)
def test_a_question_mark_is_a_question_mark_in_every_language(lang: str, target: str) -> None:
    check = _BY_ID["end_punctuation"]()
    assert check.check("Is it over?", target, UnitContext(lang=lang)) is None


def test_end_punctuation_suggests_the_languages_own_mark() -> None:
    check = _BY_ID["end_punctuation"]()
    message = check.check("Is it over?", "آیا تمام شد", UnitContext(lang="fa")) or ""
    assert "؟" in message
    message = check.check("Is it over?", "A mbaroi", UnitContext(lang="sq")) or ""
    assert "'?'" in message


@pytest.mark.parametrize("digits", ["1988", "۱۹۸۸", "١٩٨٨"])
def test_the_same_year_in_any_digits_passes(digits: str) -> None:
    check = _BY_ID["numbers"]()
    for lang in ("fa", "ar", "sq"):
        assert check.check("In 1988.", f"x {digits}.", UnitContext(lang=lang)) is None
        assert check.check("In 1989.", f"x {digits}.", UnitContext(lang=lang))


def test_length_ratio_limit_comes_from_the_context() -> None:
    check = _BY_ID["length_ratio"]()
    source, target = "The talks resumed today.", "x" * 60  # 2.5 times as long
    assert check.check(source, target, UnitContext(lang="sq", length_ratio_max=3.0)) is None
    assert check.check(source, target, UnitContext(lang="sq", length_ratio_max=2.0))


def test_a_plural_form_may_omit_the_count_but_not_change_it() -> None:
    check = _BY_ID["placeholders"]()
    plural = UnitContext(lang="ar", plural_form=True)
    assert check.check("%d articles", "مقالتان", plural) is None
    assert check.check("%d articles", "%s مقالات", plural)
    assert check.check("%d articles", "مقالتان", UnitContext(lang="ar"))
