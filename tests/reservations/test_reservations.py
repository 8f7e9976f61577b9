"""A sent PO becomes exactly one Cargo Master reservation, whatever goes wrong."""

import datetime as dt
import logging
import threading

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from companies.models import Role
from integrations import sending, services
from integrations.models import (
    OperationKind,
    OperationState,
    Reservation,
    ReservationAttempt,
    ReservationOperation,
    ReservationStatus,
    SendMode,
)
from purchase_orders.models import Status
from purchase_orders.services import (
    purchase_order_cancel,
    purchase_order_send,
    purchase_order_update,
)
from sandbox.seed import DEMO_PASSWORD
from tests.fixtures.personas import line_input, make_member, make_vendor

pytestmark = pytest.mark.django_db(transaction=True)


def reservations_at_cargo_master(sandbox, purchase_order) -> int:
    by_reference = sandbox.counters()["reservations_by_reference"]
    return by_reference.get(str(purchase_order.number), 0)


def reservation_of(purchase_order) -> Reservation:
    return Reservation.objects.get(purchase_order=purchase_order, active=True)


def send(purchase_order):
    return purchase_order_send(purchase_order=purchase_order)


# The happy path -----------------------------------------------------------------


def test_sending_a_po_in_automatic_mode_reserves_it_at_cargo_master(
    cargo_master, queue, sandbox, purchase_order
):
    send(purchase_order)
    queue.drain()

    reservation = reservation_of(purchase_order)
    assert reservation.status == ReservationStatus.RESERVED
    assert reservation.number.startswith("CM")
    assert reservation.vendor_code == "UIO07100"
    assert reservations_at_cargo_master(sandbox, purchase_order) == 1


def test_the_reservation_carries_the_po_lines_boxes_and_fbe(
    cargo_master, queue, sandbox, purchase_order
):
    send(purchase_order)
    queue.drain()

    body = ReservationOperation.objects.get(kind=OperationKind.CREATE).body
    assert body["reference"] == str(purchase_order.number)
    assert body["origin"] == "UIO"
    assert body["destination"] == "MIA"
    assert body["lines"] == [
        {
            "box_type": "HB",
            "boxes": 2,
            "product": "Rose Freedom 50cm",
            "mark_code": "GRC-ATL",
        }
    ]
    assert body["totals"] == {"boxes": 2, "fbe": "1.000"}


def test_the_outbox_row_is_written_with_the_send_and_queued_only_after_commit(
    cargo_master, queue, purchase_order
):
    with transaction.atomic():
        send(purchase_order)
        assert ReservationOperation.objects.filter(kind="create").count() == 1
        assert queue.messages == []

    assert queue.reservation_ids() == [reservation_of(purchase_order).pk]


def test_a_rolled_back_send_queues_nothing_and_leaves_no_reservation(
    cargo_master, queue, purchase_order
):
    with pytest.raises(RuntimeError), transaction.atomic():
        send(purchase_order)
        raise RuntimeError("the request failed after sending")

    assert queue.messages == []
    assert not Reservation.objects.exists()
    purchase_order.refresh_from_db()
    assert purchase_order.status == Status.DRAFT


def test_tasks_carry_reservation_ids_and_nothing_else(
    cargo_master, queue, purchase_order
):
    send(purchase_order)

    assert all(
        isinstance(rid, int) for m in queue.messages for rid in m.reservation_ids
    )


def test_a_bulk_send_queues_its_reservations_in_batches(
    cargo_master, queue, acme, vendor, box_type, product
):
    from tests.fixtures.personas import make_purchase_order

    orders = [
        make_purchase_order(acme, vendor=vendor, lines=[line_input(product, box_type)])
        for _ in range(5)
    ]
    from purchase_orders.services import purchase_orders_send

    purchase_orders_send(company=acme, ids=[po.pk for po in orders])

    assert [len(m.reservation_ids) for m in queue.messages] == [5]


# Exactly one reservation ----------------------------------------------------------


def test_a_task_delivered_twice_makes_one_reservation(
    cargo_master, queue, sandbox, purchase_order
):
    send(purchase_order)
    reservation = reservation_of(purchase_order)

    sending.reservations_process(reservation_ids=[reservation.pk])
    sending.reservations_process(reservation_ids=[reservation.pk])

    assert reservations_at_cargo_master(sandbox, purchase_order) == 1
    assert sandbox.counters()["calls_by_kind"]["create"] == 1


def test_two_workers_at_once_make_one_reservation(
    cargo_master, queue, sandbox, purchase_order
):
    send(purchase_order)
    reservation = reservation_of(purchase_order)
    sandbox.set_faults(latency_ms=300)

    workers = [
        threading.Thread(
            target=sending.reservations_process,
            kwargs={"reservation_ids": [reservation.pk]},
        )
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert sandbox.counters()["calls_by_kind"]["create"] == 1
    assert reservations_at_cargo_master(sandbox, purchase_order) == 1
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.RESERVED


def test_a_worker_that_dies_after_cargo_master_answered_does_not_double_book(
    cargo_master, queue, sandbox, purchase_order, monkeypatch
):
    send(purchase_order)
    reservation = reservation_of(purchase_order)

    def die(*args, **kwargs):
        raise SystemExit("worker killed before saving the reply")

    with monkeypatch.context() as patch:
        patch.setattr(sending, "_apply_successes", die)
        with pytest.raises(SystemExit):
            sending.reservations_process(reservation_ids=[reservation.pk])
    # A killed process releases nothing: its lease simply runs out.
    Reservation.objects.filter(pk=reservation.pk).update(
        lease_until=timezone.now() - dt.timedelta(seconds=1)
    )
    queue.drain()

    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.RESERVED
    assert reservations_at_cargo_master(sandbox, purchase_order) == 1
    assert sandbox.counters()["idempotent_replays"] == 1


def test_a_reply_lost_after_cargo_master_stored_the_reservation_is_retried_safely(
    cargo_master, queue, sandbox, purchase_order
):
    sandbox.set_faults(script=[{"fault": "commit_then_drop", "operation": "create"}])
    send(purchase_order)
    queue.drain()

    reservation = reservation_of(purchase_order)
    assert reservation.status == ReservationStatus.RESERVED
    assert reservations_at_cargo_master(sandbox, purchase_order) == 1
    assert sandbox.counters()["idempotent_replays"] == 1
    keys = set(
        ReservationAttempt.objects.filter(reservation=reservation).values_list(
            "operation__idempotency_key", flat=True
        )
    )
    assert len(keys) == 1


def test_a_read_timeout_after_cargo_master_stored_the_reservation_does_not_double_book(
    cargo_master, queue, sandbox, purchase_order, settings
):
    settings.CARGO_MASTER_READ_TIMEOUT = 0.5
    sandbox.set_faults(
        no_reply_seconds=1.5, script=[{"fault": "no_reply", "operation": "create"}]
    )
    send(purchase_order)
    queue.drain()

    reservation = reservation_of(purchase_order)
    assert reservation.status == ReservationStatus.RESERVED
    assert reservations_at_cargo_master(sandbox, purchase_order) == 1
    first, second = ReservationAttempt.objects.filter(
        reservation=reservation, path="/v1/reservations"
    )
    assert first.http_status is None and first.error_code == "timeout"
    assert second.http_status in (200, 201)


def test_a_double_click_on_send_to_cargo_master_queues_one_reservation(
    cargo_master, queue, sandbox, purchase_order, buyer_client
):
    cargo_master.send_mode = SendMode.MANUAL
    cargo_master.save()
    send(purchase_order)

    for _ in range(2):
        buyer_client.post(
            "/setup/settings/integrations/cargo-master/send/",
            {"ids": [purchase_order.pk]},
        )
    queue.drain()

    assert Reservation.objects.filter(purchase_order=purchase_order).count() == 1
    assert queue.reservation_ids() == [reservation_of(purchase_order).pk]
    assert reservations_at_cargo_master(sandbox, purchase_order) == 1


def test_a_bulk_action_run_twice_reserves_each_po_once(
    cargo_master, queue, sandbox, acme, vendor, box_type, product
):
    from tests.fixtures.personas import make_purchase_order

    cargo_master.send_mode = SendMode.MANUAL
    cargo_master.save()
    orders = [
        make_purchase_order(acme, vendor=vendor, lines=[line_input(product, box_type)])
        for _ in range(3)
    ]
    for po in orders:
        send(po)
    ids = [po.pk for po in orders]

    first = services.reservations_request(company=acme, purchase_order_ids=ids)
    second = services.reservations_request(company=acme, purchase_order_ids=ids)
    queue.drain()

    assert len(first.queued) == 3
    assert second.queued == []
    assert set(second.skipped.values()) == {
        "It already has a Cargo Master reservation."
    }
    for po in orders:
        assert reservations_at_cargo_master(sandbox, po) == 1


# Retries ------------------------------------------------------------------------


def test_server_errors_are_retried_until_the_reservation_is_made(
    cargo_master, queue, sandbox, purchase_order
):
    sandbox.set_faults(
        script=[{"fault": "server_error", "operation": "create", "times": 2}]
    )
    send(purchase_order)
    queue.drain()

    reservation = reservation_of(purchase_order)
    assert reservation.status == ReservationStatus.RESERVED
    statuses = list(
        reservation.attempts.filter(path="/v1/reservations").values_list(
            "http_status", flat=True
        )
    )
    assert statuses[:2] == [500, 500]
    assert reservations_at_cargo_master(sandbox, purchase_order) == 1


def test_an_html_page_from_a_proxy_is_retried(
    cargo_master, queue, sandbox, purchase_order
):
    sandbox.set_faults(script=[{"fault": "html_error", "operation": "create"}])
    send(purchase_order)
    queue.drain()

    reservation = reservation_of(purchase_order)
    assert reservation.status == ReservationStatus.RESERVED
    first = reservation.attempts.filter(path="/v1/reservations").first()
    assert first.error_code == "bad_reply"
    assert first.http_status == 502


def test_a_connection_reset_is_retried(cargo_master, queue, sandbox, purchase_order):
    sandbox.set_faults(script=[{"fault": "connection_reset", "operation": "create"}])
    send(purchase_order)
    queue.drain()

    assert reservation_of(purchase_order).status == ReservationStatus.RESERVED
    assert reservations_at_cargo_master(sandbox, purchase_order) == 1


def test_retry_after_from_cargo_master_is_honoured(
    cargo_master, queue, sandbox, purchase_order
):
    sandbox.set_faults(
        retry_after=7, script=[{"fault": "rate_limited", "operation": "create"}]
    )
    send(purchase_order)
    reservation = reservation_of(purchase_order)
    before = timezone.now()
    sending.reservations_process(reservation_ids=[reservation.pk])

    operation = ReservationOperation.objects.get(reservation=reservation)
    assert operation.state == OperationState.PENDING
    assert operation.attempts == 1
    wait = (operation.next_attempt_at - before).total_seconds()
    assert 7 <= wait < 8
    assert queue.messages[-1].countdown >= 6.9


def test_an_expired_token_is_renewed_once_without_spending_an_attempt(
    cargo_master, queue, sandbox, purchase_order
):
    send(purchase_order)
    reservation = reservation_of(purchase_order)
    sandbox.set_faults(script=[{"fault": "expired_token", "operation": "create"}])

    sending.reservations_process(reservation_ids=[reservation.pk])

    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.RESERVED
    assert ReservationOperation.objects.get(reservation=reservation).attempts == 1
    assert sandbox.counters()["sign_ins"] == 2


def test_after_the_last_attempt_the_reservation_fails_and_operations_staff_hear_of_it(
    cargo_master, queue, sandbox, purchase_order, acme
):
    make_member(acme, "ops-mail", Role.OPERATIONS, email="ops@acme.example.com")
    sandbox.set_faults(
        script=[{"fault": "server_error", "operation": "create", "times": 20}]
    )
    send(purchase_order)
    mail.outbox.clear()
    queue.drain()

    reservation = reservation_of(purchase_order)
    assert reservation.status == ReservationStatus.FAILED
    assert reservation.last_error.startswith("Could not reserve after 8 attempts")
    assert reservation.attempts.filter(path="/v1/reservations").count() == 8
    assert [m.to for m in mail.outbox] == [["ops@acme.example.com"]]
    assert f"PO {purchase_order.number}" in mail.outbox[0].subject


def test_a_refusal_stops_at_once_with_cargo_masters_reason(
    cargo_master, queue, sandbox, acme, box_type, product
):
    from tests.fixtures.personas import make_purchase_order

    unknown = make_vendor(acme, cargo_master_code="ZZZ99999")
    po = make_purchase_order(
        acme, vendor=unknown, lines=[line_input(product, box_type)]
    )
    send(po)
    queue.drain()

    reservation = reservation_of(po)
    assert reservation.status == ReservationStatus.FAILED
    assert reservation.last_error_code == "unknown_vendor"
    assert reservation.last_error.startswith("Cargo Master refused to reserve:")
    assert reservation.attempts.filter(path="/v1/reservations").count() == 1


# Rejected credentials --------------------------------------------------------


def test_rejected_credentials_hold_the_queue_without_spending_attempts(
    cargo_master, queue, sandbox, purchase_order, administrator_client
):
    cargo_master.set_password("not-the-password")
    cargo_master.save()
    send(purchase_order)
    queue.drain()

    reservation = reservation_of(purchase_order)
    cargo_master.refresh_from_db()
    assert reservation.status == ReservationStatus.HELD
    assert cargo_master.is_paused
    assert ReservationOperation.objects.get(reservation=reservation).attempts == 0
    page = administrator_client.get("/purchase-orders/").content.decode()
    assert "Cargo Master rejected this company's login details" in page


def settings_form(cargo_master, **changes) -> dict:
    return {
        "username": cargo_master.username,
        "password": "",
        "importer_code": cargo_master.importer_code,
        "send_mode": "automatic",
        "send_purchase_orders": "on",
        "generate_labels": "on",
        "label_size": "4x3",
        "environment": "sandbox",
        "enabled": "on",
    } | changes


def hold_for_rejected_credentials(cargo_master, queue, purchase_order) -> None:
    cargo_master.set_password("not-the-password")
    cargo_master.save()
    send(purchase_order)
    queue.drain()
    assert reservation_of(purchase_order).status == ReservationStatus.HELD


def test_saving_working_credentials_resumes_the_paused_queue(
    cargo_master, queue, purchase_order, administrator_client
):
    hold_for_rejected_credentials(cargo_master, queue, purchase_order)

    page = administrator_client.post(
        reverse("integrations:cargo_master_settings"),
        settings_form(cargo_master, password=DEMO_PASSWORD),
        follow=True,
    )
    queue.drain()

    assert "The paused queue resumed: 1 reservation(s) queued." in page.text
    cargo_master.refresh_from_db()
    assert not cargo_master.is_paused
    assert reservation_of(purchase_order).status == ReservationStatus.RESERVED


def test_saving_credentials_that_still_fail_keeps_the_queue_paused(
    cargo_master, queue, purchase_order, administrator_client
):
    hold_for_rejected_credentials(cargo_master, queue, purchase_order)

    page = administrator_client.post(
        reverse("integrations:cargo_master_settings"),
        settings_form(cargo_master, password="still-wrong"),
        follow=True,
    )

    assert "Reservations stay paused: Cargo Master refused the username" in page.text
    cargo_master.refresh_from_db()
    assert cargo_master.is_paused
    assert reservation_of(purchase_order).status == ReservationStatus.HELD


def test_test_connection_with_the_saved_details_resumes_the_paused_queue(
    cargo_master, queue, purchase_order, administrator_client
):
    hold_for_rejected_credentials(cargo_master, queue, purchase_order)
    # Cargo Master re-enabled the account; the saved password was right all along.
    cargo_master.refresh_from_db()
    cargo_master.set_password(DEMO_PASSWORD)
    cargo_master.save(update_fields=["password_encrypted"])

    answer = administrator_client.post(
        reverse("integrations:test_connection"), settings_form(cargo_master)
    )
    queue.drain()

    assert "The paused queue resumed: 1 reservation(s) queued." in answer.text
    assert reservation_of(purchase_order).status == ReservationStatus.RESERVED


# Changes after sending ----------------------------------------------------------


def edit(purchase_order, **changes):
    lines = [
        line_input(
            line.product,
            line.box_type,
            boxes=line.boxes,
            mark_code=line.mark_code,
        )
        for line in purchase_order.lines.all()
    ]
    fields = {
        "vendor": purchase_order.vendor,
        "ship_date": purchase_order.ship_date,
        "lines": lines,
    }
    return purchase_order_update(purchase_order=purchase_order, **(fields | changes))


def test_editing_a_sent_po_amends_its_reservation(
    cargo_master, queue, sandbox, purchase_order, box_type, product
):
    send(purchase_order)
    queue.drain()
    new_date = purchase_order.ship_date + dt.timedelta(days=1)

    edit(
        purchase_order,
        ship_date=new_date,
        lines=[line_input(product, box_type, boxes=5)],
    )
    queue.drain()

    amend = ReservationOperation.objects.get(kind=OperationKind.AMEND)
    assert amend.state == OperationState.SUCCEEDED
    assert amend.body["ship_date"] == new_date.isoformat()
    assert amend.body["totals"] == {"boxes": 5, "fbe": "2.500"}
    assert reservation_of(purchase_order).status == ReservationStatus.RESERVED


def test_quick_successive_edits_send_only_the_latest_state(
    cargo_master, queue, sandbox, purchase_order, box_type, product
):
    send(purchase_order)
    queue.drain()

    for boxes in (3, 4, 6):
        edit(purchase_order, lines=[line_input(product, box_type, boxes=boxes)])
    queue.drain()

    assert sandbox.counters()["calls_by_kind"]["amend"] == 1
    amend = ReservationOperation.objects.get(kind=OperationKind.AMEND)
    assert amend.body["totals"]["boxes"] == 6


def test_cancelling_the_po_cancels_the_reservation(
    cargo_master, queue, sandbox, purchase_order
):
    send(purchase_order)
    queue.drain()

    purchase_order_cancel(purchase_order=purchase_order)
    queue.drain()

    reservation = Reservation.objects.get(purchase_order=purchase_order)
    assert reservation.status == ReservationStatus.CANCELLED
    assert not reservation.active
    assert sandbox.counters()["calls_by_kind"]["cancel"] == 1


def test_cancelling_before_cargo_master_was_called_calls_it_not_at_all(
    cargo_master, queue, sandbox, purchase_order
):
    send(purchase_order)
    purchase_order_cancel(purchase_order=purchase_order)
    queue.drain()

    reservation = Reservation.objects.get(purchase_order=purchase_order)
    assert reservation.status == ReservationStatus.CANCELLED
    assert sandbox.counters()["calls_by_kind"].get("create", 0) == 0


def test_changing_the_vendor_cancels_and_reserves_anew(
    cargo_master, queue, sandbox, purchase_order, acme
):
    send(purchase_order)
    queue.drain()
    new_vendor = make_vendor(acme, code="ROSXI", cargo_master_code="UIO07137")

    edit(purchase_order, vendor=new_vendor)
    queue.drain()

    old, new = Reservation.objects.filter(purchase_order=purchase_order).order_by("id")
    assert old.status == ReservationStatus.CANCELLED
    assert new.status == ReservationStatus.RESERVED
    assert new.vendor_code == "UIO07137"
    assert new.number != old.number


def test_a_late_worker_never_confirms_the_reservation_of_a_cancelled_po(
    cargo_master, queue, sandbox, purchase_order
):
    send(purchase_order)
    reservation = reservation_of(purchase_order)
    # The create is slow; the cancel that follows it fails once, so the status the
    # late worker leaves behind can be read.
    sandbox.set_faults(
        latency_ms=600, script=[{"fault": "server_error", "operation": "cancel"}]
    )
    worker = threading.Thread(
        target=sending.reservations_process,
        kwargs={"reservation_ids": [reservation.pk]},
    )
    worker.start()
    _wait_for(lambda: sandbox.counters()["calls_by_kind"].get("create", 0) == 1)

    purchase_order_cancel(purchase_order=purchase_order)
    worker.join()
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CANCELLING
    assert reservation.number  # the create did go through

    sandbox.set_faults(latency_ms=0)
    queue.drain()
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CANCELLED


def _wait_for(condition, *, tries: int = 200) -> None:
    import time

    for _ in range(tries):
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError("condition never became true")


# Modes and reasons --------------------------------------------------------------


def test_manual_mode_waits_for_a_click_and_says_so(
    cargo_master, queue, purchase_order, buyer_client
):
    cargo_master.send_mode = SendMode.MANUAL
    cargo_master.save()
    send(purchase_order)

    page = buyer_client.get(f"/purchase-orders/{purchase_order.pk}/").content.decode()

    assert not Reservation.objects.exists()
    assert "Not sent to Cargo Master yet." in page
    assert "Send to Cargo Master" in page


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"enabled": False}, "The Cargo Master integration is disabled in Settings."),
        (
            {"send_purchase_orders": False},
            "The Send POs functionality of Cargo Master is off in Settings.",
        ),
    ],
)
def test_a_disabled_integration_reserves_nothing_and_the_po_says_why(
    cargo_master, queue, purchase_order, buyer_client, change, reason
):
    for field, value in change.items():
        setattr(cargo_master, field, value)
    cargo_master.save()
    send(purchase_order)

    page = buyer_client.get(f"/purchase-orders/{purchase_order.pk}/").content.decode()

    assert not Reservation.objects.exists()
    assert reason in page


def test_a_vendor_without_a_code_reserves_nothing_and_the_po_says_why(
    cargo_master, queue, purchase_order, buyer_client, vendor
):
    vendor.cargo_master_code = ""
    vendor.save()
    send(purchase_order)

    page = buyer_client.get(f"/purchase-orders/{purchase_order.pk}/").content.decode()

    assert not Reservation.objects.exists()
    assert "has no Cargo Master code, so it does not ship with Cargo Master." in page


def test_the_po_page_polls_while_the_reservation_is_in_flight_and_stops_after(
    cargo_master, queue, purchase_order, buyer_client
):
    send(purchase_order)
    url = reverse("integrations:reservation_panel", args=[purchase_order.pk])

    in_flight = buyer_client.get(url).content.decode()
    queue.drain()
    done = buyer_client.get(url).content.decode()

    assert 'hx-trigger="every 1s"' in in_flight
    assert "Queued" in in_flight
    assert 'hx-trigger="every 1s"' not in done
    assert reservation_of(purchase_order).number in done


def test_another_companys_reservation_panel_is_not_found(
    cargo_master, queue, other_purchase_order, buyer_client
):
    url = reverse("integrations:reservation_panel", args=[other_purchase_order.pk])
    assert buyer_client.get(url).status_code == 404


# Sweep and logging --------------------------------------------------------------


def test_the_sweep_requeues_work_whose_message_was_lost(
    cargo_master, queue, purchase_order
):
    send(purchase_order)
    queue.messages.clear()  # the broker lost it
    ReservationOperation.objects.update(
        queued_at=timezone.now() - dt.timedelta(minutes=10)
    )

    assert services.reservations_sweep() == 1
    assert queue.reservation_ids() == [reservation_of(purchase_order).pk]
    assert services.reservations_sweep() == 0


def test_the_sweep_leaves_work_a_live_worker_holds(cargo_master, queue, purchase_order):
    send(purchase_order)
    ReservationOperation.objects.update(
        queued_at=timezone.now() - dt.timedelta(minutes=10)
    )
    Reservation.objects.update(lease_until=timezone.now() + dt.timedelta(seconds=30))

    assert services.reservations_sweep() == 0


def test_each_attempt_is_logged_with_its_context_and_without_secrets(
    cargo_master, queue, sandbox, purchase_order, caplog
):
    caplog.set_level(logging.INFO)
    send(purchase_order)
    queue.drain()

    reservation = reservation_of(purchase_order)
    line = next(
        r.getMessage() for r in caplog.records if "outcome=ok" in r.getMessage()
    )
    assert f"company={purchase_order.company_id}" in line
    assert f"po={purchase_order.number}" in line
    assert f"reservation={reservation.pk}" in line
    assert "attempt=1" in line and "duration_ms=" in line
    assert DEMO_PASSWORD not in caplog.text
    assert "Bearer" not in caplog.text
    for attempt in ReservationAttempt.objects.all():
        assert DEMO_PASSWORD not in str(attempt.request_body)
        assert "access_token" not in str(attempt.response_body) or (
            "[redacted]" in str(attempt.response_body)
        )
