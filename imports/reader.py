"""Reading an uploaded CSV or Excel file row by row, the same way for every import.

CSV is read as Excel writes it: UTF-8 with or without a byte-order mark, comma or
semicolon separated (the first line decides). Excel workbooks (.xlsx) are read
from their first sheet with openpyxl in read-only mode. Either way rows are
streamed, so a file of any length is read in bounded memory, and each row keeps
the number the user sees in the spreadsheet (the header is row 1).

A file that cannot be read raises FileRefused with a message for the user that
says what is wrong and where.
"""

import codecs
import csv
import datetime as dt
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

CSV, XLSX = "csv", "xlsx"
ZIP_SIGNATURE = b"PK\x03\x04"
OLD_EXCEL_SIGNATURE = b"\xd0\xcf\x11\xe0"
SAVE_AS_UTF8 = (
    "In Excel use File > Save As > “CSV UTF-8 (Comma delimited) (*.csv)” "
    "and import that file."
)


class FileRefused(Exception):
    """The file as a whole cannot be imported; the message is for the user."""


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    raw: tuple[Any, ...]  # the cells as read, for writing the file back
    values: dict[str, str]  # column name (normalized) -> the cell's text, stripped
    extra_values: int = 0  # non-empty cells to the right of the last named column

    @property
    def is_blank(self) -> bool:
        return not any(self.values.values()) and not self.extra_values


def column_name(header: Any) -> str:
    """Header cells match whatever their case and spacing: " Ship Date" = ship_date."""
    return "_".join(str(header or "").replace("\ufeff", "").lower().split())


def file_format(path: Path, name: str) -> str:
    """CSV or XLSX, from the file's name and first bytes; anything else is refused."""
    with path.open("rb") as binary:
        head = binary.read(4096)
    suffix = Path(name).suffix.lower()
    if not head:
        raise FileRefused(f"{name} is empty.")
    if suffix == ".xlsx" and head.startswith(ZIP_SIGNATURE):
        return XLSX
    if suffix == ".xls" or head.startswith(OLD_EXCEL_SIGNATURE):
        raise FileRefused(
            f"{name} is an old Excel workbook (.xls). Save it as an Excel "
            "workbook (.xlsx) or as CSV UTF-8, and import that file."
        )
    if suffix == ".csv" and b"\x00" not in head and not head.startswith(ZIP_SIGNATURE):
        return CSV
    if suffix in (".csv", ".xlsx"):
        raise FileRefused(
            f"{name} is named {suffix} but does not hold "
            f"{'CSV text' if suffix == '.csv' else 'an Excel workbook'}."
        )
    raise FileRefused(
        f"{name} is not a CSV (.csv) or Excel (.xlsx) file. "
        "Save the spreadsheet as one of those and import that file."
    )


class Table:
    """The rows of one file under its header; `rows()` reads the file anew each time."""

    def __init__(self, path: Path, *, name: str) -> None:
        self.path, self.name = path, name
        self.format = file_format(path, name)
        self.delimiter = self._sniff_delimiter() if self.format == CSV else ","
        records = self._records()
        try:
            header = next(records, None)
        finally:
            records.close()
        if header is None or not any(column_name(cell) for cell in header):
            raise FileRefused(f"{name} is empty: it has no header row.")
        self.header: tuple[Any, ...] = tuple(header)
        self.columns = [column_name(cell) for cell in header]
        duplicates = sorted(
            {c for c in self.columns if c and self.columns.count(c) > 1}
        )
        if duplicates:
            raise FileRefused(
                f"The header row names {', '.join(duplicates)} more than once."
            )

    def require(self, required: Iterable[str]) -> None:
        missing = [column for column in required if column not in self.columns]
        if missing:
            plural = "s" if len(missing) > 1 else ""
            raise FileRefused(
                f"The header row (row 1) has no column{plural} "
                f"{', '.join(missing)}. The file's columns are: "
                f"{', '.join(c for c in self.columns if c) or 'none'}."
            )

    def rows(self) -> Iterator[Row]:
        """Every row after the header, blank ones included (they keep numbering)."""
        records = self._records()
        width = len(self.columns)
        try:
            next(records, None)
            for number, record in enumerate(records, start=2):
                cells = tuple(record)
                values = {
                    column: cell_text(cells[index]) if index < len(cells) else ""
                    for index, column in enumerate(self.columns)
                    if column
                }
                extra = sum(1 for cell in cells[width:] if cell_text(cell))
                yield Row(number=number, raw=cells, values=values, extra_values=extra)
        finally:
            records.close()

    # Reading ----------------------------------------------------------------------

    def _records(self) -> Iterator[tuple[Any, ...] | list[str]]:
        if self.format == XLSX:
            return self._xlsx_records()
        return self._csv_records()

    def _sniff_delimiter(self) -> str:
        # Excel writes ";" where the decimal separator is a comma, "," elsewhere.
        with self.path.open("rb") as binary:
            first_line = _decode(binary.readline().removeprefix(codecs.BOM_UTF8), 1)
        return ";" if first_line.count(";") > first_line.count(",") else ","

    def _csv_records(self) -> Iterator[list[str]]:
        with self.path.open("rb") as binary:
            lines = _Utf8Lines(binary)
            reader = csv.reader(lines, delimiter=self.delimiter)
            try:
                for record in reader:
                    lines.records += 1
                    yield record
            except csv.Error as error:
                raise FileRefused(
                    f"Row {lines.records + 1} cannot be read as CSV ({error})."
                ) from None

    def _xlsx_records(self) -> Iterator[tuple[Any, ...]]:
        try:
            workbook = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
            raise FileRefused(
                f"{self.name} cannot be opened as an Excel workbook ({error})."
            ) from None
        try:
            sheet = workbook.worksheets[0]
            yield from sheet.iter_rows(values_only=True)
        finally:
            workbook.close()


class _Utf8Lines:
    """The file's lines as text, refusing the first one that is not UTF-8."""

    def __init__(self, binary) -> None:
        self.binary = binary
        self.records = 0  # complete CSV records read so far, to name the bad row

    def __iter__(self) -> Iterator[str]:
        for index, line in enumerate(self.binary):
            if index == 0:
                line = line.removeprefix(codecs.BOM_UTF8)
            yield _decode(line, self.records + 1)


def _decode(line: bytes, row: int) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = line[error.start : error.start + 1].hex().upper()
        raise FileRefused(
            f"Row {row} is not UTF-8 text (byte 0x{byte}, such as an “Ñ” or an "
            "accent saved as Windows-1252). Nothing was imported. " + SAVE_AS_UTF8
        ) from None


def cell_text(value: Any) -> str:
    """A cell as text: what a CSV of the same sheet would hold, stripped."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        # Workbooks keep every number as a float: 30.0 boxes are 30 boxes.
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()
