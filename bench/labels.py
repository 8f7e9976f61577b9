#!/usr/bin/env python
"""Benchmark: render box labels for N boxes (pure rendering, no database, no network).

Label data comes from the shared Valentine's week dataset (vendors.csv and
purchase_orders.csv: real-looking farm names with accents, products, mark codes,
box types), taking PO lines in file order until N boxes; box codes are made the
way the sandbox makes them. Prints:

  - seconds to render the PDF (best of --repeat runs, without tracing),
  - peak Python heap during one render, measured with tracemalloc (a separate,
    traced run, since tracing slows the render down),
  - the process's peak resident set size (resource.getrusage ru_maxrss), which
    includes the interpreter, reportlab and the fonts,
  - the PDF's size.

    .venv/bin/python bench/labels.py [--boxes 1000] [--size 4x3|4x6] [--repeat 3]
        [--data /work/shared/data] [--scan]

--scan also decodes every barcode with pdftoppm + zbarimg (poppler-utils,
zbar-tools) and checks them against the box codes; it is not part of the timing.
"""

import argparse
import csv
import datetime as dt
import itertools
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from integrations.labels import LabelData, render_labels  # noqa: E402

DEFAULT_DATA = Path("/work/shared/data")


def main() -> None:
    options = _arguments()
    labels = _labels(options.data, options.boxes)

    seconds = min(_timed(labels, options.size) for _ in range(options.repeat))
    tracemalloc.start()
    pdf = render_labels(labels, size=options.size)
    _, peak_heap = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # Linux reports ru_maxrss in kilobytes.
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    print(f"labels: {len(labels)} boxes, {options.size} inches")
    print(f"render: {seconds:.2f} s (best of {options.repeat})")
    print(f"peak Python heap (tracemalloc): {peak_heap / 2**20:.1f} MB")
    print(f"peak process RSS (getrusage ru_maxrss): {peak_rss / 2**20:.1f} MB")
    print(f"PDF: {len(pdf) / 2**20:.2f} MB, {len(pdf) / len(labels):.0f} bytes a label")
    if options.scan:
        _scan(pdf, [label.box_code for label in labels])


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boxes", type=int, default=1000)
    parser.add_argument("--size", choices=["4x3", "4x6"], default="4x3")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--scan", action="store_true")
    return parser.parse_args()


def _timed(labels: list[LabelData], size: str) -> float:
    started = time.perf_counter()
    render_labels(labels, size=size)
    return time.perf_counter() - started


def _labels(data: Path, boxes: int) -> list[LabelData]:
    vendors = {row["code"]: row for row in _rows(data / "vendors.csv")}
    labels: list[LabelData] = []
    by_po = itertools.groupby(
        _rows(data / "purchase_orders.csv"), key=lambda row: row["po_reference"]
    )
    for po_number, (_, lines) in enumerate(by_po, start=1001):
        lines = list(lines)
        vendor = vendors[lines[0]["vendor_code"]]
        reservation = f"CM{po_number:06d}"
        total = sum(int(line["boxes"]) for line in lines)
        sequence = itertools.count(1)
        for line in lines:
            for _ in range(int(line["boxes"])):
                number = next(sequence)
                labels.append(
                    LabelData(
                        importer="Acme Flowers Miami",
                        vendor_name=vendor["name"],
                        vendor_code=vendor["cargo_master_code"] or "NONE",
                        po_number=po_number,
                        reservation_number=reservation,
                        ship_date=dt.date.fromisoformat(line["ship_date"]),
                        origin=vendor["origin"],
                        destination="MIA",
                        product=line["product_description"],
                        box_type=line["box_type"],
                        mark_code=line["mark_code"],
                        box_number=number,
                        box_total=total,
                        box_code=f"{reservation}-{number:05d}",
                        reprint=po_number % 10 == 0,
                    )
                )
                if len(labels) == boxes:
                    return labels
    raise SystemExit(f"{data} holds only {len(labels)} boxes, not {boxes}.")


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise SystemExit(f"Missing {path}; pass --data with vendors.csv and POs.")
    with path.open(encoding="utf-8", newline="") as source:
        return list(csv.DictReader(source))


def _scan(pdf: bytes, expected: list[str]) -> None:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "labels.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "203", "-mono", str(source), f"{folder}/page"],
            check=True,
        )
        pages = sorted(str(page) for page in Path(folder).glob("page-*.pbm"))
        decoded = subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Scode128.enable", *pages],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.splitlines()
    matching = sum(a == b for a, b in zip(decoded, expected, strict=False))
    print(
        f"scan: {matching} of {len(expected)} barcodes decoded to their box code "
        f"({len(decoded)} decoded, {time.perf_counter() - started:.1f} s)"
    )


if __name__ == "__main__":
    main()
