"""Writing test files and running imports the way the command does."""

import csv
import io
from pathlib import Path

from django.core.files import File
from openpyxl import Workbook

from imports import services
from imports.models import ImportJob, Kind

DATA = Path(__file__).parent / "data"
PO_HEADER = [
    "po_reference",
    "vendor_code",
    "ship_date",
    "product_code",
    "product_description",
    "mark_code",
    "box_type",
    "boxes",
    "unit_type",
    "bunches_per_box",
    "stems_per_bunch",
    "unit_cost",
]


def po_row(reference="VDAY27-90001", **overrides) -> list[str]:
    """One line of a PO for FLOTA (Flores La Ñusta), 2 HB of Freedom roses."""
    values = {
        "po_reference": reference,
        "vendor_code": "FLOTA",
        "ship_date": "2027-02-04",
        "product_code": "RO-FREE-50",
        "product_description": "Rose Freedom 50cm",
        "mark_code": "GRC-ATL",
        "box_type": "HB",
        "boxes": "2",
        "unit_type": "stem",
        "bunches_per_box": "12",
        "stems_per_bunch": "25",
        "unit_cost": "0.45",
    } | overrides
    return [values[column] for column in PO_HEADER]


def csv_bytes(rows: list[list], *, delimiter=",", bom=False, encoding="utf-8") -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + text.getvalue().encode(encoding)


def write_csv(folder: Path, rows: list[list], name="orders.csv", **options) -> Path:
    path = folder / name
    path.write_bytes(csv_bytes(rows, **options))
    return path


def write_xlsx(folder: Path, rows: list[list], name="orders.xlsx") -> Path:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    path = folder / name
    workbook.save(path)
    return path


def run_import(
    company, kind: Kind, path: Path, *, user=None, sets_codes=True
) -> ImportJob:
    """Create and run a job in-process, as `manage.py import_*` does."""
    with path.open("rb") as handle:
        job = services.import_job_create(
            company=company,
            kind=kind,
            file=File(handle),
            file_name=path.name,
            created_by=user,
            sets_cargo_master_codes=sets_codes,
        )
    return services.import_job_run(job_id=job.pk)


def issues(job: ImportJob) -> list[tuple[int, str, str]]:
    return [(i["row"], i["column"], i["message"]) for i in job.errors]
