"""manage.py import_vendors / import_box_types / import_purchase_orders."""

import io

import pytest
from django.core.management import CommandError, call_command

from imports.models import ImportJob
from purchase_orders.models import PurchaseOrder, Status
from vendors.models import Vendor

from .helpers import DATA, PO_HEADER, po_row, write_csv

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_commands_import_the_shared_files_and_print_a_summary(acme):
    vendors = run("import_vendors", str(DATA / "vendors.csv"), "--company", "acme")
    box_types = run(
        "import_box_types", str(DATA / "box_types.csv"), "--company", "acme"
    )
    orders = run(
        "import_purchase_orders", str(DATA / "purchase_orders.csv"), "--company", "acme"
    )

    assert vendors == (
        "vendors.csv: 40 rows. 40 created, 0 updated, 0 unchanged, 0 refused "
        "(0 rows).\n"
    )
    assert box_types.startswith("box_types.csv: 4 rows. 4 created,")
    assert orders.startswith("purchase_orders.csv: 1041 rows. 400 created,")
    # Run by an operator, the command sets Cargo Master codes as an admin would.
    assert Vendor.objects.get(code="FLOTA").cargo_master_code == "UIO07100"
    assert ImportJob.objects.count() == 3


def test_refused_rows_are_printed_and_make_the_command_fail(catalog, tmp_path):
    path = write_csv(tmp_path, [PO_HEADER, po_row("A-1"), po_row("B-1", boxes="0")])
    out = io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command(
            "import_purchase_orders", str(path), "--company", "acme", stdout=out
        )

    assert str(failed.value) == "1 row(s) were refused."
    assert out.getvalue().splitlines() == [
        "orders.csv: 2 rows. 1 created, 0 updated, 0 unchanged, 1 refused (1 rows).",
        "Row 3, boxes: Enter the number of boxes as a whole number above zero "
        "(found “0”).",
    ]
    assert list(PurchaseOrder.objects.values_list("reference", flat=True)) == ["A-1"]


def test_send_sends_the_imported_pos(catalog, tmp_path):
    path = write_csv(tmp_path, [PO_HEADER, po_row("A-1"), po_row("A-2")])

    out = run("import_purchase_orders", str(path), "--company", "acme", "--send")

    assert out.splitlines()[-1] == "Sent 2 of 2 POs to their vendors."
    assert set(PurchaseOrder.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_refused_file_and_an_unknown_company_fail_with_a_message(acme, tmp_path):
    empty = tmp_path / "orders.csv"
    empty.write_bytes(b"")

    with pytest.raises(CommandError, match=r"^orders\.csv is empty\.$"):
        run("import_purchase_orders", str(empty), "--company", "acme")
    with pytest.raises(CommandError, match=r"^No company has the code 'nope'\.$"):
        run("import_vendors", str(DATA / "vendors.csv"), "--company", "nope")
    with pytest.raises(CommandError, match="is not a file"):
        run("import_vendors", str(tmp_path / "missing.csv"), "--company", "acme")
