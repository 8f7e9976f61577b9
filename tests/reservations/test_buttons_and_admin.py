"""Test connection, Check code, and the operations staff's reservation admin."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from integrations.models import (
    OperationState,
    Reservation,
    ReservationOperation,
    ReservationStatus,
)
from sandbox.seed import DEMO_IMPORTER_CODE, DEMO_PASSWORD, DEMO_USERNAME
from tests.fixtures.personas import line_input, make_purchase_order, make_vendor

pytestmark = pytest.mark.django_db(transaction=True)

TEST_CONNECTION = reverse("integrations:test_connection")
CHECK_CODE = reverse("integrations:check_code")


def connection_answer(client, **fields):
    data = {
        "username": DEMO_USERNAME,
        "password": DEMO_PASSWORD,
        "importer_code": DEMO_IMPORTER_CODE,
        "environment": "sandbox",
    } | fields
    return client.post(TEST_CONNECTION, data).content.decode()


def test_test_connection_signs_in_with_the_demo_credentials_and_reserves_nothing(
    cargo_master, sandbox, administrator_client
):
    answer = connection_answer(administrator_client)

    assert "Signed in to Cargo Master as komet-demo for importer KOMET01." in answer
    assert sandbox.counters()["calls_by_kind"].get("create", 0) == 0


def test_test_connection_uses_the_stored_password_when_the_field_is_blank(
    cargo_master, administrator_client
):
    answer = connection_answer(administrator_client, password="")

    assert "Signed in to Cargo Master" in answer


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"password": "wrong"}, "Cargo Master refused the username or password."),
        ({"username": "nobody"}, "Cargo Master refused the username or password."),
        (
            {"importer_code": "OTHER02"},
            "Cargo Master says this user is not linked to that importer code.",
        ),
        ({"username": ""}, "Enter the username first."),
    ],
)
def test_test_connection_names_the_reason_for_wrong_details(
    cargo_master, administrator_client, fields, reason
):
    answer = connection_answer(administrator_client, **fields)

    assert reason in answer
    assert DEMO_PASSWORD not in answer


def test_test_connection_says_when_cargo_master_cannot_be_reached(
    cargo_master, administrator_client, settings
):
    settings.CARGO_MASTER_URLS = {"sandbox": "http://127.0.0.1:9", "production": ""}

    answer = connection_answer(administrator_client)

    assert "Cargo Master could not be reached" in answer


def test_only_administrators_may_test_the_connection(cargo_master, buyer_client):
    assert buyer_client.post(TEST_CONNECTION, {}).status_code == 403


@pytest.mark.parametrize(
    ("code", "verdict"),
    [
        ("UIO07100", "UIO07100 (Flores La Ñusta) ships with Cargo Master"),
        ("UIO99999", "Cargo Master does not know the code UIO99999."),
        ("UIO09901", "exists but does not ship for importer KOMET01."),
        ("UIO 07100", "no spaces or symbols"),
        ("", "Enter a Cargo Master code."),
    ],
)
def test_check_code_tells_known_codes_from_unknown_ones(
    cargo_master, administrator_client, code, verdict
):
    answer = administrator_client.post(CHECK_CODE, {"cargo_master_code": code})

    assert verdict in answer.content.decode()


def test_check_code_asks_to_link_the_company_first(acme, administrator_client):
    answer = administrator_client.post(CHECK_CODE, {"cargo_master_code": "UIO07100"})

    assert "Link the company with Cargo Master first." in answer.content.decode()


# Django admin ---------------------------------------------------------------------


@pytest.fixture
def failed_reservation(cargo_master, queue, acme, box_type, product):
    """A PO whose vendor code Cargo Master does not know: refused at once."""
    from purchase_orders.services import purchase_order_send

    vendor = make_vendor(acme, code="WRONG", cargo_master_code="ZZZ00001")
    po = make_purchase_order(acme, vendor=vendor, lines=[line_input(product, box_type)])
    purchase_order_send(purchase_order=po)
    queue.drain()
    return Reservation.objects.get(purchase_order=po)


def retry_in_admin(client, reservations):
    return client.post(
        reverse("admin:integrations_reservation_changelist"),
        {"action": "retry", "_selected_action": [r.pk for r in reservations]},
        follow=True,
    )


def test_operations_fix_the_vendor_code_retry_in_admin_and_see_it_reserved(
    failed_reservation, queue, operations_client
):
    assert failed_reservation.status == ReservationStatus.FAILED
    vendor = failed_reservation.purchase_order.vendor
    vendor.cargo_master_code = "UIO07100"
    vendor.save()

    page = retry_in_admin(operations_client, [failed_reservation])
    queue.drain()

    assert "1 reservation(s) queued again." in page.content.decode()
    failed_reservation.refresh_from_db()
    assert failed_reservation.status == ReservationStatus.RESERVED
    assert failed_reservation.vendor_code == "UIO07100"


def test_a_second_retry_click_queues_nothing_more(
    failed_reservation, queue, operations_client
):
    retry_in_admin(operations_client, [failed_reservation])
    queued = len(queue.messages)

    page = retry_in_admin(operations_client, [failed_reservation])

    assert len(queue.messages) == queued
    assert "0 reservation(s) queued again." in page.content.decode()
    pending = ReservationOperation.objects.filter(
        reservation=failed_reservation, state=OperationState.PENDING
    )
    assert pending.count() == 1


def test_retrying_hundreds_of_reservations_only_queues_work(
    cargo_master, queue, acme, vendor, box_type, product, operations_client
):
    from integrations.services import reservations_request
    from purchase_orders.services import purchase_orders_send

    orders = [
        make_purchase_order(acme, vendor=vendor, lines=[line_input(product, box_type)])
        for _ in range(300)
    ]
    cargo_master.send_mode = "manual"
    cargo_master.save()
    purchase_orders_send(company=acme, ids=[po.pk for po in orders])
    reservations_request(company=acme, purchase_order_ids=[po.pk for po in orders])
    Reservation.objects.update(status=ReservationStatus.FAILED)
    ReservationOperation.objects.update(
        state=OperationState.FAILED, last_error_transient=True
    )
    queue.messages.clear()

    with CaptureQueriesContext(connection) as queries:
        retry_in_admin(operations_client, Reservation.objects.all())

    assert Reservation.objects.filter(status=ReservationStatus.QUEUED).count() == 300
    assert len(queue.reservation_ids()) == 300
    assert sandbox_calls_made_during_the_action(queries) == 0
    assert len(queries) < 60


def sandbox_calls_made_during_the_action(queries) -> int:
    # The action writes rows and queues messages; no query touches attempts,
    # which only a call to Cargo Master writes.
    return sum(
        "reservationattempt" in q["sql"].lower()
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith("INSERT")
    )


def test_the_admin_list_shows_the_columns_ops_need_and_searches_by_po_number(
    failed_reservation, operations_client
):
    url = reverse("admin:integrations_reservation_changelist")
    number = failed_reservation.purchase_order.number

    page = operations_client.get(url, {"q": str(number)}).content.decode()

    assert "ZZZ00001" in page
    assert "Failed" in page
    assert "Cargo Master refused to reserve" in page


def test_the_admin_shows_each_attempt_with_redacted_bodies(
    failed_reservation, operations_client
):
    url = reverse("admin:integrations_reservation_change", args=[failed_reservation.pk])

    page = operations_client.get(url).content.decode()

    assert "/v1/reservations" in page
    assert "unknown_vendor" in page
    assert DEMO_PASSWORD not in page
    assert "[redacted]" in page


def test_operations_staff_of_another_company_do_not_see_the_reservation(
    failed_reservation, other
):
    from companies.models import Role
    from tests.fixtures.personas import logged_in_client, make_member

    stranger = make_member(other, "stranger", Role.OPERATIONS, is_staff=True)
    client = logged_in_client(stranger)
    url = reverse("admin:integrations_reservation_change", args=[failed_reservation.pk])

    assert client.get(url).status_code in (302, 404)
    listing = client.get(reverse("admin:integrations_reservation_changelist"))
    assert "ZZZ00001" not in listing.content.decode()


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        (
            {"username": "u" * 101},
            "The username is 101 characters long; it can be at most 100.",
        ),
        (
            {"importer_code": "K" * 31},
            "The importer code is 31 characters long; it can be at most 30.",
        ),
    ],
)
def test_test_connection_refuses_details_too_long_to_save_without_asking_cargo_master(
    administrator_client, monkeypatch, fields, reason
):
    def no_call(**kwargs):
        raise AssertionError("Cargo Master was asked")

    monkeypatch.setattr("integrations.connection.connection_test", no_call)

    answer = connection_answer(administrator_client, **fields)

    assert reason in answer
