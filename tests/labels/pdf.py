"""Read a labels PDF the way a person and a scanner would, with Debian's tools.

pdftoppm (poppler-utils) prints each page as a 1-bit image at 203 dpi, like a
thermal label printer; zbarimg (zbar-tools) scans the Code 128 barcodes from those
images; pdftotext and pdfinfo read the text layer and the page size.
"""

import re
import subprocess
import tempfile
from html import unescape
from pathlib import Path

PRINTER_DPI = "203"


def _run(*command: str, check: bool = True) -> str:
    return subprocess.run(
        command, capture_output=True, text=True, check=check, timeout=120
    ).stdout


def scanned_barcodes(pdf: bytes) -> list[str]:
    """Each page's decoded Code 128 value, in page order."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "labels.pdf"
        source.write_bytes(pdf)
        _run("pdftoppm", "-r", PRINTER_DPI, "-mono", str(source), f"{folder}/page")
        pages = sorted(Path(folder).glob("page-*.pbm"))
        # zbarimg exits 4 when an image holds no barcode; the count tells.
        output = _run(
            "zbarimg",
            "--quiet",
            "--raw",
            "-Sdisable",
            "-Scode128.enable",
            *map(str, pages),
            check=False,
        )
    return output.splitlines()


def text(pdf: bytes) -> str:
    return _run_with_file(pdf, "pdftotext", "-enc", "UTF-8", "{file}", "-")


def words_by_page(pdf: bytes) -> list[list[str]]:
    """The words on each page, from pdftotext's bounding-box output."""
    html = _run_with_file(pdf, "pdftotext", "-bbox", "-enc", "UTF-8", "{file}", "-")
    pages = html.split("<page ")[1:]
    return [
        [unescape(word) for word in re.findall(r"<word [^>]*>([^<]*)</word>", page)]
        for page in pages
    ]


def page_size_points(pdf: bytes) -> tuple[float, float]:
    info = _run_with_file(pdf, "pdfinfo", "{file}")
    found = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    return float(found.group(1)), float(found.group(2))


def page_count(pdf: bytes) -> int:
    info = _run_with_file(pdf, "pdfinfo", "{file}")
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def _run_with_file(pdf: bytes, *command: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as source:
        source.write(pdf)
        source.flush()
        return _run(*(part.replace("{file}", source.name) for part in command))
