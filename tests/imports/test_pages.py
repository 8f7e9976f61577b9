"""Purchase Orders > Import and Setup > Vendors > Import: upload, progress, results."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from imports.models import ImportJob, JobStatus, Kind
from purchase_orders.models import PurchaseOrder, Status

from .helpers import DATA, PO_HEADER, csv_bytes, po_row, write_xlsx

pytestmark = pytest.mark.django_db

ZERO_BOXES = (
    "Refused: boxes: Enter the number of boxes as a whole number above zero "
    "(found “0”)."
)


@pytest.fixture
def upload(celery_eager, django_capture_on_commit_callbacks):
    """Post a file to an import page; the queued job runs in-process at commit."""

    def post(client, kind: str, name: str, content: bytes):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("imports:new", args=[kind]),
                {"file": SimpleUploadedFile(name, content)},
            )

    return post


def good_and_bad_pos() -> bytes:
    rows = [PO_HEADER, po_row("A-1"), po_row("B-1", boxes="0")]
    return csv_bytes(rows, delimiter=";", bom=True)


def url(name: str, job: ImportJob) -> str:
    return reverse(f"imports:{name}", args=[job.pk])


def test_the_po_list_links_to_the_import_page(buyer_client):
    page = buyer_client.get(reverse("purchase_orders:list"))

    assert reverse("imports:new", args=["purchase-orders"]).encode() in page.content


def test_the_vendor_list_links_to_vendor_and_box_type_imports(buyer_client):
    page = buyer_client.get(reverse("vendors:list")).content.decode()

    assert reverse("imports:new", args=["vendors"]) in page
    assert reverse("imports:new", args=["box-types"]) in page


def test_the_import_page_lists_the_columns_and_recent_imports(buyer_client, catalog):
    page = buyer_client.get(reverse("imports:new", args=["vendors"])).content.decode()

    assert "<code>cargo_master_code</code>" in page
    assert "Only administrators set Cargo Master codes" in page
    assert "vendors.csv" in page  # the catalog fixture's import


def test_a_buyer_uploads_pos_and_follows_them_to_the_row_results(
    buyer_client, buyer, catalog, upload
):
    response = upload(buyer_client, "purchase-orders", "week6.csv", good_and_bad_pos())

    job = ImportJob.objects.get(kind=Kind.PURCHASE_ORDERS)
    assert response.status_code == 302
    assert response.url == url("detail", job)
    assert (job.status, job.created_by, job.file_name) == (
        JobStatus.FINISHED,
        buyer,
        "week6.csv",
    )
    number = PurchaseOrder.objects.get(reference="A-1").number

    page = buyer_client.get(response.url).content.decode()
    assert "<strong>1</strong> created" in page
    assert "(1 row)" in page
    assert "Enter the number of boxes as a whole number above zero" in page
    assert "Send all 1 PO of this import" in page

    partial = buyer_client.get(url("progress", job)).content.decode()
    assert "hx-trigger" not in partial  # finished: the page stops polling
    assert "<strong>1</strong> created" in partial

    download = buyer_client.get(url("results", job))
    assert download["Content-Disposition"] == (
        'attachment; filename="week6-results.csv"'
    )
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == [*PO_HEADER, "result"]
    assert rows[1] == [*po_row("A-1"), f"Created (PO {number})"]
    assert rows[2] == [*po_row("B-1", boxes="0"), ZERO_BOXES]


def test_the_progress_partial_polls_while_the_import_runs(buyer_client, acme):
    job = ImportJob.objects.create(
        company=acme,
        kind=Kind.PURCHASE_ORDERS,
        file="imports/1/purchase_orders/x.csv",
        file_name="x.csv",
        status=JobStatus.RUNNING,
        rows_total=10_000,
        rows_done=2_500,
    )

    partial = buyer_client.get(url("progress", job)).content.decode()

    assert f'hx-get="{url("progress", job)}"' in partial
    assert 'hx-trigger="every 1s"' in partial
    assert "Imported 2500 of 10000 rows (25%)" in partial
    results = buyer_client.get(url("results", job))
    assert results.status_code == 302


def test_send_all_sends_every_draft_of_the_import(
    buyer_client, catalog, upload, django_capture_on_commit_callbacks
):
    rows = [PO_HEADER, po_row("A-1"), po_row("A-2"), po_row("A-3")]
    upload(buyer_client, "purchase-orders", "week6.csv", csv_bytes(rows))
    job = ImportJob.objects.latest("pk")

    with django_capture_on_commit_callbacks(execute=True):
        response = buyer_client.post(url("send", job))

    assert response.url == url("detail", job)
    assert set(PurchaseOrder.objects.values_list("status", flat=True)) == {Status.SENT}
    job.refresh_from_db()
    assert (job.send_status, job.send_done, job.send_total) == ("finished", 3, 3)
    page = buyer_client.get(response.url).content.decode()
    assert "Sending 3 POs to their vendors." in page
    assert "Sent 3 of 3 POs to their vendors." in page
    assert "Send all" not in page


def test_a_workbook_comes_back_as_a_workbook_with_its_results(
    administrator_client, catalog, upload, tmp_path
):
    path = write_xlsx(tmp_path, [PO_HEADER, po_row("A-1"), po_row("B-1", boxes="0")])
    upload(administrator_client, "purchase-orders", "week6.xlsx", path.read_bytes())
    job = ImportJob.objects.latest("pk")

    download = administrator_client.get(url("results", job))

    assert download["Content-Disposition"] == (
        'attachment; filename="week6-results.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0] == (*PO_HEADER, "result")
    assert rows[2][-1] == ZERO_BOXES


INJECTED = {
    "product_description": "=cmd|' /C calc'!A0",
    "mark_code": "@SUM(A1)",
    "unit_cost": "+1+1",
}
DEFUSED = {
    "product_description": "'=cmd|' /C calc'!A0",
    "mark_code": "'@SUM(A1)",
    "unit_cost": "'+1+1",
}


def test_csv_results_defuse_formulas_but_keep_negative_numbers(
    buyer_client, catalog, upload
):
    rows = [PO_HEADER, po_row("-7", boxes="-1", **INJECTED)]
    upload(buyer_client, "purchase-orders", "week6.csv", csv_bytes(rows))
    job = ImportJob.objects.latest("pk")

    download = buyer_client.get(url("results", job))

    text = b"".join(download.streaming_content).decode("utf-8-sig")
    row = next(r for r in csv.reader(io.StringIO(text)) if r[0] == "-7")
    assert row[:-1] == po_row("-7", boxes="-1", **DEFUSED)
    assert row[-1].startswith("Refused: boxes:")


def test_workbook_results_write_formula_like_text_as_text(
    administrator_client, catalog, upload, tmp_path
):
    path = write_xlsx(tmp_path, [PO_HEADER])
    workbook = load_workbook(path)
    workbook.active.append(po_row("-7", boxes=-1, **INJECTED))
    for cell in workbook.active[2]:
        cell.data_type = "n" if isinstance(cell.value, int) else "s"  # no formulas
    workbook.save(path)
    upload(administrator_client, "purchase-orders", "week6.xlsx", path.read_bytes())
    job = ImportJob.objects.latest("pk")

    download = administrator_client.get(url("results", job))

    results = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    row = next(results.active.iter_rows(min_row=2, max_row=2))
    assert [cell.value for cell in row[:-1]] == po_row("-7", boxes=-1, **DEFUSED)
    assert {cell.data_type for cell in row} == {"s", "n"}
    assert row[PO_HEADER.index("boxes")].data_type == "n"


def test_a_buyers_vendor_file_shows_a_warning_for_each_ignored_code(
    buyer_client, acme, upload
):
    content = (DATA / "vendors.csv").read_bytes()
    response = upload(buyer_client, "vendors", "vendors.csv", content)

    page = buyer_client.get(response.url).content.decode()
    assert "<strong>40</strong> created" in page
    assert page.count("Warning: Ignored: only administrators set") == 37
    assert not acme.vendors.exclude(cargo_master_code="").exists()


def test_a_file_that_is_refused_on_upload_says_why_on_the_form(
    buyer_client, acme, upload
):
    response = upload(buyer_client, "purchase-orders", "orders.pdf", b"%PDF-1.7\n")

    assert response.status_code == 200
    assert "orders.pdf is not a CSV (.csv) or Excel (.xlsx) file." in (
        response.content.decode()
    )
    assert not ImportJob.objects.exists()


def test_a_file_refused_while_reading_says_why_on_the_job_page(
    buyer_client, catalog, upload
):
    content = csv_bytes([PO_HEADER, po_row("A-1", product_description="Ñusta")])
    upload(
        buyer_client, "purchase-orders", "po.csv", content.replace(b"\xc3\x91", b"\xd1")
    )
    job = ImportJob.objects.latest("pk")

    page = buyer_client.get(url("detail", job)).content.decode()
    assert "The file was refused; nothing was imported." in page
    assert "Row 2 is not UTF-8 text" in page


def test_operations_users_cannot_import(operations_client, acme):
    page = operations_client.get(reverse("imports:new", args=["purchase-orders"]))

    assert page.status_code == 403


def test_another_companys_job_is_not_found(other_client, buyer_client, catalog, upload):
    upload(buyer_client, "purchase-orders", "week6.csv", good_and_bad_pos())
    job = ImportJob.objects.latest("pk")

    for name in ("detail", "progress", "results"):
        assert other_client.get(url(name, job)).status_code == 404
    assert other_client.post(url("send", job)).status_code == 404
    assert not PurchaseOrder.objects.filter(status=Status.SENT).exists()


def test_an_unknown_kind_of_import_is_not_found(buyer_client):
    assert buyer_client.get("/imports/pallets/new/").status_code == 404
