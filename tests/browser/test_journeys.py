"""The users' three journeys, in a real Chromium, against a live server, a real
Celery worker and the Cargo Master sandbox.

Who fixes a refused vendor code (journey 3): operations staff may find and retry
reservations in the admin, but the product gives them no way to change codes
(Setup > Vendors offers them no Edit, and the admin shows vendors read-only to
staff without Django's change permission). An administrator fixes the code in
Setup > Vendors, and operations retries.
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from integrations.models import (
    CargoMasterSettings,
    Reservation,
    ReservationStatus,
    SendMode,
)
from purchase_orders.models import PurchaseOrder, Status
from purchase_orders.services import purchase_orders_send
from sandbox.seed import (
    DEMO_IMPORTER_CODE,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    DEMO_VENDOR_CODE,
)
from tests.browser.helpers import (
    assert_not_reloaded,
    assert_styled_and_scripted,
    expect_reserved,
    mark_page,
    open_setup,
    open_window,
    panel_status,
)
from tests.fixtures.personas import (
    line_input,
    make_product,
    make_purchase_order,
    make_vendor,
)
from tests.fixtures.worker import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNKNOWN_CODE = "ZZZ00001"
# The pages' breadcrumb separator (&rsaquo;).
CRUMB = "\N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK}"
# Slow enough that the PO page first shows the reservation in flight, even on a
# busy machine, so the panel has to poll to see it reserved.
SANDBOX_LATENCY_MS = 4000


@pytest.fixture
def sandbox_urls(settings, sandbox) -> None:
    """The web process talks to the sandbox; the worker is told through its env."""
    settings.CARGO_MASTER_URLS = {"sandbox": sandbox.url, "production": sandbox.url}
    settings.CARGO_MASTER_READ_TIMEOUT = 5


def test_an_administrator_links_cargo_master_and_sets_a_vendor_code(
    browsers, shots, sandbox_urls, acme, administrator
):
    vendor = make_vendor(
        acme, code="FLOTA", name="Flores La Ñusta", cargo_master_code=""
    )
    page = browsers.log_in(administrator)
    assert_styled_and_scripted(page)

    open_setup(page, f"Settings {CRUMB} Integrations")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Setup {CRUMB} Settings {CRUMB} Integrations"
    )
    expect(page.locator("#cargo-master .badge")).to_have_text("Not linked")
    shots(page, "01-integrations-not-linked")

    window = open_window(
        page,
        page.get_by_role("link", name="Cargo Master Settings"),
        "Cargo Master Settings",
    )
    window.get_by_label("Username").fill(DEMO_USERNAME)
    window.get_by_label("Password").fill("not-the-password")
    window.get_by_label("Importer code").fill(DEMO_IMPORTER_CODE)
    window.get_by_role("button", name="Test connection").click()
    verdict = window.get_by_test_id("verdict")
    expect(verdict).to_have_text("✗ Cargo Master refused the username or password.")
    shots(page, "02-wrong-credentials-refused")

    window.get_by_label("Password").fill(DEMO_PASSWORD)
    window.get_by_role("button", name="Test connection").click()
    expect(verdict).to_have_text(
        "✓ Signed in to Cargo Master as komet-demo for importer KOMET01."
    )
    window.get_by_label("Automatically, when the PO is sent").check()
    shots(page, "03-connection-tested")
    window.get_by_role("button", name="Save").click()

    expect(page.locator("dialog#dialog")).not_to_be_visible()
    expect(page.locator(".message.success")).to_have_text(
        "Cargo Master settings saved."
    )
    expect(page.locator("#cargo-master .badge")).to_have_text(
        "Linked with Cargo Master"
    )
    shots(page, "04-linked")
    linked = CargoMasterSettings.objects.get(company=acme)
    assert (linked.username, linked.importer_code, linked.send_mode) == (
        DEMO_USERNAME,
        DEMO_IMPORTER_CODE,
        SendMode.AUTOMATIC,
    )
    assert linked.get_password() == DEMO_PASSWORD

    open_setup(page, "Vendors")
    row = page.get_by_role("row").filter(has_text="FLOTA")
    window = open_window(
        page, row.get_by_role("link", name="Edit"), "Vendor Information"
    )
    code = window.get_by_label("Cargo Master code")
    code.fill(UNKNOWN_CODE)
    window.get_by_role("button", name="Check code").click()
    verdict = window.get_by_test_id("verdict")
    expect(verdict).to_have_text(
        f"✗ Cargo Master does not know the code {UNKNOWN_CODE}."
    )
    shots(page, "05-unknown-vendor-code")

    code.fill(DEMO_VENDOR_CODE)
    window.get_by_role("button", name="Check code").click()
    expect(verdict).to_have_text(
        f"✓ {DEMO_VENDOR_CODE} (Flores La Ñusta) ships with Cargo Master "
        "for importer KOMET01."
    )
    shots(page, "06-vendor-code-checked")
    window.get_by_role("button", name="Save").click()

    expect(page.locator(".message.success")).to_have_text(
        "Vendor Flores La Ñusta (FLOTA) saved."
    )
    expect(row.get_by_role("cell", name=DEMO_VENDOR_CODE)).to_be_visible()
    shots(page, "07-vendor-saved")
    vendor.refresh_from_db()
    assert vendor.cargo_master_code == DEMO_VENDOR_CODE
    assert browsers.problems_seen() == []


def test_a_buyer_sends_a_two_line_po_and_sees_it_reserved_without_reloading(
    browsers, shots, cargo_master, celery_worker, sandbox, buyer, vendor, box_type
):
    roses = make_product(
        cargo_master.company, code="RO-FREE-50", description="Rose Freedom 50cm"
    )
    carnations = make_product(
        cargo_master.company, code="CA-MOON-60", description="Carnation Moonlight"
    )
    ship_date = timezone.localdate() + dt.timedelta(days=4)
    page = browsers.log_in(buyer)
    assert_styled_and_scripted(page)

    page.get_by_role("link", name="New PO").click()
    page.get_by_label("Vendor").select_option(label=str(vendor))
    page.get_by_label("Ship date").fill(ship_date.isoformat())
    for index, (product, boxes, cost) in enumerate(
        [(roses, "3", "0.45"), (carnations, "2", "0.30")]
    ):
        row = page.locator("#lines tbody tr").nth(index)
        row.locator("select[name$='-product']").select_option(label=str(product))
        row.locator("input[name$='-mark_code']").fill("GRC-ATL")
        row.locator("select[name$='-box_type']").select_option(label=str(box_type))
        row.locator("input[name$='-boxes']").fill(boxes)
        row.locator("input[name$='-bunches_per_box']").fill("12")
        row.locator("input[name$='-stems_per_bunch']").fill("25")
        row.locator("input[name$='-unit_cost']").fill(cost)
    shots(page, "01-new-po-two-lines")
    page.get_by_role("button", name="Save").click()

    po = PurchaseOrder.objects.get(company=cargo_master.company)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"PO {po.number}")
    expect(page.locator("table.grid tbody tr")).to_have_count(2)
    expect(page.get_by_test_id("reservation-reason")).to_have_text(
        f"PO {po.number} is Draft; only sent POs go to Cargo Master."
    )
    shots(page, "02-po-saved-as-draft")

    sandbox.set_faults(latency_ms=SANDBOX_LATENCY_MS)
    page.get_by_role("button", name="Send PO").click()
    expect(page.locator(".message.success")).to_have_text(
        f"Sent PO {po.number} to the vendor."
    )
    mark_page(page)
    expect(panel_status(page)).to_have_text("Queued")
    shots(page, "03-po-sent-reservation-in-flight")

    number = expect_reserved(page)
    assert_not_reloaded(page)
    shots(page, "04-po-reserved")
    reservation = Reservation.objects.get(purchase_order=po)
    assert (reservation.status, reservation.number) == (
        ReservationStatus.RESERVED,
        number,
    )
    assert [(line.product, line.boxes) for line in po.lines.order_by("id")] == [
        (roses, 3),
        (carnations, 2),
    ]
    assert browsers.problems_seen() == []


def test_in_manual_mode_a_buyer_sends_a_po_to_cargo_master_with_the_button(
    browsers, shots, cargo_master, celery_worker, buyer, vendor, box_type, product
):
    cargo_master.send_mode = SendMode.MANUAL
    cargo_master.save()
    po = make_purchase_order(
        cargo_master.company, vendor=vendor, lines=[line_input(product, box_type)]
    )
    page = browsers.log_in(buyer)

    page.get_by_role("link", name=f"{po.number}", exact=True).click()
    page.get_by_role("button", name="Send PO").click()
    expect(page.get_by_test_id("reservation-reason")).to_have_text(
        "Not sent to Cargo Master yet."
    )
    shots(page, "01-sent-po-waits-for-the-button")

    page.get_by_role("button", name="Send to Cargo Master").click()
    expect(page.locator(".message.success")).to_contain_text(
        ["1 PO(s) queued for Cargo Master."]
    )
    mark_page(page)
    number = expect_reserved(page)
    assert_not_reloaded(page)
    shots(page, "02-po-reserved")
    assert Reservation.objects.get(purchase_order=po).number == number
    assert browsers.problems_seen() == []


def test_operations_retry_a_refused_reservation_once_the_vendor_code_is_fixed(
    browsers,
    shots,
    cargo_master,
    celery_worker,
    operations,
    administrator,
    box_type,
    product,
):
    acme = cargo_master.company
    vendor = make_vendor(
        acme, code="ROSAS", name="Rosas del Monte", cargo_master_code=UNKNOWN_CODE
    )
    po = make_purchase_order(acme, vendor=vendor, lines=[line_input(product, box_type)])
    purchase_orders_send(company=acme, ids=[po.pk])
    wait_until(
        lambda: Reservation.objects.filter(
            purchase_order=po, status=ReservationStatus.FAILED
        ).exists(),
        seconds=30,
        what="the sandbox to refuse the reservation",
    )

    staff = browsers.log_in(operations)
    staff.get_by_role("link", name="Operations", exact=True).click()
    staff.get_by_role("link", name="Reservations").first.click()
    staff.locator("#changelist-filter").get_by_role("link", name="Failed").click()
    row = staff.locator("#result_list tbody tr").filter(has_text=UNKNOWN_CODE)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"No vendor has code {UNKNOWN_CODE}.")
    expect(row.locator(".badge")).to_have_text("Failed")
    # The reason is the list's last columns but one: scrolled to, as staff must.
    row.locator("td.field-last_error").scroll_into_view_if_needed()
    shots(staff, "01-admin-lists-the-failed-reservation")

    failed_list = staff.url
    staff.get_by_role("link", name="View site").click()
    open_setup(staff, "Vendors")
    rosas = staff.get_by_role("row").filter(has_text="ROSAS")
    expect(rosas.get_by_role("link", name="Edit")).to_have_count(0)

    admin = browsers.log_in(administrator)
    open_setup(admin, "Vendors")
    window = open_window(
        admin,
        admin.get_by_role("row").filter(has_text="ROSAS").get_by_role("link"),
        "Vendor Information",
    )
    window.get_by_label("Cargo Master code").fill(DEMO_VENDOR_CODE)
    window.get_by_role("button", name="Save").click()
    expect(admin.locator(".message.success")).to_have_text(
        "Vendor Rosas del Monte (ROSAS) saved."
    )
    shots(admin, "02-administrator-fixed-the-code")

    staff.goto(failed_list)
    row.get_by_role("checkbox").check()
    staff.locator("select[name=action]").select_option(
        label="Retry the selected failed or held reservations"
    )
    staff.get_by_role("button", name="Run").click()
    expect(staff.locator("ul.messagelist")).to_have_text(
        "1 reservation(s) queued again."
    )
    shots(staff, "03-retry-queued")

    staff.goto(f"/purchase-orders/{po.pk}/")
    mark_page(staff)
    number = expect_reserved(staff)
    assert_not_reloaded(staff)
    shots(staff, "04-po-reserved-after-retry")
    reservation = Reservation.objects.get(purchase_order=po)
    assert (reservation.status, reservation.vendor_code, reservation.number) == (
        ReservationStatus.RESERVED,
        DEMO_VENDOR_CODE,
        number,
    )
    assert PurchaseOrder.objects.get(pk=po.pk).status == Status.SENT
    assert browsers.problems_seen() == []
