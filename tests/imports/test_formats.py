"""Files as Excel writes them: workbooks, semicolons and BOMs, untidy headers."""

import datetime as dt
import re
import zipfile
from decimal import Decimal

import pytest

from imports.models import JobStatus, Kind
from purchase_orders.models import Product, PurchaseOrder

from .helpers import PO_HEADER, issues, po_row, run_import, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def only_line(reference: str):
    purchase_order = PurchaseOrder.objects.get(reference=reference)
    (line,) = purchase_order.lines.select_related("product", "box_type")
    return purchase_order, line


def test_a_workbook_with_typed_cells_imports_like_its_csv(catalog, tmp_path):
    row = po_row("VDAY27-90010")
    row[2] = dt.datetime(2027, 2, 4)  # a date cell
    row[7], row[9], row[10], row[11] = 3, 12.0, 25, 0.45  # numbers, one a float
    path = write_xlsx(tmp_path, [PO_HEADER, row])

    job = run_import(catalog, Kind.PURCHASE_ORDERS, path)

    assert (job.status, job.created_count, job.errors) == (JobStatus.FINISHED, 1, [])
    purchase_order, line = only_line("VDAY27-90010")
    assert purchase_order.ship_date == dt.date(2027, 2, 4)
    assert purchase_order.vendor.code == "FLOTA"
    assert (line.boxes, line.bunches_per_box, line.stems_per_bunch) == (3, 12, 25)
    assert line.unit_cost == Decimal("0.45")
    assert (line.box_type.code, line.mark_code) == ("HB", "GRC-ATL")


def test_a_bad_cell_in_a_workbook_names_its_spreadsheet_row(catalog, tmp_path):
    rows = [PO_HEADER, po_row("VDAY27-90011"), [], po_row("VDAY27-90012", boxes=2.5)]
    path = write_xlsx(tmp_path, rows)

    job = run_import(catalog, Kind.PURCHASE_ORDERS, path)

    assert issues(job) == [
        (
            4,
            "boxes",
            "Enter the number of boxes as a whole number above zero (found “2.5”).",
        )
    ]
    assert job.created_count == 1


def with_cached_error(path, cell: str, error: str):
    """The workbook as Excel saves a formula that fails: its error kept as value."""
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    formula_cell = re.search(rf'<c r="{cell}"[^>]*>.*?</c>', sheet).group(0)
    sheet = sheet.replace(
        formula_cell, f'<c r="{cell}" t="e"><f>1/0</f><v>{error}</v></c>'
    )
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as book:
        for name, content in parts.items():
            book.writestr(name, content)
    return path


def test_formula_cells_without_a_value_ask_for_values_not_say_empty(catalog, tmp_path):
    rows = [PO_HEADER, po_row("VDAY27-90013", boxes="=1/0")]
    path = write_xlsx(tmp_path, rows)

    job = run_import(catalog, Kind.PURCHASE_ORDERS, path)

    assert issues(job) == [
        (
            2,
            "boxes",
            "This cell holds the formula =1/0, saved without its value. Paste "
            "values instead of formulas (copy the column, then Paste Special > "
            "Values), and import the file again.",
        )
    ]
    assert not PurchaseOrder.objects.exists()


def test_a_formula_that_gives_an_error_names_the_error(catalog, tmp_path):
    rows = [PO_HEADER, po_row("VDAY27-90014", boxes="=1/0")]
    path = with_cached_error(write_xlsx(tmp_path, rows), "H2", "#DIV/0!")

    job = run_import(catalog, Kind.PURCHASE_ORDERS, path)

    assert issues(job) == [
        (
            2,
            "boxes",
            "This cell holds a formula that gives the error #DIV/0!. Type the "
            "value in instead, and import the file again.",
        )
    ]
    assert not PurchaseOrder.objects.exists()


def test_a_semicolon_csv_with_a_byte_order_mark_imports(catalog, tmp_path):
    rows = [
        PO_HEADER,
        po_row(
            "VDAY27-90020",
            product_description="Rosa Ñusta 50cm",
            product_code="RO-NUST-50",
        ),
    ]
    path = write_csv(tmp_path, rows, delimiter=";", bom=True)

    job = run_import(catalog, Kind.PURCHASE_ORDERS, path)

    assert (job.created_count, job.errors) == (1, [])
    _, line = only_line("VDAY27-90020")
    assert line.product.description == "Rosa Ñusta 50cm"
    assert line.unit_cost == Decimal("0.45")


def test_headers_match_whatever_their_case_and_spaces(catalog, tmp_path):
    header = [
        " PO_Reference",
        "Vendor Code ",
        "SHIP_DATE",
        "product_code",
        "Product Description",
        "mark_code",
        "Box_Type",
        " boxes ",
        "Unit Type",
        "bunches_per_box",
        "Stems_Per_Bunch",
        "UNIT_COST",
    ]
    path = write_csv(tmp_path, [header, po_row("VDAY27-90030")], bom=True)

    job = run_import(catalog, Kind.PURCHASE_ORDERS, path)

    assert (job.created_count, job.errors) == (1, [])


def test_an_unknown_product_is_created_from_its_code_and_description(catalog, tmp_path):
    row = po_row(
        "VDAY27-90040",
        product_code="hy-prwh-se",
        product_description="Hydrangea Premium White",
        unit_type="Stem",
        stems_per_bunch="1",
    )
    job = run_import(
        catalog, Kind.PURCHASE_ORDERS, write_csv(tmp_path, [PO_HEADER, row])
    )

    assert job.errors == []
    product = Product.objects.get(company=catalog, code="HY-PRWH-SE")
    assert (product.description, product.unit_type, product.stems_per_bunch) == (
        "Hydrangea Premium White",
        "stem",
        1,
    )


def test_an_unknown_product_without_a_description_is_refused(catalog, tmp_path):
    row = po_row("VDAY27-90041", product_code="HY-NEW", product_description="")
    job = run_import(
        catalog, Kind.PURCHASE_ORDERS, write_csv(tmp_path, [PO_HEADER, row])
    )

    assert issues(job) == [
        (
            2,
            "product_description",
            "Product HY-NEW is not in the catalog yet; write its description to "
            "create it.",
        )
    ]
    assert not PurchaseOrder.objects.exists()


def test_the_lines_of_a_po_may_be_apart_in_the_file(catalog, tmp_path):
    rows = [
        PO_HEADER,
        po_row("VDAY27-90050", boxes="1"),
        po_row("VDAY27-90051", boxes="5"),
        po_row("VDAY27-90050", boxes="2", mark_code="BLM-NY"),
    ]
    job = run_import(catalog, Kind.PURCHASE_ORDERS, write_csv(tmp_path, rows))

    assert (job.created_count, job.errors) == (2, [])
    split = PurchaseOrder.objects.get(reference="VDAY27-90050")
    assert list(split.lines.values_list("boxes", "mark_code")) == [
        (1, "GRC-ATL"),
        (2, "BLM-NY"),
    ]
