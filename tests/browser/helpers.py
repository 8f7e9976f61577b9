"""Steps the journeys share: menus, windows and what a page must have loaded."""

import re

from playwright.sync_api import Locator, Page, expect

# --brand-dark in static/css/app.css: the top bar only has it when app.css loaded.
TOPBAR_COLOUR = "rgb(8, 83, 59)"
# A reservation in flight is reserved by the worker within a second or two; the
# panel polls every second.
RESERVED_WITHIN_MS = 30_000


def assert_styled_and_scripted(page: Page) -> None:
    """app.css, app.js and htmx (from django_htmx's static files) all loaded."""
    expect(page.locator("header.topbar")).to_have_css("background-color", TOPBAR_COLOUR)
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load"
    loaded = page.evaluate(
        "performance.getEntriesByType('resource').map((entry) => entry.name)"
    )
    for asset in ("css/app.css", "js/app.js", "htmx"):
        assert any(asset in url for url in loaded), f"{asset} was not requested"


def open_setup(page: Page, item: str) -> None:
    """Setup > <item> from the top bar."""
    page.locator("details.menu > summary", has_text="Setup").click()
    page.locator(".menu-items").get_by_role("link", name=item).click()


def open_window(page: Page, button: Locator, title: str) -> Locator:
    """Click what opens a window (a <dialog>) and wait until it shows `title`."""
    button.click()
    dialog = page.locator("dialog#dialog[open]")
    expect(dialog.locator("#dialog-title")).to_contain_text(title)
    return dialog


def panel_status(page: Page) -> Locator:
    return page.get_by_test_id("reservation-status")


def expect_reserved(page: Page) -> str:
    """Wait, without reloading, until the PO page's panel says Reserved."""
    expect(panel_status(page)).to_have_text("Reserved", timeout=RESERVED_WITHIN_MS)
    number = page.get_by_test_id("reservation-number")
    expect(number).to_have_text(re.compile(r"\S+"))
    return number.inner_text()


def mark_page(page: Page) -> None:
    """Tag this document, so a later check can prove it was never reloaded."""
    page.evaluate("window.__notReloaded = true")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__notReloaded === true"), "the page was reloaded"
