"""End to end with a real Celery worker process, the broker, and the sandbox."""

import pytest

from integrations.models import Reservation, ReservationStatus
from purchase_orders.services import purchase_orders_send
from tests.fixtures.personas import line_input, make_purchase_order
from tests.fixtures.worker import WorkerProcess, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def reserved_count(orders) -> int:
    return Reservation.objects.filter(
        purchase_order__in=orders, status=ReservationStatus.RESERVED
    ).count()


def make_orders(acme, vendor, box_type, product, count: int):
    return [
        make_purchase_order(acme, vendor=vendor, lines=[line_input(product, box_type)])
        for _ in range(count)
    ]


def test_a_real_worker_reserves_sent_pos_within_seconds(
    cargo_master, celery_worker, sandbox, acme, vendor, box_type, product
):
    orders = make_orders(acme, vendor, box_type, product, 5)

    purchase_orders_send(company=acme, ids=[po.pk for po in orders])

    wait_until(lambda: reserved_count(orders) == 5, seconds=60, what="5 reservations")
    by_reference = sandbox.counters()["reservations_by_reference"]
    assert [by_reference[str(po.number)] for po in orders] == [1] * 5


def test_killing_the_worker_mid_call_neither_loses_nor_doubles_a_reservation(
    cargo_master, celery_worker, worker_env, sandbox, acme, vendor, box_type, product
):
    orders = make_orders(acme, vendor, box_type, product, 3)
    # Cargo Master takes its time, so the worker is killed while calls are open;
    # the sandbox still stores what it received.
    sandbox.set_faults(latency_ms=1500)

    purchase_orders_send(company=acme, ids=[po.pk for po in orders])
    wait_until(
        lambda: sandbox.counters()["calls_by_kind"].get("create", 0) >= 1,
        what="a create call in flight",
    )
    celery_worker.kill()
    sandbox.set_faults(latency_ms=0)
    replacement = WorkerProcess(worker_env).start()
    try:
        # Beat's sweep finds the dead worker's work once its lease runs out.
        wait_until(lambda: reserved_count(orders) == 3, what="3 reservations")
    finally:
        replacement.stop()

    by_reference = sandbox.counters()["reservations_by_reference"]
    assert [by_reference[str(po.number)] for po in orders] == [1, 1, 1]


def test_a_message_lost_by_the_broker_is_recovered_by_the_sweep(
    cargo_master, worker_env, sandbox, acme, purchase_order
):
    from komet.celery import app

    purchase_orders_send(company=acme, ids=[purchase_order.pk])
    app.control.purge()  # as if Redis restarted empty

    worker = WorkerProcess(worker_env).start()
    try:
        wait_until(lambda: reserved_count([purchase_order]) == 1, what="the sweep")
    finally:
        worker.stop()
    assert sandbox.counters()["reservations_by_reference"] == {
        str(purchase_order.number): 1
    }
