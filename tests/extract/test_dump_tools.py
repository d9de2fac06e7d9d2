"""Text dumps made by real tools (lynx, w3m at 80 columns, hard-wrapped) of a page written here."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from pipeline.extract.html import parse_html
from pipeline.extract.textdump import split_page
from pipeline.models import BODY_KINDS

TITLE = "Night ferry keeps running through the winter"
PARAS = [
    "The council voted on Tuesday evening to keep the night ferry between the two river towns "
    "running through the winter months, after staff warned that the service would otherwise "
    "stop in the first week of November.",
    "The ferry carries about two hundred passengers a night, most of them hospital staff and "
    "students who finish late, and the nearest bridge is an hour's drive away on narrow roads.",
    "Money for the service will come from the harbour fund for one year, and the council will "
    "decide in the spring whether the timetable should change when the summer season begins.",
]
HTML = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>" + TITLE + " | River Post"
        "</title></head><body><nav><ul><li><a href='/'>Home</a></li><li><a href='/l'>Local</a>"
        "</li><li><a href='/s'>Sport</a></li></ul></nav><main><article><h1>" + TITLE + "</h1>"
        + "".join(f"<p>{p}</p>" for p in PARAS) + "</article></main><footer><ul><li>About us"
        "</li><li>Contact</li><li>Privacy</li></ul></footer></body></html>")

TOOLS = {
    "lynx": ["lynx", "-dump", "-nolist", "-width=80", "-stdin", "-force_html",
             "-assume_charset=utf-8", "-display_charset=utf-8"],
    "w3m": ["w3m", "-dump", "-cols", "80", "-T", "text/html", "-I", "utf-8", "-O", "utf-8"],
}


@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_hard_wrapped_dump_gives_the_html_article(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (apt-get install {tool})")
    dump = subprocess.run(TOOLS[tool], input=HTML.encode(), capture_output=True, timeout=30,
                          check=True).stdout.decode()
    assert max(len(line) for line in dump.splitlines()) <= 80  # really hard-wrapped
    (d,) = split_page(dump)
    (h,) = parse_html(HTML)
    assert d.title == h.title == TITLE
    assert [t for k, t in d.parts if k in BODY_KINDS] == PARAS
