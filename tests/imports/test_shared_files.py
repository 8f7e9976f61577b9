"""The shared Valentine's files, imported and sent, end at Cargo Master."""

import csv

import pytest

from imports.models import JobStatus, Kind
from imports.services import import_job_send_request
from integrations.models import Reservation, ReservationStatus
from integrations.selectors import cargo_master_state
from purchase_orders.models import PurchaseOrder, PurchaseOrderLine, Status

from .helpers import DATA, run_import

pytestmark = pytest.mark.django_db(transaction=True)

VENDORS_WITHOUT_CODE = {"FLOTO", "FLOUA", "FLOBO"}


def references_of(vendor_codes: set[str]) -> set[str]:
    with (DATA / "purchase_orders.csv").open(encoding="utf-8") as source:
        return {
            row["po_reference"]
            for row in csv.DictReader(source)
            if row["vendor_code"] in vendor_codes
        }


def test_importing_and_sending_every_po_reserves_those_of_vendors_with_a_code(
    cargo_master, queue, sandbox, catalog, acme
):
    job = run_import(acme, Kind.PURCHASE_ORDERS, DATA / "purchase_orders.csv")
    assert job.status == JobStatus.FINISHED
    assert (job.rows_total, job.created_count, job.rows_refused) == (1041, 400, 0)
    assert (
        PurchaseOrderLine.objects.filter(purchase_order__company=acme).count() == 1041
    )

    assert import_job_send_request(job=job, user=None, run_now=True) == 400
    queue.drain()

    purchase_orders = list(
        PurchaseOrder.objects.filter(company=acme).select_related("vendor", "company")
    )
    assert {po.status for po in purchase_orders} == {Status.SENT}
    with_code = [po for po in purchase_orders if po.vendor.cargo_master_code]
    without_code = [po for po in purchase_orders if not po.vendor.cargo_master_code]
    assert {po.vendor.code for po in without_code} == VENDORS_WITHOUT_CODE
    assert {po.reference for po in without_code} == references_of(VENDORS_WITHOUT_CODE)
    assert len(without_code) == 30

    # One reservation per PO at Cargo Master, by the sandbox's own count.
    reserved = sandbox.counters()["reservations_by_reference"]
    assert reserved == {str(po.number): 1 for po in with_code}
    assert Reservation.objects.filter(
        status=ReservationStatus.RESERVED, active=True
    ).count() == len(with_code)
    for purchase_order in without_code:
        reason = cargo_master_state(purchase_order).reason
        assert "has no Cargo Master code" in reason
        assert purchase_order.vendor.name in reason
