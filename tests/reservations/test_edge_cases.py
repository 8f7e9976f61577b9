"""Edge cases of the reservation engine: races, odd box types, lost answers."""

import threading
import time

import pytest
from django.db import connection
from django.urls import reverse

from integrations import sending, services
from integrations.clients import client_for
from integrations.models import (
    OperationKind,
    Reservation,
    ReservationOperation,
    ReservationStatus,
)
from purchase_orders.services import purchase_order_send, purchase_order_update
from tests.fixtures.personas import (
    line_input,
    make_box_type,
    make_purchase_order,
    make_vendor,
)

pytestmark = pytest.mark.django_db(transaction=True)


def edit(purchase_order, lines, vendor=None):
    return purchase_order_update(
        purchase_order=purchase_order,
        vendor=vendor or purchase_order.vendor,
        ship_date=purchase_order.ship_date,
        lines=lines,
    )


def active_reservation(purchase_order) -> Reservation:
    return Reservation.objects.get(purchase_order=purchase_order, active=True)


def test_an_edit_committed_while_the_body_is_built_is_not_lost(
    cargo_master, queue, sandbox, purchase_order, product, box_type, monkeypatch
):
    purchase_order_send(purchase_order=purchase_order)
    read_lines = sending._lines_of
    buyer = []

    def lines_then_the_buyer_edits(ids):
        lines = read_lines(ids)
        if not buyer:
            # The buyer's save runs in its own connection while the worker holds
            # the reservation's lock between reading the lines and freezing them.
            buyer.append(threading.Thread(target=edit_and_close))
            buyer[0].start()
            time.sleep(0.5)
        return lines

    def edit_and_close():
        try:
            edit(purchase_order, [line_input(product, box_type, boxes=9)])
        finally:
            connection.close()

    monkeypatch.setattr(sending, "_lines_of", lines_then_the_buyer_edits)
    queue.drain()
    buyer[0].join()
    queue.drain()

    reservation = active_reservation(purchase_order)
    at_cargo_master = client_for(cargo_master).get_reservation(reservation.number)
    assert at_cargo_master.totals.boxes == 9
    assert reservation.status == ReservationStatus.RESERVED


def test_one_operation_that_cannot_be_built_does_not_hold_up_its_batch(
    cargo_master, queue, sandbox, acme, purchase_order, product, box_type, vendor
):
    purchase_order_send(purchase_order=purchase_order)
    queue.drain()
    # A box type of the company's own, unknown to the standard FBE table.
    special = make_box_type(acme, code="SB", fbe="0.167")
    edit(purchase_order, [line_input(product, special)])
    other = make_purchase_order(
        acme, vendor=vendor, lines=[line_input(product, box_type)]
    )
    purchase_order_send(purchase_order=other)

    sending.reservations_process(
        reservation_ids=[
            active_reservation(purchase_order).pk,
            active_reservation(other).pk,
        ]
    )

    assert active_reservation(other).status == ReservationStatus.RESERVED
    amend = ReservationOperation.objects.get(kind=OperationKind.AMEND)
    assert amend.attempts == 1
    assert amend.state in ("succeeded", "failed")


def test_editing_a_po_whose_create_was_refused_leaves_it_failed_and_retryable(
    cargo_master, queue, sandbox, purchase_order, product, box_type
):
    purchase_order.vendor.cargo_master_code = "XXX99999"
    purchase_order.vendor.save()
    purchase_order_send(purchase_order=purchase_order)
    queue.drain()

    edit(purchase_order, [line_input(product, box_type, boxes=5)])
    queue.drain()

    reservation = active_reservation(purchase_order)
    assert reservation.status == ReservationStatus.FAILED
    purchase_order.vendor.cargo_master_code = "UIO07100"
    purchase_order.vendor.save()
    assert services.reservations_retry(reservation_ids=[reservation.pk]) == 1
    queue.drain()
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.RESERVED
    at_cargo_master = client_for(cargo_master).get_reservation(reservation.number)
    assert at_cargo_master.totals.boxes == 5


def test_cancelling_after_an_unanswered_create_cancels_that_one_not_its_successor(
    cargo_master, queue, sandbox, purchase_order, product, box_type, acme
):
    # Every answer to the old vendor's create is lost: stored, but never known.
    sandbox.set_faults(
        script=[{"fault": "commit_then_drop", "operation": "create", "times": 8}]
    )
    purchase_order_send(purchase_order=purchase_order)
    queue.drain()
    first = active_reservation(purchase_order)
    assert first.status == ReservationStatus.FAILED
    assert not first.number

    new_vendor = make_vendor(acme, code="ROSXI", cargo_master_code="UIO07137")
    edit(purchase_order, [line_input(product, box_type)], vendor=new_vendor)
    second = active_reservation(purchase_order)
    sending.reservations_process(reservation_ids=[second.pk])
    queue.drain()

    second.refresh_from_db()
    assert second.status == ReservationStatus.RESERVED
    found = client_for(cargo_master).find_reservations(str(purchase_order.number))
    assert {r.vendor_code: r.status for r in found} == {
        "UIO07100": "cancelled",
        "UIO07137": "confirmed",
    }


def test_a_password_the_keys_cannot_read_pauses_the_queue_with_the_reason(
    cargo_master, queue, purchase_order
):
    cargo_master.password_encrypted = "not-a-fernet-token"
    cargo_master.save(update_fields=["password_encrypted"])
    purchase_order_send(purchase_order=purchase_order)
    queue.drain()

    cargo_master.refresh_from_db()
    assert cargo_master.is_paused
    assert "enter it again" in cargo_master.credentials_rejected_reason
    assert active_reservation(purchase_order).status == ReservationStatus.HELD


def test_test_connection_with_an_unreadable_stored_password_says_so(
    cargo_master, administrator_client
):
    cargo_master.password_encrypted = "not-a-fernet-token"
    cargo_master.save(update_fields=["password_encrypted"])

    answer = administrator_client.post(
        reverse("integrations:test_connection"),
        {"username": "komet-demo", "importer_code": "KOMET01", "password": ""},
    )

    assert answer.status_code == 200
    assert "enter it again in Cargo Master Settings" in answer.text


def test_an_answer_to_old_credentials_does_not_pause_settings_saved_since(
    cargo_master, queue, purchase_order, monkeypatch
):
    cargo_master.set_password("wrong")
    cargo_master.save()
    purchase_order_send(purchase_order=purchase_order)
    call = sending._call

    def call_then_the_administrator_saves(operation):
        outcome = call(operation)
        fixed = type(cargo_master).objects.get(pk=cargo_master.pk)
        fixed.set_password("Orquídea-Ñ-2027")
        fixed.save()
        return outcome

    monkeypatch.setattr(sending, "_call", call_then_the_administrator_saves)
    sending.reservations_process(
        reservation_ids=[active_reservation(purchase_order).pk]
    )

    cargo_master.refresh_from_db()
    assert not cargo_master.is_paused
    assert queue.messages[-1].countdown == 0


def test_the_sweep_queues_each_reservation_once(cargo_master, queue, acme, vendor):
    import datetime as dt

    from django.utils import timezone

    orders = [make_purchase_order(acme, vendor=vendor) for _ in range(3)]
    for po in orders:
        purchase_order_send(purchase_order=po)
    reservation = active_reservation(orders[0])
    services.reservation_cancel(reservation=reservation, reason="test")
    ReservationOperation.objects.update(
        queued_at=timezone.now() - dt.timedelta(minutes=10)
    )
    queue.messages.clear()

    assert services.reservations_sweep() == 3
    assert sorted(queue.reservation_ids()) == sorted(
        Reservation.objects.values_list("pk", flat=True)
    )
