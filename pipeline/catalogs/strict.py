"""A strict one-pass PO syntax checker: catches what polib silently mis-parses, naming the line.

polib accepts some broken files without complaint (an unterminated string loses its last
character, the next line's translation goes missing), so every file is checked here first. The
rules follow GNU `msgfmt --check` (syntax, structure, duplicates, header, plural counts, leading
and trailing newlines) and reject the few things msgfmt allows but polib cannot read back exactly
(C escapes such as `\\a` or octal, several strings on one line, `#foo` comments).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from polib import unescape

from pipeline.catalogs import formats
from pipeline.errors import InputError

# One quoted PO string: the unrolled-loop form is several times faster than (?:[^"\\]|\\.)*.
_STR = r'"([^"\\]*(?:\\.[^"\\]*)*)"'
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr\[(\d+)\]|msgstr)\s+" + _STR + r"$")
_CONTINUATION = re.compile(_STR + r"$")
_PREVIOUS = re.compile(r"(?:(msgctxt|msgid_plural|msgid)\s+)?" + _STR + r"$")
_ESCAPE = re.compile(r"\\(.)")
#: Escapes polib decodes; msgfmt also knows \a, \?, octal and hex, which polib would keep verbatim.
_POLIB_ESCAPES = frozenset('\\"ntrvbf')
_COMMENT_TOKENS = frozenset({"#", "#:", "#,", "#."})
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")

# The fast path: one regex match per ordinary entry (comments, msgctxt, msgid, msgstr, with or
# without continuation lines) instead of a Python call per line. It matches only a subset of
# what the line-by-line state machine accepts, and gives the same entries; anything else (plural,
# obsolete and previous-message entries, odd spacing, bad escapes, syntax errors) goes to the
# state machine, which also words every error. One string body, with only polib's escapes:
_BODY = r'[^"\\\n]*(?:\\[\\"ntrvbf][^"\\\n]*)*'
#: What the state machine does with the line after a finished entry: a comment or a new
#: msgctxt/msgid (active or obsolete) closes it; a continuation or msgstr would not.
_NEXT = (r'(?:[ \t]*\n)*(?:\#(?!~)|msg(?:ctxt|id)(?!_)|\#~[ \t]+msg(?:ctxt|id)(?!_)'
         r'|[ \t]*\Z)')
_FAST = re.compile(
    r'(?:[ \t]*\n)*'
    # Comments in the order GNU tools, polib and Poedit write them (another order goes to the
    # state machine): translator comments ("# x", or "#" with only blanks after), extracted
    # notes ("#."), references ("#:"), flags ("#,"); each as the state machine accepts it.
    r'(?:\#(?:[ \t]\S[^\n]*|[ \t]*)\n)*'
    r'(?P<n>(?:\#\.(?:[ \t][^\n]*)?\n)*)'
    r'(?:\#(?:[ \t]\S[^\n]*|[ \t]*)\n)*'
    r'(?:\#:(?:[ \t][^\n]*)?\n)*'
    r'(?P<f>(?:\#,(?:[ \t][^\n]*)?\n)*)'
    r'(?P<k>(?:msgctxt "(?P<x>' + _BODY + r')"\n(?P<xc>(?:"' + _BODY + r'"\n)*))?'
    r'msgid "(?P<i>' + _BODY + r')"\n(?P<ic>(?:"' + _BODY + r'"\n)*)'
    r'msgstr "(?P<s>' + _BODY + r')"\n(?P<sc>(?:"' + _BODY + r'"\n)*))'
    r'(?=' + _NEXT + r')'
)
#: One "#." line's note, stripped as str.strip() does (\s is the same set of characters).
_NOTE = re.compile(r'\#\.[^\S\n]*([^\n]*\S)?[^\S\n]*\n')
#: Distinct notes held for sharing between entries; cleared when full, so memory stays bounded.
_NOTE_CACHE = 4096
_CLOSES = re.compile(_NEXT)
_CONT = re.compile(r'"(' + _BODY + r')"\n')
#: polib's escapes other than \\ (a string without \\ is unescaped exactly by replacing these).
_SIMPLE_ESCAPES = (('\\"', '"'), ("\\n", "\n"), ("\\t", "\t"), ("\\r", "\r"),
                   ("\\v", "\v"), ("\\b", "\b"), ("\\f", "\f"))

# Parser states: between entries, or after each keyword of an entry.
_OUT, _CTXT, _ID, _PLURAL, _STR_ONE, _STR_MANY = range(6)


class Entry(NamedTuple):
    """One message as the strict pass read it (values unescaped exactly as polib does).

    A named tuple (immutable like the frozen dataclasses): a big catalog builds 100k of these,
    and a tuple is built four times faster and is as small as a slotted class.
    """

    line: int  # where the entry's msgctxt or msgid keyword is
    msgctxt: str | None
    msgid: str
    msgid_plural: str | None
    msgstr: tuple[str, ...]  # one string, or one per plural form
    flags: tuple[str, ...]
    obsolete: bool
    notes: tuple[str, ...] = ()  # extracted (#.) comments

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags


def _value(parts: list[str]) -> str:
    return _unescape("".join(parts))


def _unescape(raw: str) -> str:
    """polib's unescape of a checked string body (only the escapes polib knows)."""
    if "\\" not in raw:
        return raw
    if "\\\\" in raw:  # an escaped backslash: the pairs must be read left to right
        return unescape(raw)
    raw = raw.replace('\\"', '"')  # by far the most common escape
    if "\\" in raw:
        for escape, char in _SIMPLE_ESCAPES:  # no replacement makes a backslash: order is free
            if escape in raw:
                raw = raw.replace(escape, char)
    return raw


def _diagnose(text: str) -> str:
    """Why a line that should hold a keyword or a string does not parse."""
    m = re.match(r"(msgctxt|msgid_plural|msgid|msgstr\[\d+\]|msgstr)(?=\s|\"|$)\s*", text)
    rest = text[m.end():] if m else text
    if m and not rest:
        return f"{m.group(1)} has no string after it"
    if m and not text[len(m.group(1))].isspace():
        return f"put a space between {m.group(1)} and its string"
    if not rest.startswith('"'):
        word = text.split(None, 1)[0][:30]
        return (f"unexpected {word!r}: expected msgctxt, msgid, msgid_plural, msgstr, "
                "a quoted string or a # comment")
    body = re.match(_STR, rest)
    if body is None:
        return "unterminated string (no closing double quote)"
    tail = rest[body.end():].strip()
    if tail.startswith('"'):
        return "two strings on one line (put each continuation string on its own line)"
    return f"unexpected text after the closing quote: {tail[:30]!r} (escape inner quotes as \\\")"


class _Parser:
    """The line-by-line state machine; `fail` raises InputError with path and line."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.entries: list[Entry] = []
        self.state = _OUT
        self.start = 0
        self.obsolete = False
        self.flags: tuple[str, ...] = ()
        self.notes: tuple[str, ...] = ()
        self.prev_notes: tuple[str, ...] = ()
        self.ctxt: list[str] | None = None
        self.msgid: list[str] = []
        self.plural: list[str] | None = None
        self.strs: list[list[str]] = []
        self.target: list[str] = []
        self.note_cache: dict[str, str] = {}

    def fail(self, message: str, line: int) -> InputError:
        return InputError(f"malformed PO file: {message}", path=self.path, line=line)

    def close_entry(self) -> None:
        self.entries.append(Entry(
            self.start, None if self.ctxt is None else _value(self.ctxt), _value(self.msgid),
            None if self.plural is None else _value(self.plural),
            tuple(_value(s) for s in self.strs), self.flags, self.obsolete, self.notes,
        ))
        self.prev_notes = self.notes
        self.state, self.ctxt, self.plural, self.flags, self.notes = _OUT, None, None, (), ()

    def string(self, body: str, n: int) -> str:
        if "\\" in body:
            bad = {e for e in _ESCAPE.findall(body)} - _POLIB_ESCAPES
            if bad:
                esc = "\\" + sorted(bad)[0]
                raise self.fail(f"unsupported escape {esc!r} in a string (polib cannot read it "
                                "back; write the character itself)", n)
        return body

    def keyword(self, text: str, n: int, obsolete: bool) -> None:
        m = _KEYWORD.match(text)
        if m is None:
            raise self.fail(_diagnose(text), n)
        kw, index, body = m.group(1), m.group(2), self.string(m.group(3), n)
        state = self.state
        starts = (kw == "msgctxt" or kw == "msgid") and state in (_OUT, _STR_ONE, _STR_MANY)
        if not starts and state != _OUT and obsolete != self.obsolete:
            raise self.fail("entry mixes obsolete (#~) and active lines", n)
        if kw == "msgctxt" or kw == "msgid":
            if state in (_STR_ONE, _STR_MANY):
                self.close_entry()
            elif state == _ID or state == _PLURAL:
                raise self.fail(f"missing msgstr for the msgid at line {self.start}", n)
            elif state == _CTXT and kw == "msgctxt":
                raise self.fail("msgctxt follows msgctxt (missing msgid)", n)
            if kw == "msgctxt":
                self.ctxt = [body]
                self.start, self.state, self.obsolete = n, _CTXT, obsolete
            else:
                if self.state == _OUT:
                    self.start, self.obsolete = n, obsolete
                self.msgid = [body]
                self.target = self.msgid
                self.state = _ID
                return
            self.target = self.ctxt
        elif kw == "msgid_plural":
            if state != _ID:
                raise self.fail("msgid_plural must follow a msgid", n)
            self.plural = self.target = [body]
            self.state = _PLURAL
        elif index is None:
            if state == _PLURAL:
                raise self.fail("an entry with msgid_plural needs msgstr[0], msgstr[1], ...", n)
            if state != _ID:
                raise self.fail("msgstr without a msgid before it", n)
            self.target = [body]
            self.strs = [self.target]
            self.state = _STR_ONE
        else:
            if state == _ID:
                raise self.fail("msgstr[N] needs a msgid_plural before it", n)
            expected = 0 if state == _PLURAL else len(self.strs)
            if state not in (_PLURAL, _STR_MANY):
                raise self.fail("msgstr[N] without a msgid and msgid_plural before it", n)
            if int(index) != expected:
                raise self.fail(f"expected msgstr[{expected}], found msgstr[{index}]", n)
            self.target = [body]
            if state == _PLURAL:
                self.strs = [self.target]
            else:
                self.strs.append(self.target)
            self.state = _STR_MANY

    def continuation(self, text: str, n: int, obsolete: bool) -> None:
        m = _CONTINUATION.match(text)
        if m is None:
            raise self.fail(_diagnose(text), n)
        if self.state == _OUT:
            raise self.fail("a string outside any entry (missing msgid or msgstr?)", n)
        if obsolete != self.obsolete:
            raise self.fail("entry mixes obsolete (#~) and active lines", n)
        self.target.append(self.string(m.group(1), n))

    def comment(self, text: str, n: int) -> None:
        """Comments end the entry before them; inside an unfinished entry they are an error."""
        state = self.state
        if state in (_STR_ONE, _STR_MANY):
            self.close_entry()
        elif state != _OUT:
            raise self.fail(f"missing msgstr for the entry at line {self.start}", n)
        if text.startswith("#|"):
            rest = text[2:].strip()
            if not rest or _PREVIOUS.match(rest) is None:
                raise self.fail("malformed previous-message comment (#| msgid \"...\")", n)
            self.string(rest, n)
            return
        # The first token, without splitting a long line when it is the usual two characters.
        token = text[:2] if len(text) <= 2 or text[2].isspace() else text.split(None, 1)[0]
        if token not in _COMMENT_TOKENS and not token.startswith("##"):
            raise self.fail(f"unknown comment kind {token[:12]!r} (a translator comment is "
                            "'# ' with a space)", n)
        if token == "#.":
            note = text[2:].strip()
            # Consecutive entries often carry the same note (an export's provenance line):
            # hold one string for the run instead of one per entry.
            prev, i = self.prev_notes, len(self.notes)
            if i < len(prev) and prev[i] == note:
                note = prev[i]
            self.notes += (note,)
        elif token == "#,":
            self.flags += tuple(f.strip() for f in text[2:].split(",") if f.strip())

    def line(self, raw: str, n: int) -> None:
        """Feed one line (without its newline) to the state machine."""
        text = raw.strip()
        if not text:
            return
        first = text[0]
        if first == '"':
            self.continuation(text, n, False)
        elif first == "m":
            self.keyword(text, n, False)
        elif first == "#":
            if text.startswith("#~"):
                if text.startswith("#~|"):
                    return  # polib skips previous strings of obsolete entries
                rest = text[2:]
                if not rest[:1].isspace() or not rest.strip():
                    raise self.fail("an obsolete line needs '#~ ' and a keyword or string", n)
                rest = rest.strip()
                if rest[0] == '"':
                    self.continuation(rest, n, True)
                else:
                    self.keyword(rest, n, True)
            elif self.state == _OUT and text[:3] == "#: ":
                return  # references: checked for nothing, kept by nobody (fast path)
            else:
                self.comment(text, n)
        else:
            raise self.fail(_diagnose(text), n)

    def run(self, text: str, *, fast: bool = True) -> list[Entry]:
        """Parse the whole text: ordinary entries by the fast match, the rest line by line.

        The state machine hands back to the fast match only where it would close an entry
        itself (`_CLOSES`), so each entry is tried fast at most once: linear in the input.
        """
        pos, n, size = 0, 1, len(text)
        match = _FAST.match if fast else None
        closes = _CLOSES.match
        line = self.line
        try_fast = match is not None
        while pos < size:
            if try_fast:
                pos, n = self._fast_run(text, pos, n)
                try_fast = False
                continue
            end = text.find("\n", pos)
            if end < 0:
                end = size
            line(text[pos:end], n)
            pos, n = end + 1, n + 1
            if match is not None and self.state >= _STR_ONE and closes(text, pos):
                self.close_entry()
                try_fast = True
        if self.state in (_STR_ONE, _STR_MANY):
            self.close_entry()
        elif self.state != _OUT:
            raise self.fail("file ends inside this entry (missing msgstr)", self.start)
        return self.entries

    def _fast_run(self, text: str, pos: int, n: int) -> tuple[int, int]:
        """Entries by the fast match from `pos` (line `n`) while it matches; where it stopped.

        One loop for a whole run of ordinary entries (the bulk of a big catalog), building
        each entry as `close_entry` would: the per-entry work is most of the strict pass.
        """
        match, count, append = _FAST.match, text.count, self.entries.append
        note_cache, findall_notes, cont = self.note_cache, _NOTE.findall, _CONT.findall
        entry = Entry
        while True:
            m = match(text, pos)
            if m is None:
                return pos, n
            k, end = m.start("k"), m.end()
            start = n + count("\n", pos, k)
            n = start + count("\n", k, end)
            pos = end
            note_block, flag_block, _, ctxt, more_ctxt, msgid, more_id, msgstr, more_str = \
                m.groups()
            notes: tuple[str, ...] = ()
            if note_block:
                # Most entries carry the same few notes (an export's provenance lines): one
                # string for all of them instead of one per entry.
                if len(note_cache) > _NOTE_CACHE:
                    note_cache.clear()
                found = findall_notes(note_block)
                notes = tuple(map(note_cache.setdefault, found, found))
            flags: tuple[str, ...] = ()
            if flag_block:
                for row in flag_block.split("\n")[:-1]:
                    flags += tuple(f.strip() for f in row[2:].split(",") if f.strip())
            if ctxt is not None:
                if more_ctxt:
                    ctxt += "".join(cont(more_ctxt))
                if "\\" in ctxt:
                    ctxt = _unescape(ctxt)
            if more_id:
                msgid += "".join(cont(more_id))
            if "\\" in msgid:
                msgid = _unescape(msgid)
            if more_str:
                msgstr += "".join(cont(more_str))
            if "\\" in msgstr:
                msgstr = _unescape(msgstr)
            append(entry(start, ctxt, msgid, None, (msgstr,), flags, False, notes))


def header_fields(msgstr: str) -> dict[str, str]:
    """The `Key: value` fields of a header entry's msgstr."""
    fields: dict[str, str] = {}
    for row in msgstr.split("\n"):
        key, sep, value = row.partition(":")
        if sep and key.strip():
            fields[key.strip()] = value.strip()
    return fields


def _check_entries(path: str, entries: list[Entry]) -> dict[str, str]:
    """Cross-entry rules: header first, no duplicates, plural counts, newline symmetry."""
    if not entries or entries[0].msgid != "" or entries[0].msgctxt is not None \
            or entries[0].obsolete:
        raise InputError("malformed PO file: no header entry (msgid \"\" with the Content-Type "
                         "and Language fields) before the first message", path=path,
                         line=entries[0].line if entries else 1)
    header = entries[0]
    fields = header_fields(header.msgstr[0] if header.msgstr else "")
    seen: dict[tuple[str | None, str], int] = {}
    nplurals: int | None = None
    for e in entries:
        line, ctxt, msgid, plural, msgstr, flags, obsolete, _ = e
        first = seen.setdefault((ctxt, msgid), line)
        if first != line:
            what = f"msgid {msgid[:40]!r}" + (f" with msgctxt {ctxt!r}" if ctxt else "")
            raise InputError(f"duplicate entry: {what} is already defined at line {first}",
                             path=path, line=line)
        if obsolete or "fuzzy" in flags or e is header:
            continue
        if plural is not None:
            if nplurals is None:
                m = _NPLURALS.search(fields.get("Plural-Forms", ""))
                if m is None or "plural=" not in fields.get("Plural-Forms", "").replace(" ", ""):
                    raise InputError("plural entries need a Plural-Forms header with nplurals= "
                                     "and plural=", path=path, line=line)
                nplurals = int(m.group(1))
            if len(msgstr) != nplurals:
                raise InputError(f"entry has {len(msgstr)} plural forms but the header says "
                                 f"nplurals={nplurals}", path=path, line=line)
            pairs = [(msgid, msgstr[0])] + [(plural, s) for s in msgstr[1:]]
        else:
            pairs = [(msgid, msgstr[0])]
        for source, target in pairs:
            if not target:
                continue
            if flags:
                why = formats.mismatch(flags, source, target)
                if why:
                    raise InputError(why, path=path, line=line)
            if source.startswith("\n") != target.startswith("\n"):
                raise InputError("msgid and msgstr do not both begin with a newline (\\n)",
                                 path=path, line=line)
            if source.endswith("\n") != target.endswith("\n"):
                raise InputError("msgid and msgstr do not both end with a newline (\\n)",
                                 path=path, line=line)
    return fields


def parse(path: str, text: str, *, fast: bool = True) -> tuple[list[Entry], dict[str, str]]:
    """Check decoded PO text strictly; returns its entries (header first) and header fields.

    `fast=False` reads every line with the state machine (the reference the fast path is
    tested against).
    """
    entries = _Parser(path).run(text, fast=fast)
    return entries, _check_entries(path, entries)
