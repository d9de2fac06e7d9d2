"""Guarantee: every reader refuses what it cannot handle in one line naming the file, and loses nothing.

Each command that reads a file is given every kind of bad input: a FIFO (it must not hang), a
directory, a device, a socket, a missing path, a file over the size cap (sparse), binary data,
UTF-16 without a byte order mark and legacy (non-UTF-8) bytes.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.store import open_store
from pipeline.workspace import Settings
from tests.guarantees.conftest import Run, one_error_line

COMMANDS = {
    "extract": ["extract"],
    "glossary import": ["glossary", "import"],
    "po import": ["po", "import"],
    "review apply": ["review", "apply", "--lang", "fa"],
    "check --po": ["check", "--po"],
    "models install": ["models", "install", "--from-file"],
    "tm import": ["tm", "import"],
    "xliff import": ["xliff", "import"],
}


def _make(kind: str, tmp: Path) -> Path:
    path = tmp / f"{kind}.txt"
    if kind == "directory":
        path.mkdir()
        (path / "notes.bin").write_bytes(b"x")  # nothing a reader would pick up
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(path))
        sock.close()
    elif kind == "device":
        return Path("/dev/zero")
    elif kind == "missing":
        pass
    elif kind == "huge":
        with open(path, "wb") as fh:
            fh.truncate(300 * 2**20)  # sparse: over every reader's cap, no disk used
    elif kind == "binary":
        path.write_bytes(b"GIF89a" + bytes(range(256)) * 8)
    elif kind == "utf16_no_bom":
        path.write_bytes("term,lang\nferry,fa\n".encode("utf-16-le"))
    elif kind == "legacy_bytes":
        path.write_bytes("term,lang\ncaf\u00e9,fa\n".encode("cp1252"))
    return path


KINDS = ["directory", "socket", "device", "missing", "huge", "binary", "utf16_no_bom",
         "legacy_bytes"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_reader_refuses_bad_input_in_one_line(
    command: str, kind: str, seeded: Settings, tmp_path: Path
) -> None:
    path = _make(kind, tmp_path)
    result = CliRunner().invoke(app, [*COMMANDS[command], str(path), "-w", str(seeded.root)])
    assert result.exit_code in (1, 2), (result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and str(path) in errors[0], result.stderr


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_fifo_never_hangs_a_reader(command: str, seeded: Settings, tmp_path: Path,
                                     run: Run) -> None:
    fifo = tmp_path / "pipe.po"
    os.mkfifo(fifo)
    proc = run(*COMMANDS[command], fifo, "-w", seeded.root, timeout=60)
    assert "named pipe" in one_error_line(proc, naming=fifo)


def test_a_symlink_in_a_walked_directory_leading_outside_is_not_read(
    seeded: Settings, tmp_path: Path, run: Run
) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "passwd.txt").symlink_to("/etc/passwd")
    (pages / "root").symlink_to("/")
    proc = run("extract", pages, "-w", seeded.root, timeout=60)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "symbolic link leads outside" in proc.stderr
    with open_store(seeded.database) as store:
        assert not any("root:x:0" in (r[0] or "") for r in
                       store.db.execute("SELECT source_text FROM units"))


def _apply(seeded: Settings, body: bytes, tmp_path: Path) -> tuple[int, str]:
    path = tmp_path / "decisions.jsonl"
    path.write_bytes(body)
    result = CliRunner().invoke(app, ["review", "apply", str(path), "--lang", "fa",
                                      "--reviewer", "ana", "-w", str(seeded.root)])
    return result.exit_code, result.stderr


def _first_unit(seeded: Settings) -> str:
    with open_store(seeded.database) as store:
        return str(store.db.execute("SELECT id FROM units ORDER BY id LIMIT 1").fetchone()[0])


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_review_apply_keeps_unicode_line_separators_inside_json_text(
    separator: str, seeded: Settings, tmp_path: Path
) -> None:
    uid = _first_unit(seeded)
    text = f"first{separator}second"
    line = json.dumps({"unit": uid, "action": "edit", "text": text}, ensure_ascii=False)
    code, err = _apply(seeded, (line + "\r\n").encode("utf-8"), tmp_path)
    assert code == 0, err
    with open_store(seeded.database) as store:
        row = store.db.execute("SELECT text FROM translations WHERE unit_id = ? AND lang = 'fa'",
                               [uid]).fetchone()
    assert row[0] == text


@pytest.mark.parametrize("encode", [
    lambda s: s.encode("utf-8-sig"), lambda s: s.encode("utf-16"), lambda s: s.encode("utf-32"),
    lambda s: s.replace("\n", "\r").encode("utf-8"),
])
def test_glossary_in_other_unicode_forms_and_line_endings_reads_the_same(
    encode: Callable[[str], bytes], seeded: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "g.csv"
    path.write_bytes(encode("term,lang,translation,keep,note\nferry,fa,کشتی,no,\"two\nlines\"\n"))
    result = CliRunner().invoke(app, ["glossary", "import", str(path), "-w", str(seeded.root)])
    assert result.exit_code == 0, result.stderr
    listed = CliRunner().invoke(app, ["glossary", "list", "--json", "-w", str(seeded.root)])
    assert [(t["term"], t["translation"]) for t in json.loads(listed.stdout)] == [("ferry", "کشتی")]


@pytest.mark.parametrize(("body", "message"), [
    ("term,lang,term\nferry,fa,x\n", r":1: the header names term more than once"),
    ("lang,translation\nfa,x\n", r":1: the header must name the columns"),
    ("term,lang,translation,keep,note,extra\nx,fa,y,no,,z\n", r":1: .*unknown: extra"),
    ("term,lang,translation,keep\n\"fer\nry\",fa,x,no\n", r":3: the term cell holds a line break"),
    ("term,lang\nferry,fa,extra\n", r":2: 3 fields, the header has 2"),
])
def test_malformed_glossary_headers_and_cells_are_one_line_and_change_nothing(
    body: str, message: str, seeded: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "g.csv"
    path.write_text(body, encoding="utf-8")
    result = CliRunner().invoke(app, ["glossary", "import", str(path), "-w", str(seeded.root)])
    assert result.exit_code == 1
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1
    assert __import__("re").search(f"{path}{message}", errors[0]), errors[0]
    with open_store(seeded.database) as store:
        assert not store.db["glossary"].count


@pytest.mark.parametrize(("setting", "key"), [
    ("[review]\nclaim_minutes = 99999999999999999999", "review.claim_minutes"),
    ("[review]\nclaim_minutes = 0", "review.claim_minutes"),
    ("[translate]\nbeam = 100000", "translate.beam"),
    ("[translate]\nbatch_size = -1", "translate.batch_size"),
    ("[thresholds]\nmin_approved = nan", "thresholds.min_approved"),
    ("[thresholds]\nlength_ratio_max = inf", "thresholds.length_ratio_max"),
])
def test_every_numeric_setting_has_a_range(setting: str, key: str, seeded: Settings,
                                           run: Run) -> None:
    text = seeded.config_path.read_text()
    section = setting.split("\n")[0]
    name = setting.split("\n")[1].split(" =")[0]
    kept = "\n".join(ln for ln in text.splitlines() if not ln.startswith(f"{name} ="))
    seeded.config_path.write_text(kept.replace(section, setting, 1) + "\n")
    proc = run("review", "claim", "--lang", "fa", "-w", seeded.root)
    assert proc.returncode == 2
    line = one_error_line(proc, naming=seeded.config_path)
    assert key in line and " from " in line or "number" in line


@pytest.mark.parametrize("body", [b"\x00\x01binary", "[languages]\nsource = 'en'\n".encode(
    "utf-16-le"), b"[languages\n", b"a = " + b"[" * 100_000,
    b"[review]\nclaim_minutes = " + b"9" * 5000 + b"\n",  # int() refuses 4300+ digits
    b"[languages]\nsource = 'en'\ntargets = ['fa', 'ar', 'fa']\n"])
def test_a_broken_pipeline_toml_is_one_line(body: bytes, seeded: Settings, run: Run) -> None:
    seeded.config_path.write_bytes(body)
    proc = run("status", "-w", seeded.root)
    assert proc.returncode == 2
    one_error_line(proc, naming=seeded.config_path)


@pytest.mark.parametrize("option", [["review", "queue", "--lang", "fa", "--limit"],
                                    ["review", "claim", "--lang", "fa", "--count"],
                                    ["translate", "--limit"], ["translate", "--beam"]])
def test_huge_numbers_on_the_command_line_are_usage_errors(option: list[str], seeded: Settings,
                                                           run: Run) -> None:
    proc = run(*option, "9" * 30, "-w", seeded.root)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_init_where_a_file_is_in_the_way_is_one_line(tmp_path: Path, run: Run) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    for target in (blocker, blocker / "ws"):
        proc = run("init", target)
        assert proc.returncode == 2
        one_error_line(proc, naming=target)


def test_a_fifo_or_text_file_as_the_database_is_one_line(seeded: Settings, tmp_path: Path,
                                                          run: Run) -> None:
    fifo = tmp_path / "db.fifo"
    os.mkfifo(fifo)
    for database, what in ((fifo, "named pipe"), (Path("/etc/passwd"), "not a database")):
        text = seeded.config_path.read_text().replace('database = "pipeline.db"',
                                                      f'database = "{database}"')
        seeded.config_path.write_text(text)
        proc = run("status", "-w", seeded.root, timeout=60)
        assert what in one_error_line(proc, naming=database)
        seeded.config_path.write_text(text.replace(f'database = "{database}"',
                                                   'database = "pipeline.db"'))
