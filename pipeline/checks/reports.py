"""Report formats for a check run (text, json, junit, markdown) and the table of checks."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from typing import Any

from pipeline.checks.registry import CHECKS
from pipeline.checks.run import CheckReport, LanguageResult
from pipeline.models import Finding

FORMATS = ("text", "json", "junit", "markdown")
#: Findings listed per language in text and markdown reports (the JSON has them all).
LIST_LIMIT = 50


def _place(f: Finding) -> str:
    where = f.extra.get("where")
    return where or f"{f.unit_id} ({f.article})"


def summary(report: CheckReport) -> str:
    """One line: passed or FAILED, with what missed."""
    failing = sum(len(report.failing(r)) for r in report.languages)
    findings = sum(len(r.findings) for r in report.languages)
    suppressed = sum(len(r.suppressed) for r in report.languages)
    thresholds = len(report.failed_thresholds)
    verdict = "passed" if report.passed else "FAILED"
    return (f"{verdict}: {thresholds} threshold(s) missed, {failing} finding(s) at or above "
            f"{report.fail_on.value} ({findings} in all, {suppressed} suppressed)")


def _completeness_rows(report: CheckReport, by_article: bool) -> list[list[str]]:
    rows = []
    for r in report.languages:
        needs = ", ".join(f"{t.kind} >= {t.required:g}%" for t in r.thresholds) or "-"
        ok = "ok" if all(t.passed for t in r.thresholds) else "FAIL"
        c = r.completeness
        rows.append([r.lang, "(all)", str(c.total_units), str(c.total_words),
                     f"{c.approved_percent:.1f}%", f"{c.translated_percent:.1f}%", needs, ok])
        if by_article:
            for a in r.articles:
                rows.append([r.lang, a.article or "", str(a.total_units), str(a.total_words),
                             f"{a.approved_percent:.1f}%", f"{a.translated_percent:.1f}%", "", ""])
    if not by_article:
        rows = [[row[0], *row[2:]] for row in rows]
    return rows


def _completeness_head(by_article: bool) -> list[str]:
    return _COMPLETENESS_HEAD if by_article else [_COMPLETENESS_HEAD[0], *_COMPLETENESS_HEAD[2:]]


_COMPLETENESS_HEAD = ["lang", "article", "units", "words", "approved", "translated", "required",
                      "result"]
_FINDING_HEAD = ["severity", "check", "place", "message"]


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(x) for x in col) for col in zip(head, *rows, strict=True)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    return [line.format(*head).rstrip(), line.format(*("-" * w for w in widths))] + [
        line.format(*row).rstrip() for row in rows
    ]


def _finding_rows(r: LanguageResult) -> list[list[str]]:
    return [[f.severity, f.check_id, _place(f), f.message] for f in r.findings[:LIST_LIMIT]]


def render_text(report: CheckReport) -> str:
    """Aligned tables for a terminal or a CI log."""
    by_article = any(r.articles for r in report.languages)
    out = [f"pipeline check ({report.origin}: {', '.join(report.inputs[:3])}"
           f"{' ...' if len(report.inputs) > 3 else ''}), fail on {report.fail_on.value}", ""]
    out += _table(_completeness_head(by_article), _completeness_rows(report, by_article))
    for r in report.languages:
        if r.corrections:
            out += ["", f"{r.lang}: {len(r.corrections)} article(s) with a correction pending "
                        "(the English changed; editions show the last approved translation)"]
            for slug, changed, suggested, notes in r.corrections[:LIST_LIMIT]:
                out.append(f"  {slug}: {_pending_text(changed, suggested, notes)}; "
                           f"`pipeline review queue --lang {r.lang} --article {slug}`")
    for r in report.languages:
        if not r.findings:
            continue
        out += ["", f"{r.lang}: {len(r.findings)} finding(s) in {r.checked} translation(s)"]
        out += _table(_FINDING_HEAD, _finding_rows(r))
        if len(r.findings) > LIST_LIMIT:
            out.append(f"... and {len(r.findings) - LIST_LIMIT} more (--format json lists all)")
    out += ["", summary(report)]
    return "\n".join(out) + "\n"


def _pending_text(changed: int, suggested: int, notes: int) -> str:
    parts = []
    if changed:
        parts.append(f"{changed} changed unit(s), {suggested} with a machine suggestion")
    if notes:
        parts.append(f"{notes} correction note(s) not approved")
    return ", ".join(parts)


def _finding_dict(f: Finding) -> dict[str, Any]:
    return {"check": f.check_id, "severity": f.severity, "message": f.message,
            "unit": f.unit_id, "article": f.article, **f.extra}


def report_dict(report: CheckReport) -> dict[str, Any]:
    """The whole report as plain data (the json format)."""
    return {
        "passed": report.passed,
        "origin": report.origin,
        "inputs": list(report.inputs),
        "fail_on": report.fail_on.value,
        "languages": {
            r.lang: {
                "completeness": r.completeness.as_dict(),
                "thresholds": [{"kind": t.kind, "required": t.required, "actual": t.actual,
                                "passed": t.passed} for t in r.thresholds],
                "checked": r.checked,
                "findings": [_finding_dict(f) for f in r.findings],
                "suppressed": [_finding_dict(f) for f in r.suppressed],
                "correction_pending": [{"article": a, "changed_units": c, "suggested": g,
                                        "notes_pending": n} for a, c, g, n in r.corrections],
                **({"articles": {a.article: a.as_dict() for a in r.articles}}
                   if r.articles else {}),
            }
            for r in report.languages
        },
    }


def render_json(report: CheckReport) -> str:
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2) + "\n"


def render_junit(report: CheckReport) -> str:
    """JUnit XML: per language one completeness test case and one per check with findings."""
    suites = ET.Element("testsuites", name="pipeline check")
    for r in report.languages:
        suite = ET.SubElement(suites, "testsuite", name=f"pipeline check {r.lang}")
        cases = 0
        failures = 0
        case = ET.SubElement(suite, "testcase", classname=f"pipeline.check.{r.lang}",
                             name="completeness")
        cases += 1
        c = r.completeness
        detail = (f"{c.total_units} units, {c.approved_percent:.1f}% approved, "
                  f"{c.translated_percent:.1f}% translated")
        missed = [t for t in r.thresholds if not t.passed]
        if missed:
            failures += 1
            msg = "; ".join(f"{t.kind} {t.actual:.1f}% < required {t.required:g}%" for t in missed)
            ET.SubElement(case, "failure", message=msg, type="threshold").text = detail
        else:
            ET.SubElement(case, "system-out").text = detail
        failing = set(map(id, report.failing(r)))
        by_check: dict[str, list[Finding]] = {}
        for f in r.findings:
            by_check.setdefault(f.check_id, []).append(f)
        for check_id, found in by_check.items():
            cases += 1
            case = ET.SubElement(suite, "testcase", classname=f"pipeline.check.{r.lang}",
                                 name=check_id)
            body = "\n".join(f"{_place(f)}: {f.message}" for f in found)
            if any(id(f) in failing for f in found):
                failures += 1
                ET.SubElement(case, "failure", message=f"{len(found)} finding(s)",
                              type=found[0].severity).text = body
            else:
                ET.SubElement(case, "system-out").text = body
        suite.set("tests", str(cases))
        suite.set("failures", str(failures))
    suites.set("tests", str(sum(int(x.get("tests", 0)) for x in suites)))
    suites.set("failures", str(sum(int(x.get("failures", 0)) for x in suites)))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(head: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + [
        "| " + " | ".join(_md_cell(x) for x in row) + " |" for row in rows
    ]


def render_markdown(report: CheckReport) -> str:
    """A pull-request comment: verdict, completeness table, findings per language."""
    icon = "✅" if report.passed else "❌"
    out = [f"## {icon} pipeline check {'passed' if report.passed else 'failed'}", "",
           summary(report), ""]
    by_article = any(r.articles for r in report.languages)
    out += _md_table(_completeness_head(by_article), _completeness_rows(report, by_article))
    for r in report.languages:
        if r.corrections:
            out += ["", f"### {r.lang}: {len(r.corrections)} correction(s) pending", ""]
            out += [f"- `{slug}`: {_pending_text(c, g, n)}" for slug, c, g, n in
                    r.corrections[:LIST_LIMIT]]
    for r in report.languages:
        if not r.findings:
            continue
        counts = Counter(f.check_id for f in r.findings)
        out += ["", f"### {r.lang}: {len(r.findings)} finding(s)", "",
                ", ".join(f"`{k}` {v}" for k, v in counts.items()), ""]
        out += _md_table(_FINDING_HEAD, [[f.severity, f"`{f.check_id}`", f"`{_place(f)}`",
                                          f.message] for f in r.findings[:LIST_LIMIT]])
        if len(r.findings) > LIST_LIMIT:
            out.append(f"\n… and {len(r.findings) - LIST_LIMIT} more.")
    return "\n".join(out) + "\n"


RENDERERS: dict[str, Callable[[CheckReport], str]] = {
    "text": render_text, "json": render_json, "junit": render_junit, "markdown": render_markdown,
}


def render(report: CheckReport, fmt: str) -> str:
    """The report in one of FORMATS."""
    return RENDERERS[fmt](report)


def checks_table(fmt: str = "markdown") -> str:
    """The registered checks as a table (README, `pipeline check --list-checks`)."""
    rows = [[c.check_id, c.severity.value, c.description] for c in CHECKS]
    if fmt == "json":
        return json.dumps([{"id": c.check_id, "name": c.name, "severity": c.severity.value,
                            "description": c.description} for c in CHECKS],
                          ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        return "\n".join(_md_table(["id", "severity", "description"],
                                   [[f"`{a}`", b, c] for a, b, c in rows])) + "\n"
    return "\n".join(_table(["id", "severity", "description"], rows)) + "\n"
