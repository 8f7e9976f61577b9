"""Browser fixtures: Debian's Chromium, driven by Playwright, against the live server.

`browser` opens one Chromium per persona (each with a fresh profile directory),
logged in through the login page; `shots` saves the screenshots a journey takes
under test-artifacts/browser/<test>/. The live server serves static files through
Django's staticfiles handler (pytest-django does this when staticfiles is
installed), so the pages load app.css, app.js and htmx as a user's browser would.

Playwright's sync API keeps an asyncio loop running in the test thread while it
is started, and Django refuses ORM calls from a thread with a running loop. The
driver is therefore started per test module, and DJANGO_ALLOW_ASYNC_UNSAFE is set
only while it runs: the ORM calls of these tests are plain synchronous code in
the test thread, which is what the guard would otherwise mistake for async code.
pytest-playwright's own fixtures are not used, because their driver lives for the
whole session and would trip that guard in every test that runs after these.
"""

import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, sync_playwright

from tests.fixtures.personas import PASSWORD

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "browser"
CHROMIUM = Path(os.environ.get("KOMET_CHROMIUM", "/usr/bin/chromium"))
# Headless, and quiet: without the background-networking switches Chromium keeps
# calling Google services, which the closed test network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000
VIEWPORT = {"width": 1280, "height": 860}


@pytest.fixture(scope="module")
def playwright_driver() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Browser tests need Chromium at {CHROMIUM}: install Debian's package "
            "(apt-get install chromium), or point KOMET_CHROMIUM at a Chromium "
            "binary. .ci/run installs it.",
            pytrace=False,
        )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as driver:
            yield driver


@dataclass
class Problems:
    """What went wrong in a page that the journey itself would not notice."""

    failed_responses: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


@dataclass
class Browsers:
    """One Chromium per persona, so their sessions never mix."""

    driver: Playwright
    base_url: str
    profiles: Path
    contexts: list[BrowserContext] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)

    def open(self) -> Page:
        profile = self.profiles / f"profile-{len(self.contexts) + 1}"
        context = self.driver.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,
            base_url=self.base_url,
        )
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        page = context.pages[0] if context.pages else context.new_page()
        page.on("response", self._record_response)
        page.on("console", self._record_console)
        return page

    def log_in(self, user) -> Page:
        """A Chromium where `user` logged in through the login page."""
        page = self.open()
        page.goto("/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(re.compile(r"/purchase-orders/$"))
        return page

    def problems_seen(self) -> list[str]:
        """Failed requests (a missing script, a 500) and script errors, if any."""
        return self.problems.failed_responses + self.problems.console_errors

    def pages(self) -> list[Page]:
        return [page for context in self.contexts for page in context.pages]

    def close(self) -> None:
        for context in self.contexts:
            context.close()

    def _record_response(self, response) -> None:
        if response.status >= 400:
            self.problems.failed_responses.append(
                f"{response.status} {response.request.method} {response.url}"
            )

    def _record_console(self, message) -> None:
        if message.type == "error":
            self.problems.console_errors.append(message.text)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_call_failed = report.failed
    return report


@pytest.fixture
def browsers(request, playwright_driver, live_server, tmp_path) -> Iterator[Browsers]:
    # 127.0.0.1 rather than `localhost`, which Chromium may try on ::1 first.
    base_url = f"http://127.0.0.1:{live_server.thread.port}"
    browsers = Browsers(playwright_driver, base_url, tmp_path)
    yield browsers
    if getattr(request.node, "browser_call_failed", False):
        # What each persona saw when the journey broke, beside its screenshots.
        folder = _artifacts_for(request.node)
        for number, page in enumerate(browsers.pages(), start=1):
            page.screenshot(path=folder / f"failure-{number}.png", full_page=True)
    browsers.close()


@pytest.fixture
def shots(request) -> Callable[[Page, str], Path]:
    """shots(page, "01-login") saves a full-page PNG under test-artifacts/browser/."""
    folder = _artifacts_for(request.node)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)

    def shot(page: Page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return shot


def _artifacts_for(node) -> Path:
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", node.name)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
