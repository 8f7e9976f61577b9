"""Bad rows refuse their PO with a message naming row and column; bad files refuse
everything. Either way nothing of a refused PO is stored."""

import pytest

from imports.models import ImportJob, JobStatus, Kind
from imports.reader import FileRefused
from purchase_orders.models import Product, PurchaseOrder

from .helpers import PO_HEADER, csv_bytes, issues, po_row, run_import, write_csv

pytestmark = pytest.mark.django_db

GOOD, BAD = "VDAY27-90001", "VDAY27-90002"
NEW_PRODUCT = "XX-NEW-01"  # only on the bad PO's good line
SAVE_AS = (
    "In Excel use File > Save As > “CSV UTF-8 (Comma delimited) (*.csv)” and "
    "import that file."
)


def file_with_a_bad_po(tmp_path, *, header=None, bad=None, both=None):
    """Row 2: a good PO. Rows 3-4: a PO whose row 4 has `bad` (both rows `both`)."""
    new_line = {"product_code": NEW_PRODUCT, "product_description": "New rose"}
    return write_csv(
        tmp_path,
        [
            PO_HEADER,
            po_row(GOOD),
            po_row(BAD, **new_line, **(both or {})),
            po_row(BAD, **(both or {}), **(bad or {})),
        ],
    )


def assert_only_the_good_po_was_imported(job):
    assert job.status == JobStatus.FINISHED
    assert (job.created_count, job.refused_count, job.rows_refused) == (1, 1, 2)
    assert list(PurchaseOrder.objects.values_list("reference", flat=True)) == [GOOD]
    assert not Product.objects.filter(code=NEW_PRODUCT).exists()
    assert job.outcomes == {GOOD: "created", BAD: "refused"}


WHOLE_BOXES = "Enter the number of boxes as a whole number above zero"


@pytest.mark.parametrize(
    ("bad", "column", "message"),
    [
        ({"boxes": "0"}, "boxes", f"{WHOLE_BOXES} (found “0”)."),
        ({"boxes": "-1"}, "boxes", f"{WHOLE_BOXES} (found “-1”)."),
        ({"boxes": "2.5"}, "boxes", f"{WHOLE_BOXES} (found “2.5”)."),
        (
            {"unit_cost": "0,45"},
            "unit_cost",
            "Write the number with a decimal point, such as 0.45 (found “0,45”, "
            "with a decimal comma).",
        ),
        (
            {"box_type": "XB"},
            "box_type",
            "No box type has the code “XB” (the company's box types: EB, FB, HB, "
            "QB). Add it by importing box types.",
        ),
        (
            {"unit_type": "box"},
            "unit_type",
            "Unknown unit type “box”: use stem or bunch.",
        ),
        (
            {"unit_cost": "-0.10"},
            "unit_cost",
            "The unit cost cannot be negative.",
        ),
        (
            {"boxes": "99999999999999999999"},
            "boxes",
            "A line holds at most 9,999 boxes (found “99999999999999999999”).",
        ),
        (
            {"bunches_per_box": "1001"},
            "bunches_per_box",
            "Enter at most 1,000 bunches per box (found “1001”).",
        ),
    ],
)
def test_a_bad_line_refuses_its_whole_po_and_says_where(
    catalog, tmp_path, bad, column, message
):
    job = run_import(
        catalog, Kind.PURCHASE_ORDERS, file_with_a_bad_po(tmp_path, bad=bad)
    )

    assert issues(job) == [(4, column, message)]
    assert_only_the_good_po_was_imported(job)


def test_an_unknown_vendor_is_reported_on_each_of_its_rows(catalog, tmp_path):
    path = file_with_a_bad_po(tmp_path, both={"vendor_code": "NOPE"})

    job = run_import(catalog, Kind.PURCHASE_ORDERS, path)

    message = (
        "No vendor has the code “NOPE”. Add it in Setup > Vendors or import the "
        "vendors first."
    )
    assert issues(job) == [(3, "vendor_code", message), (4, "vendor_code", message)]
    assert_only_the_good_po_was_imported(job)


def test_a_ship_date_that_does_not_exist_is_refused(catalog, tmp_path):
    path = file_with_a_bad_po(tmp_path, both={"ship_date": "2027-02-30"})

    job = run_import(catalog, Kind.PURCHASE_ORDERS, path)

    message = "There is no date 2027-02-30: check the day and the month."
    assert issues(job) == [(3, "ship_date", message), (4, "ship_date", message)]
    assert_only_the_good_po_was_imported(job)


def test_a_past_ship_date_is_refused_once_for_its_po(catalog, tmp_path):
    path = file_with_a_bad_po(tmp_path, both={"ship_date": "2027-01-10"})

    job = run_import(catalog, Kind.PURCHASE_ORDERS, path)

    assert issues(job) == [(3, "ship_date", "The ship date 2027-01-10 is in the past.")]
    assert_only_the_good_po_was_imported(job)


def test_a_ship_date_more_than_a_year_ahead_is_refused_once_for_its_po(
    catalog, tmp_path
):
    path = file_with_a_bad_po(tmp_path, both={"ship_date": "2028-02-04"})

    job = run_import(catalog, Kind.PURCHASE_ORDERS, path)

    assert issues(job) == [
        (3, "ship_date", "The ship date is more than a year ahead; check the year.")
    ]
    assert_only_the_good_po_was_imported(job)


def test_a_date_written_the_us_way_is_refused_rather_than_guessed(catalog, tmp_path):
    path = file_with_a_bad_po(tmp_path, both={"ship_date": "2/4/2027"})

    job = run_import(catalog, Kind.PURCHASE_ORDERS, path)

    assert issues(job)[0] == (
        3,
        "ship_date",
        "Write the ship date as YYYY-MM-DD, such as 2027-02-04 (found “2/4/2027”). "
        "In Excel, format the column as yyyy-mm-dd.",
    )
    assert_only_the_good_po_was_imported(job)


def test_lines_of_one_po_with_different_vendors_are_refused(catalog, tmp_path):
    path = file_with_a_bad_po(tmp_path, bad={"vendor_code": "ROSXI"})

    job = run_import(catalog, Kind.PURCHASE_ORDERS, path)

    assert issues(job) == [
        (
            4,
            "vendor_code",
            "Row 3 gives PO VDAY27-90002 the vendor FLOTA; all the lines of a PO "
            "need the same vendor.",
        )
    ]
    assert_only_the_good_po_was_imported(job)


def test_an_unquoted_decimal_comma_shows_as_values_beyond_the_last_column(
    catalog, tmp_path
):
    path = tmp_path / "orders.csv"
    lines = [",".join(PO_HEADER), ",".join(po_row(GOOD))]
    lines += [",".join(po_row(BAD, product_code=NEW_PRODUCT))]
    lines += [",".join(po_row(BAD))[: -len("0.45")] + "0,45"]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")

    job = run_import(catalog, Kind.PURCHASE_ORDERS, path)

    assert issues(job) == [
        (
            4,
            "",
            "This row has 1 value(s) to the right of the last column. A value with "
            "a comma, such as 0,45, must be in quotes or written 0.45.",
        )
    ]
    assert_only_the_good_po_was_imported(job)


# Files refused whole -----------------------------------------------------------


def test_a_missing_column_refuses_the_file_and_names_the_column(catalog, tmp_path):
    header = [column for column in PO_HEADER if column != "unit_cost"]
    path = write_csv(tmp_path, [header, po_row(GOOD)[:-1]])

    job = run_import(catalog, Kind.PURCHASE_ORDERS, path)

    assert job.status == JobStatus.REFUSED
    assert job.message == (
        "The header row (row 1) has no column unit_cost. The file's columns are: "
        "po_reference, vendor_code, ship_date, product_code, product_description, "
        "mark_code, box_type, boxes, unit_type, bunches_per_box, stems_per_bunch."
    )
    assert not PurchaseOrder.objects.exists()


def test_a_windows_1252_file_is_refused_naming_the_row(catalog, tmp_path):
    rows = [PO_HEADER, po_row(GOOD), po_row(BAD, product_description="Rosa Ñusta")]
    path = write_csv(tmp_path, rows, encoding="cp1252")

    job = run_import(catalog, Kind.PURCHASE_ORDERS, path)

    assert job.status == JobStatus.REFUSED
    assert job.message == (
        "Row 3 is not UTF-8 text (byte 0xD1, such as an “Ñ” or an accent saved as "
        f"Windows-1252). Nothing was imported. {SAVE_AS}"
    )
    # Row 2 was fine, but a file is read whole before anything is written.
    assert not PurchaseOrder.objects.exists()
    assert (job.rows_total, job.created_count, job.errors) == (0, 0, [])


def test_an_unclosed_quote_refuses_the_file_naming_its_row_and_column(
    catalog, tmp_path
):
    good = csv_bytes([PO_HEADER, po_row(GOOD)])
    unclosed = b'"' + csv_bytes([po_row(BAD), po_row("VDAY27-90003")])
    path = tmp_path / "orders.csv"
    path.write_bytes(good + unclosed)

    job = run_import(catalog, Kind.PURCHASE_ORDERS, path)

    assert job.status == JobStatus.REFUSED
    assert job.message == (
        'Row 3: the quote (") that opens the po_reference cell is not closed, so '
        "the cell runs on over the next 1 line(s) of the file. Close the quote or "
        "remove it (a cell cannot hold a line break), and import the file again. "
        "Nothing was imported."
    )
    assert not PurchaseOrder.objects.exists()
    assert job.errors == []


def test_a_cell_longer_than_the_csv_limit_is_refused_as_an_unclosed_quote(
    catalog, tmp_path
):
    path = tmp_path / "orders.csv"
    path.write_bytes(csv_bytes([PO_HEADER, po_row(GOOD)]) + b'"' + b"x" * 140_000)

    job = run_import(catalog, Kind.PURCHASE_ORDERS, path)

    assert job.status == JobStatus.REFUSED
    assert job.message == (
        'Row 3 has a cell longer than 131,072 characters: most likely a quote (") '
        "that opens a cell is not closed. Close the quote or remove it, and import "
        "the file again. Nothing was imported."
    )
    assert not PurchaseOrder.objects.exists()


def test_a_file_with_only_its_header_is_refused(catalog, tmp_path):
    job = run_import(
        catalog, Kind.PURCHASE_ORDERS, write_csv(tmp_path, [PO_HEADER, [], []])
    )

    assert job.status == JobStatus.REFUSED
    assert job.message == (
        "orders.csv has a header row but no rows to import below it."
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("orders.csv", b"", "orders.csv is empty."),
        (
            "orders.pdf",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
            "orders.pdf is not a CSV (.csv) or Excel (.xlsx) file. Save the "
            "spreadsheet as one of those and import that file.",
        ),
        (
            "orders.csv",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "orders.csv is named .csv but does not hold CSV text.",
        ),
        (
            "orders.xlsx",
            b"po_reference,vendor_code\n",
            "orders.xlsx is named .xlsx but does not hold an Excel workbook.",
        ),
        (
            "orders.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
            "orders.xls is an old Excel workbook (.xls). Save it as an Excel "
            "workbook (.xlsx) or as CSV UTF-8, and import that file.",
        ),
    ],
)
def test_a_file_that_is_no_csv_or_workbook_is_refused_before_a_job_exists(
    catalog, tmp_path, media_root, name, content, message
):
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(FileRefused) as refused:
        run_import(catalog, Kind.PURCHASE_ORDERS, path)

    assert str(refused.value) == message
    assert not ImportJob.objects.filter(kind=Kind.PURCHASE_ORDERS).exists()
    assert not list((media_root / "imports").glob("*/purchase_orders/*"))


def test_a_file_over_the_size_limit_is_refused(catalog, tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 100
    path = write_csv(tmp_path, [PO_HEADER, po_row(GOOD)])

    with pytest.raises(FileRefused) as refused:
        run_import(catalog, Kind.PURCHASE_ORDERS, path)

    assert str(refused.value) == (
        # filesizeformat keeps number and unit together with a no-break space.
        f"orders.csv is {path.stat().st_size}\xa0bytes; files up to 100\xa0bytes "
        "can be imported. Split it into smaller files."
    )
