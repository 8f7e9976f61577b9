"""Importing a file again changes only what the file changes."""

import datetime as dt

import pytest

from imports.importers.purchase_orders import PurchaseOrderImporter
from imports.models import Kind
from integrations.models import OperationKind, OperationState, ReservationOperation
from purchase_orders.models import (
    BoxType,
    PurchaseOrder,
    PurchaseOrderLine,
    Status,
)
from purchase_orders.services import (
    purchase_order_cancel,
    purchase_order_create,
    purchase_order_send,
)
from tests.fixtures.personas import line_input, make_product
from vendors.models import Vendor

from .helpers import DATA, PO_HEADER, issues, po_row, run_import, write_csv


def line_ids(reference: str) -> list[int]:
    return list(
        PurchaseOrderLine.objects.filter(
            purchase_order__reference=reference
        ).values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_importing_the_same_file_again_creates_nothing_and_touches_nothing(catalog):
    first = run_import(catalog, Kind.PURCHASE_ORDERS, DATA / "purchase_orders.csv")
    before = dict(PurchaseOrder.objects.values_list("reference", "updated_at"))
    lines_before = set(PurchaseOrderLine.objects.values_list("pk", flat=True))

    again = run_import(catalog, Kind.PURCHASE_ORDERS, DATA / "purchase_orders.csv")

    assert (first.created_count, again.created_count) == (400, 0)
    assert (again.unchanged_count, again.updated_count, again.refused_count) == (
        400,
        0,
        0,
    )
    assert PurchaseOrder.objects.count() == 400
    assert dict(PurchaseOrder.objects.values_list("reference", "updated_at")) == before
    assert set(PurchaseOrderLine.objects.values_list("pk", flat=True)) == lines_before
    assert again.purchase_orders.count() == 400


@pytest.mark.django_db
def test_a_changed_line_updates_the_draft_and_leaves_its_other_pos_alone(
    catalog, tmp_path
):
    rows = [PO_HEADER, po_row("A-1"), po_row("A-1", mark_code="BLM-NY"), po_row("B-1")]
    run_import(catalog, Kind.PURCHASE_ORDERS, write_csv(tmp_path, rows))
    draft = PurchaseOrder.objects.get(reference="A-1")
    PurchaseOrder.objects.filter(pk=draft.pk).update(notes="Call before loading")
    untouched = line_ids("B-1")

    rows[2] = po_row("A-1", mark_code="BLM-NY", boxes="7")
    job = run_import(catalog, Kind.PURCHASE_ORDERS, write_csv(tmp_path, rows))

    assert (job.updated_count, job.unchanged_count) == (1, 1)
    updated = PurchaseOrder.objects.get(reference="A-1")
    assert (updated.number, updated.status) == (draft.number, Status.DRAFT)
    assert updated.notes == "Call before loading"
    assert list(updated.lines.values_list("mark_code", "boxes")) == [
        ("GRC-ATL", 2),
        ("BLM-NY", 7),
    ]
    assert line_ids("B-1") == untouched


@pytest.mark.django_db
def test_a_change_to_a_cancelled_po_is_refused(catalog, tmp_path):
    rows = [PO_HEADER, po_row("A-1")]
    run_import(catalog, Kind.PURCHASE_ORDERS, write_csv(tmp_path, rows))
    cancelled = purchase_order_cancel(
        purchase_order=PurchaseOrder.objects.get(reference="A-1")
    )

    rows[1] = po_row("A-1", boxes="9")
    job = run_import(catalog, Kind.PURCHASE_ORDERS, write_csv(tmp_path, rows))

    assert issues(job) == [
        (
            2,
            "po_reference",
            f"PO {cancelled.number} (A-1) is Cancelled and can no longer be changed.",
        )
    ]
    assert list(cancelled.lines.values_list("boxes", flat=True)) == [2]


@pytest.mark.django_db(transaction=True)
def test_a_changed_line_of_a_sent_po_amends_its_reservation(
    cargo_master, queue, sandbox, catalog, tmp_path
):
    rows = [PO_HEADER, po_row("A-1", boxes="2")]
    run_import(catalog, Kind.PURCHASE_ORDERS, write_csv(tmp_path, rows))
    purchase_order_send(purchase_order=PurchaseOrder.objects.get(reference="A-1"))
    queue.drain()

    rows[1] = po_row("A-1", boxes="5")
    job = run_import(catalog, Kind.PURCHASE_ORDERS, write_csv(tmp_path, rows))
    queue.drain()

    assert job.updated_count == 1
    amend = ReservationOperation.objects.get(kind=OperationKind.AMEND)
    assert amend.state == OperationState.SUCCEEDED
    assert amend.body["totals"] == {"boxes": 5, "fbe": "2.500"}
    assert sandbox.counters()["calls_by_kind"]["amend"] == 1

    again = run_import(catalog, Kind.PURCHASE_ORDERS, write_csv(tmp_path, rows))
    queue.drain()

    assert again.unchanged_count == 1
    assert sandbox.counters()["calls_by_kind"]["amend"] == 1


@pytest.mark.django_db
def test_a_po_saved_meanwhile_by_someone_else_is_refused_and_the_others_go_in(
    catalog, tmp_path, monkeypatch
):
    rows = [PO_HEADER, po_row("A-1", boxes="3"), po_row("A-2"), po_row("A-3")]
    create_all = PurchaseOrderImporter.create_all

    def someone_saves_a_1_first(importer, orders):
        line = line_input(make_product(catalog), BoxType.objects.get(code="QB"))
        purchase_order_create(
            company=catalog,
            vendor=Vendor.objects.get(code="ROSXI"),
            ship_date=dt.date(2027, 2, 5),
            lines=[line],
            reference="A-1",
        )
        return create_all(importer, orders)

    monkeypatch.setattr(PurchaseOrderImporter, "create_all", someone_saves_a_1_first)
    job = run_import(catalog, Kind.PURCHASE_ORDERS, write_csv(tmp_path, rows))

    assert issues(job) == [
        (
            2,
            "po_reference",
            "PO A-1 was saved by someone else at the same moment; import the file "
            "again to update it.",
        )
    ]
    assert (job.created_count, job.refused_count) == (2, 1)
    theirs = PurchaseOrder.objects.get(reference="A-1")
    assert (theirs.vendor.code, list(theirs.lines.values_list("boxes", flat=True))) == (
        "ROSXI",
        [2],
    )
    assert set(job.purchase_orders.values_list("reference", flat=True)) == {
        "A-2",
        "A-3",
    }
