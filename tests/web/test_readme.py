"""The README's permissions table and API list say what pipeline/permissions.py and api.py do."""

from __future__ import annotations

from pipeline.accounts import Role
from pipeline.permissions import ALLOWED, Action
from pipeline.web.routes.api import routes
from tests.conftest import ROOT

SECTION = (ROOT / "README.md").read_text(encoding="utf-8").split("## Web workspace", 1)[1] \
    .split("\n## ", 1)[0]


def test_permissions_table_is_the_librarys() -> None:
    rows = {}
    for line in SECTION.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 1 + len(Role) and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = [c == "yes" for c in cells[1:]]
    assert set(rows) == {a.value for a in Action}
    for action in Action:
        assert rows[action.value] == [action in ALLOWED[r] for r in Role], action


def test_every_api_route_is_documented() -> None:
    for route in routes:
        documented = route.path.replace("{lang}", "<lang>").replace("{unit}", "<unit>") \
            .replace("{slug}", "<slug>").replace("{name}", "<name>")
        assert documented in SECTION, route.path
