"""Real-browser fixtures: live waitress servers and one headless Debian Chromium.

Chromium is the system one (/usr/bin/chromium); `playwright install` is never needed.
Every wait is for a condition, bounded by the timeouts set here: generous, because a loaded machine
(the suite runs beside other work) can take seconds for what takes milliseconds when idle; a passing
test never waits them out.
"""

import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.support.live_server import LiveServer

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
ACTION_TIMEOUT_MS = 20_000
NAVIGATION_TIMEOUT_MS = 30_000

expect.set_options(timeout=ACTION_TIMEOUT_MS)


def start_server(instance: Path, env: dict | None = None) -> LiveServer:
    return LiveServer(instance, env=env).start()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """One seeded site with the default settings, shared by the browser tests."""
    server = start_server(tmp_path_factory.mktemp("browser-site") / "instance")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def idle_server(tmp_path_factory):
    """A second site whose kiosk gives up after 2 s without a touch."""
    server = start_server(
        tmp_path_factory.mktemp("browser-idle-site") / "instance", env={"FLASK_KIOSK_IDLE_SECONDS": "2"}
    )
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=20_000
        )
        yield chromium
        chromium.close()


class Pages:
    """Opens pages, each in its own context (own cookies, own viewport); tracks JS errors."""

    def __init__(self, browser):
        self.browser = browser
        self.contexts = []
        self.errors = []

    def open(self, url: str, width: int = 1280, height: int = 800, lang: str = "vi-VN"):
        context = self.browser.new_context(
            viewport={"width": width, "height": height}, locale=lang, timezone_id="Asia/Ho_Chi_Minh"
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.goto(url)
        return page

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser):
    """pages.open(url, width, height) → a Page in a fresh context; fails on uncaught JS errors."""
    opened = Pages(browser)
    yield opened
    opened.close()
    assert not opened.errors, f"JavaScript errors: {opened.errors}"


def scripts_ready(page) -> None:
    """Wait until the page has loaded and run its deferred scripts (htmx, scanner.js, shortcuts).

    An element can be visible while the document is still parsing: keys pressed then find no listener.
    """
    page.wait_for_function("() => document.readyState === 'complete'")


def shot(page, name: str) -> Path:
    """Save (overwrite) docs/screenshots/<name>; the viewport only, as a person sees it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), animations="disabled", caret="hide")
    return path


def query_db(server, sql: str, *params) -> list[tuple]:
    """Rows read straight from a live site's SQLite file, read-only (the server keeps writing)."""
    with sqlite3.connect(f"file:{server.database}?mode=ro", uri=True, timeout=5) as connection:
        rows = connection.execute(sql, params).fetchall()
    connection.close()
    return rows


def tickets_in_db(server, letter: str) -> list[str]:
    """Ticket codes of one numbering series."""
    rows = query_db(server, "SELECT code FROM ticket WHERE queue_letter = ? ORDER BY number", letter)
    return [code for (code,) in rows]
