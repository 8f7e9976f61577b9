#!/usr/bin/env python
"""Benchmark: a 10,000-line purchase order file through `manage.py import_*`.

It writes vendors, box types and about 10,000 PO lines with the shared
make_po_dataset.py (../shared/tools beside this clone), migrates a fresh database
(Django's test database next to DATABASE_URL's, dropped at the end), creates a
company linked with Cargo Master in automatic mode, and imports the three files
through the same commands users run. It prints:

- lines per second of the PO import (wall clock, whole command);
- peak memory: the process's peak resident set (ru_maxrss, which includes
  Python and Django themselves) and, with --tracemalloc, the peak of memory
  allocated by Python during the import (tracemalloc slows the import, so the
  rate of that run is not the figure to quote);
- how long sending takes: one PO list page (50 POs) through the Send POs
  service, and then the rest of the import's POs through the import's send.
  Messages go to an in-memory broker, since only the request's share is timed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/komet_bench \
        .venv/bin/python bench/imports.py [--lines 10000] [--tracemalloc]
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATASET_TOOL = ROOT.parent / "shared" / "tools" / "make_po_dataset.py"
LINES_PER_PO = 2.7  # what make_po_dataset.py writes on average
PAGE = 50  # POs on one page of the PO list

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/komet_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "komet.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from companies.models import Company  # noqa: E402
from imports.models import ImportJob, Kind  # noqa: E402
from imports.services import import_job_send_request  # noqa: E402
from integrations.models import CargoMasterSettings, Reservation, SendMode  # noqa: E402
from komet.celery import app as celery_app  # noqa: E402
from purchase_orders.services import purchase_orders_send  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args()
    if not DATASET_TOOL.is_file():
        sys.exit(f"{DATASET_TOOL} is missing: clone ../shared beside this folder.")

    celery_app.conf.broker_url = "memory://localhost/"
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="komet-bench-media-"))
    with tempfile.TemporaryDirectory() as folder:
        files = make_files(Path(folder), args.lines, args.seed)
        database = connection.creation.create_test_db(verbosity=0, serialize=False)
        try:
            run(files, database, trace=args.tracemalloc)
        finally:
            connection.creation.destroy_test_db(database, verbosity=0)


def make_files(folder: Path, lines: int, seed: int) -> Path:
    pos = round(lines / LINES_PER_PO)
    subprocess.run(
        [
            sys.executable,
            str(DATASET_TOOL),
            str(folder),
            "--pos",
            str(pos),
            "--seed",
            str(seed),
        ],
        check=True,
    )
    return folder


def run(folder: Path, database: str, *, trace: bool) -> None:
    company = Company.objects.create(code="bench", name="Bench Flowers")
    linked = CargoMasterSettings(
        company=company, username="bench", importer_code="KOMET01"
    )
    linked.send_mode = SendMode.AUTOMATIC
    linked.set_password("bench")
    linked.save()
    command = ["--company", company.code]
    call_command("import_vendors", str(folder / "vendors.csv"), *command)
    call_command("import_box_types", str(folder / "box_types.csv"), *command)

    rss_before = peak_rss_mb()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    call_command(
        "import_purchase_orders", str(folder / "purchase_orders.csv"), *command
    )
    seconds = time.perf_counter() - started
    traced_peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    tracemalloc.stop()

    job = ImportJob.objects.filter(kind=Kind.PURCHASE_ORDERS).get()
    size = (folder / "purchase_orders.csv").stat().st_size / 2**20
    print(f"\ndatabase {connection.vendor} ({database}), file {size:.1f} MB")
    print(f"{job.rows_total} lines, {job.created_count} POs in {seconds:.2f} s")
    print(f"  {job.rows_total / seconds:,.0f} lines per second")
    print(f"  peak RSS (ru_maxrss) {peak_rss_mb():.0f} MB ({rss_before:.0f} MB before)")
    if traced_peak is not None:
        print(f"  tracemalloc peak during the import {traced_peak:.1f} MB")
    measure_sending(company, job)


def measure_sending(company: Company, job: ImportJob) -> None:
    ids = list(job.purchase_orders.order_by("number").values_list("pk", flat=True))
    started = time.perf_counter()
    purchase_orders_send(company=company, ids=ids[:PAGE], user=None)
    page_seconds = time.perf_counter() - started

    started = time.perf_counter()
    rest = import_job_send_request(job=job, user=None, run_now=True)
    rest_seconds = time.perf_counter() - started

    reservations = Reservation.objects.filter(company=company).count()
    print(f"send one page ({PAGE} POs, Send POs service): {page_seconds:.2f} s")
    print(
        f"send the other {rest} POs of the import: {rest_seconds:.2f} s "
        f"({rest / rest_seconds:,.0f} POs per second); "
        f"{reservations} reservations queued"
    )


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


if __name__ == "__main__":
    main()
