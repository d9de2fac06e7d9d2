#!/usr/bin/env python3
"""Score extraction on public pages of other sites against plain trafilatura in the same run.

The pages are not in this repository (their licences vary); point the script at a directory:

- trafilatura's own evaluation set (`tests/` of github.com/adbar/trafilatura: `evaldata.json` plus
  `eval/` and `cache/` HTML): each page lists text snippets that must be in the body ("with")
  and snippets that must not ("without"); scored as snippet precision/recall/F1 like
  trafilatura's evaluate.py;
- or any directory of `NAME.html` pages with reference bodies `NAME.txt`: scored as
  bag-of-words F1 of the body (every unit but the title).

Both the HTML path (`pipeline.extract.html`) and, with `--dumps`, the text-dump path on dumps
made here from the same HTML (`lynx -dump` and `w3m -dump` at 80 columns, hard-wrapped, and a
browser-like "save as text" from lxml) are scored, next to `trafilatura.extract` on the HTML.
Dump scores are also given for the pages whose dump keeps the text (every "with" snippet, or
90% of the reference words, is in the dump). Timings of both extractors on the HTML are printed
as a ratio measured in the same run.

    python scripts/eval_public.py DIR [--limit N] [--dumps] [--dump-cache DIR] [-v]

The HTML figures, and the dump figures for pages whose dump keeps the text, are also given for
two fixed halves of the pages (by a hash of the file name):
a rule that helps only on the half it was found on is fitting those pages, not the web.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_WORD = re.compile(r"\w+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Page:
    name: str
    html: bytes
    with_: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)
    reference: str | None = None


def half(name: str) -> str:
    """The page's half, "dev" or "check", by a hash of its file name (fixed, needs no list)."""
    return "dev" if hashlib.md5(name.encode()).digest()[0] % 2 == 0 else "check"


def load_pages(root: Path, limit: int | None) -> list[Page]:
    pages: list[Page] = []
    data_file = root / "evaldata.json"
    if data_file.exists():
        data = json.loads(data_file.read_text("utf-8"))
        for url in sorted(data):
            item = data[url]
            path = next((p for sub in ("cache", "eval", ".") if (p := root / sub / item["file"]).is_file()),
                        None)
            if path is None:
                continue
            pages.append(Page(item["file"], path.read_bytes(), item["with"], item["without"]))
    else:
        for path in sorted(root.glob("*.htm*")):
            ref = path.with_suffix(".txt")
            if ref.exists():
                pages.append(Page(path.name, path.read_bytes(), reference=ref.read_text("utf-8")))
    return pages[:limit] if limit else pages


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    bow_f1: list[float] = field(default_factory=list)
    pages: int = 0
    split: int = 0  # single-article pages that came out as several articles
    failed: int = 0

    def add(self, page: Page, text: str | None, articles: int = 1) -> None:
        self.pages += 1
        if text is None:
            self.failed += 1
            text = ""
        if articles > 1:
            self.split += 1
        if page.reference is not None:
            self.bow_f1.append(bow_f1(page.reference, text))
        else:
            t = norm(text)
            tp = sum(norm(w) in t for w in page.with_)
            self.tp += tp
            self.fn += len(page.with_) - tp
            self.fp += sum(norm(w) in t for w in page.without)

    def f1(self) -> tuple[float, float, float]:
        if self.bow_f1:
            f = sum(self.bow_f1) / len(self.bow_f1)
            return f, f, f
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def line(self, label: str) -> str:
        p, r, f = self.f1()
        return (f"{label:40}{self.pages:6d}{p:8.3f}{r:8.3f}{f:8.3f}{self.split:7d}{self.failed:7d}")


def bow_f1(reference: str, text: str) -> float:
    ref = Counter(w.casefold() for w in _WORD.findall(reference))
    got = Counter(w.casefold() for w in _WORD.findall(text))
    tp = sum((ref & got).values())
    if not tp:
        return 0.0
    p, r = tp / sum(got.values()), tp / sum(ref.values())
    return 2 * p * r / (p + r)


def dump_keeps_text(page: Page, dump: str) -> bool:
    if page.reference is not None:
        return bow_f1(page.reference, dump) > 0 and _recall(page.reference, dump) >= 0.9
    d = norm(dump)
    return all(norm(w) in d for w in page.with_)


def _recall(reference: str, text: str) -> float:
    ref = Counter(w.casefold() for w in _WORD.findall(reference))
    got = Counter(w.casefold() for w in _WORD.findall(text))
    return sum((ref & got).values()) / max(1, sum(ref.values()))


def ours_html(page: Page) -> tuple[list | None, int]:  # type: ignore[type-arg]
    from pipeline.errors import InputError
    from pipeline.extract.html import parse_html
    from pipeline.extract.reader import decode_html

    try:
        drafts = parse_html(decode_html(page.html, page.name), page.name)
    except (InputError, RecursionError):
        return None, 0
    return drafts, len(drafts)


def _scored_text(page: Page, drafts: list, captions: bool = True) -> str:  # type: ignore[type-arg]
    """Body text to score: every unit but the title; with snippets, the title too (trafilatura's
    annotators took some "with" snippets from the headline, and its output includes it)."""
    body = "\n".join(t for d in drafts for k, t in d.parts if captions or k != "caption")
    if page.reference is None:
        return "\n".join([*(d.title for d in drafts), body])
    return body


def ours_text(page: Page, dump: str) -> tuple[str | None, int, str]:
    from pipeline.errors import InputError
    from pipeline.extract.textdump import split_page

    try:
        drafts = split_page(dump, None)
    except (InputError, RecursionError):
        return None, 0, ""
    return _scored_text(page, drafts), len(drafts), drafts[0].title if drafts else ""


def _body_text(drafts: list) -> str:  # type: ignore[type-arg]
    return "\n".join(t for d in drafts for _, t in d.parts)


def trafilatura_html(page: Page) -> str | None:
    import trafilatura

    try:
        return trafilatura.extract(page.html, include_comments=False, include_tables=True,
                                   include_formatting=False)
    except Exception:  # noqa: BLE001 - a crash of the baseline costs it recall, not the run
        return None


DUMPERS = {
    "lynx": ["lynx", "-dump", "-nolist", "-width=80", "-assume_charset=utf-8",
             "-display_charset=utf-8", "-stdin", "-force_html"],
    "w3m": ["w3m", "-dump", "-cols", "80", "-T", "text/html", "-I", "utf-8", "-O", "utf-8"],
}


def make_dump(tool: str, html_text: str, cache: Path | None, name: str) -> str:
    if cache is not None:
        hit = cache / tool / (name + ".txt")
        if hit.exists():
            return hit.read_text("utf-8")
    if tool == "browser":
        text = browser_text(html_text)
    else:
        res = subprocess.run(DUMPERS[tool], input=html_text.encode("utf-8"), capture_output=True,
                             timeout=60)
        text = res.stdout.decode("utf-8", "replace")
    if cache is not None:
        hit.parent.mkdir(parents=True, exist_ok=True)
        hit.write_text(text, "utf-8")
    return text


_BLOCK = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "br", "section", "article",
          "header", "footer", "nav", "blockquote", "figure", "figcaption", "ul", "ol", "table",
          "title", "main", "aside", "form", "pre", "dd", "dt")


def browser_text(html_text: str) -> str:
    """A browser-like "save as text": visible text, a line break around each block element."""
    from lxml import etree
    from lxml import html as lhtml

    # Characters XML cannot hold (C0 controls) make lxml refuse the tails set below; a browser
    # does not print them either.
    html_text = _CONTROL.sub("", html_text)
    try:
        tree = lhtml.fromstring(html_text)
    except (etree.ParserError, ValueError):
        return ""
    for bad in list(tree.iter("script", "style", "noscript", "template", "head")):
        bad.drop_tree()
    for el in tree.iter(*_BLOCK):
        el.tail = "\n" + (el.tail or "")
        if el.tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"):
            el.tail = "\n" + el.tail
    lines = [" ".join(ln.split()) for ln in tree.text_content().splitlines()]
    out: list[str] = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    return "\n".join(out)


@dataclass
class Titles:
    """How our titles (and trafilatura's metadata title, as a baseline) agree with the page."""

    pages: int = 0
    with_site: int = 0  # pages that name the site (og:site_name or a repeated <title> segment)
    ours_site: int = 0  # ... whose title from us still holds that name
    base_site: int = 0  # ... whose title from trafilatura.extract_metadata still holds it
    ours_agree: int = 0  # our title equals og:title or a main <h1> (case, spaces ignored)
    base_agree: int = 0
    agree_pages: int = 0  # pages with an og:title or <h1> at all

    def add(self, page: Page, html_text: str, ours: str) -> None:
        import trafilatura
        from lxml import html as lhtml

        from pipeline.extract.htmlmeta import read_meta, squash

        try:
            tree = lhtml.document_fromstring(_CONTROL.sub("", html_text))
        except Exception:  # noqa: BLE001 - an unparsable page has no fields to compare
            return
        meta = trafilatura.extract_metadata(tree)
        base = squash(getattr(meta, "title", None) or "")
        self.pages += 1
        og = next((squash(m.get("content")) for m in tree.iter("meta")
                   if (m.get("property") or m.get("name") or "").lower() == "og:title"), "")
        site = next((squash(m.get("content")) for m in tree.iter("meta")
                     if (m.get("property") or "").lower() == "og:site_name"), "")
        h1 = read_meta(tree).h1
        if site and len(site) >= 3:
            key = site.casefold()
            self.with_site += 1
            self.ours_site += _names_site(ours, key)
            self.base_site += _names_site(base, key)
        wanted = {x.casefold() for x in (og, *h1[:2]) if x}
        if wanted:
            self.agree_pages += 1
            self.ours_agree += ours.casefold() in wanted
            self.base_agree += base.casefold() in wanted

    def lines(self) -> list[str]:
        return [
            f"titles: {self.pages} single-article pages; {self.with_site} name the site in og:site_name",
            f"  title still holds the site's name: ours {self.ours_site}/{self.with_site}, "
            f"trafilatura metadata {self.base_site}/{self.with_site}",
            f"  title equals og:title or a main <h1>: ours {self.ours_agree}/{self.agree_pages}, "
            f"trafilatura metadata {self.base_agree}/{self.agree_pages}",
        ]



def _print_dump_loss(tool: str, page: Page, got: str | None, n: int, title: str,
                     base: str | None) -> None:
    """One line for a dump that loses snippets trafilatura finds in the HTML, leaks snippets it
    leaves out, or is split: the classes of loss to look at (with -v)."""
    g, b = norm(got or ""), norm(base or "")
    lost = [w for w in page.with_ if norm(w) not in g and norm(w) in b]
    leaked = [w for w in page.without if norm(w) in g and norm(w) not in b]
    if lost or leaked or n > 1:
        print(f"  dump {tool} {page.name} [{half(page.name)}]: articles {n} title {title[:50]!r} "
              f"lost {len(lost)}/{len(page.with_)} {[w[:30] for w in lost[:2]]} "
              f"leaked {[w[:30] for w in leaked[:2]]}")


def _names_site(title: str, site: str) -> bool:
    """The title carries the site's name as a part of its own ("X | Site", "Site: X", "Site")."""
    t = title.casefold().strip()
    if t == site:
        return True
    return any(t.startswith(site + sep) or t.endswith(sep + site)
               for sep in (" | ", " - ", " – ", " — ", ": ", " · ", " » ", "|", " :: "))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", type=Path, help="pages: evaldata.json + HTML, or NAME.html + NAME.txt")
    ap.add_argument("--limit", type=int, help="only the first N pages")
    ap.add_argument("--dumps", action="store_true", help="also score text dumps of the pages")
    ap.add_argument("--dump-cache", type=Path, help="keep the dumps made here in this directory")
    ap.add_argument("--tools", default="lynx,w3m,browser", help="dumpers to use (with --dumps)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="list pages that lose snippets (HTML and, with --dumps, each dump)")
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    ap.add_argument("--titles", action="store_true",
                    help="also compare titles with og:title, <h1> and og:site_name")
    args = ap.parse_args()
    pages = load_pages(args.dir, args.limit)
    if not pages:
        sys.exit(f"no pages under {args.dir}")
    from pipeline.extract.reader import decode_html

    ours, nocap, base = Score(), Score(), Score()
    halves = {(h, k): Score() for h in ("dev", "check") for k in ("ours", "nocap", "base")}
    t_ours = t_base = 0.0
    texts: dict[str, str] = {}
    titles = Titles()
    html_titles: dict[str, str] = {}
    base_texts: dict[str, str | None] = {}
    for page in pages:
        t = time.process_time()
        drafts, n = ours_html(page)
        t_ours += time.process_time() - t
        got = None if drafts is None else _scored_text(page, drafts)
        if drafts and len(drafts) == 1:
            html_titles[page.name] = drafts[0].title
        nocap.add(page, None if drafts is None else _scored_text(page, drafts, False), n)
        t = time.process_time()
        ref = trafilatura_html(page)
        t_base += time.process_time() - t
        base_texts[page.name] = ref
        ours.add(page, got, n)
        base.add(page, ref)
        h = half(page.name)
        halves[h, "ours"].add(page, got, n)
        halves[h, "nocap"].add(page, None if drafts is None else _scored_text(page, drafts, False), n)
        halves[h, "base"].add(page, ref)
        if args.verbose and page.reference is None:
            lost = [w for w in page.with_ if norm(w) not in norm(got or "")
                    and norm(w) in norm(ref or "")]
            leaked = [w for w in page.without if norm(w) in norm(got or "")
                      and norm(w) not in norm(ref or "")]
            if lost or leaked or n > 1:
                print(f"  {page.name}: articles {n} lost {lost[:3]} leaked {leaked[:3]}")
        try:
            texts[page.name] = decode_html(page.html, page.name)
        except Exception:  # noqa: BLE001 - an undecodable page has no dump
            pass
        if args.titles and page.name in texts and page.name in html_titles:
            titles.add(page, texts[page.name], html_titles[page.name])
    mb = sum(len(p.html) for p in pages) / 1e6
    rows = {"html ours": ours, "html ours, captions left out": nocap,
            "html trafilatura.extract": base}
    for h in ("dev", "check"):
        rows[f"  {h} half: ours"] = halves[h, "ours"]
        rows[f"  {h} half: ours, captions left out"] = halves[h, "nocap"]
        rows[f"  {h} half: trafilatura.extract"] = halves[h, "base"]
    if args.dumps:
        for tool in args.tools.split(","):
            if tool != "browser" and shutil.which(tool) is None:
                print(f"({tool} not installed: skipped)")
                continue
            all_, kept = Score(), Score()
            kept_half = {h: Score() for h in ("dev", "check")}
            titles_ok = titles_n = 0
            for page in pages:
                if page.name not in texts:
                    continue
                dump = make_dump(tool, texts[page.name], args.dump_cache, page.name)
                got, n, title = ours_text(page, dump)
                all_.add(page, got, n)
                if args.verbose and page.reference is None:
                    _print_dump_loss(tool, page, got, n, title, base_texts.get(page.name))
                if dump_keeps_text(page, dump):
                    kept.add(page, got, n)
                    kept_half[half(page.name)].add(page, got, n)
                if page.name in html_titles and norm(html_titles[page.name]) in norm(dump):
                    titles_n += 1
                    titles_ok += norm(title).casefold() == norm(html_titles[page.name]).casefold()
            rows[f"dump {tool} (all)"] = all_
            rows[f"dump {tool} (dump keeps text)"] = kept
            for h, sc in kept_half.items():
                rows[f"  {h} half: dump {tool} (keeps text)"] = sc
            print(f"dump {tool}: title equal to the HTML path's title on {titles_ok}/{titles_n} "
                  "pages (those whose dump prints that title)")
    if args.json:
        print(json.dumps({k: dict(zip(("precision", "recall", "f1"), v.f1(), strict=True))
                          | {"pages": v.pages, "split": v.split, "failed": v.failed}
                          for k, v in rows.items()}, indent=2))
        return 0
    metric = "bag-of-words F1" if pages[0].reference is not None else "snippet P/R/F1"
    print(f"{len(pages)} pages, {mb:.1f} MB of HTML; {metric} of the body (title left out)")
    print(f"{'':40}{'pages':>6}{'P':>8}{'R':>8}{'F1':>8}{'split':>7}{'failed':>7}")
    for label, s in rows.items():
        print(s.line(label))
    if args.titles:
        print("\n".join(titles.lines()))
    print(f"HTML CPU time: ours {t_ours:.1f} s, trafilatura.extract {t_base:.1f} s (interleaved per page), "
          f"ratio {t_ours / t_base:.2f} (target <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
