"""Web workspace fixtures: a newsroom with a user of every role, signed-in clients, a real server.

- `web` : the workspace (articles with machine text in fa, ar, sq) and one account per role
  (USERS), all with PASSWORD;
- `client_as(name)` : an in-process Starlette TestClient signed in through the real sign-in form;
- `live_server` : a real uvicorn on 127.0.0.1 on a free port (a thread, stopped at teardown);
- `browser_as(name)` : a Playwright page in Debian's chromium, signed in on `live_server`.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from pipeline import accounts
from pipeline.accounts import Role
from pipeline.states import Action
from pipeline.store import Store, open_store
from pipeline.store import translations as tr
from pipeline.store.articles import load_article
from pipeline.web.app import create_app
from pipeline.workspace import Settings
from tests.conftest import ROOT
from tests.factories import add_article

PASSWORD = "correct horse battery"
#: name -> (role, languages). Every role, and translators of two different languages.
USERS: dict[str, tuple[Role, tuple[str, ...]]] = {
    "tina": (Role.TRANSLATOR, ("fa",)),
    "omar": (Role.TRANSLATOR, ("ar",)),
    "rita": (Role.REVIEWER, ("fa", "ar", "sq")),
    "eddie": (Role.EDITOR, ()),
    "ada": (Role.ADMIN, ()),
}
STORY = [
    ("title", "Council passes the budget"),
    ("paragraph", "The council voted 12 to 3 on Monday."),
    ("paragraph", "Roads and schools get most of the money."),
]
MACHINE = {
    "fa": ["شورا بودجه را تصویب کرد", "شورا روز دوشنبه با ۱۲ رأی موافق و ۳ رأی مخالف رأی داد.",
           "جاده‌ها و مدرسه‌ها بیشترین پول را می‌گیرند."],
    "ar": ["المجلس يقر الميزانية", "صوّت المجلس يوم الاثنين بأغلبية 12 مقابل 3.",
           "الطرق والمدارس تحصل على معظم المال."],
    "sq": ["Këshilli miraton buxhetin", "Këshilli votoi 12 me 3 të hënën.",
           "Rrugët dhe shkollat marrin pjesën më të madhe të parave."],
}
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "artifacts"


@dataclass
class Web:
    """The workspace behind the web tests, with its store open for arranging and asserting."""

    settings: Settings
    store: Store
    slug: str = "budget-vote"

    def unit_ids(self, slug: str | None = None) -> list[str]:
        return [u.id for u in load_article(self.store, slug or self.slug).units]


def fill_machine(store: Store, slug: str, texts: dict[str, list[str]]) -> None:
    """Machine text for every unit of `slug` in each language, as the translate stage writes it."""
    units = load_article(store, slug).units
    for lang, lines in texts.items():
        for unit, text in zip(units, lines, strict=True):
            tr.change(store, unit.id, lang, Action.MACHINE, who=None, text=text, origin="mt",
                      engine="ctranslate2")


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real scrypt at a lower cost (N=2**10), so the tables of tests do not spend minutes hashing.

    The cost is stored in each hash, so verifying works the same; test_accounts checks the
    production cost separately.
    """
    monkeypatch.setattr(accounts, "SCRYPT_N", 2**10)


@pytest.fixture
def web(workspace: Settings, store: Store) -> Web:
    add_article(store, "budget-vote", STORY, date_iso="2024-05-01")
    fill_machine(store, "budget-vote", MACHINE)
    for name, (role, langs) in USERS.items():
        accounts.add_user(store, name, role, languages=langs, password=PASSWORD,
                          targets=workspace.targets)
    return Web(workspace, store)


def csrf_of(html: str) -> str:
    """The CSRF token a page hands its forms."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> Any:
    page = client.get("/signin")
    return client.post("/signin", data={"name": name, "password": password,
                                        "csrf_token": csrf_of(page.text)}, follow_redirects=False)


@pytest.fixture
def client_as(web: Web) -> Iterator[Callable[[str | None], TestClient]]:
    """Signed-in TestClients (None: signed out). Each has `.csrf`, the session's CSRF token."""
    app = create_app(web.settings)
    opened: list[TestClient] = []

    def make(name: str | None) -> TestClient:
        client = TestClient(app, base_url="http://127.0.0.1")
        client.__enter__()
        opened.append(client)
        if name is not None:
            assert sign_in(client, name).status_code == 303
            client.csrf = csrf_of(client.get("/").text)  # type: ignore[attr-defined]
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    settings: Settings


@pytest.fixture
def live_server(web: Web) -> Iterator[LiveServer]:
    """A real uvicorn serving the workspace on 127.0.0.1, in a thread; stopped at teardown."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(create_app(web.settings), host="127.0.0.1", port=port,
                            log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            pytest.fail("uvicorn did not start within 15 s")
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", web.settings)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def browser_as(live_server: LiveServer) -> Iterator[Callable[[str], Any]]:
    """Playwright pages in Debian's chromium, each signed in as the named user."""
    if not Path(CHROMIUM).is_file():
        pytest.skip("Debian's chromium is not installed (scripts/test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            def make(name: str, *, ui: str | None = None) -> Any:
                context = browser.new_context(viewport={"width": 1200, "height": 850},
                                              base_url=live_server.url)
                page = context.new_page()
                page.set_default_timeout(10_000)
                page.goto("/signin" + (f"?ui={ui}" if ui else ""))
                page.locator("#name").fill(name)
                page.locator("#password").fill(PASSWORD)
                page.locator("form[action='/signin'] button[type=submit]").click()
                page.wait_for_url(re.compile(r"^(?!.*/signin).*$"))
                return page

            yield make
        finally:
            browser.close()


def unit_store(settings: Settings) -> Store:
    """A second connection, as another process (the CLI) would have."""
    return open_store(settings.database)
