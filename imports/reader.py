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
from dataclasses import dataclass, field
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
class UnreadableCell:
    """A workbook cell with no value to import: a formula's error (#DIV/0!), or a
    formula whose value the file does not hold (saved by a program that does not
    calculate, as openpyxl reads it with data_only=True: None)."""

    text: str  # "#DIV/0!" or "=1/0"
    is_error: bool

    def __str__(self) -> str:
        return self.text

    @property
    def message(self) -> str:
        if self.is_error:
            return (
                f"This cell holds a formula that gives the error {self.text}. "
                "Type the value in instead, and import the file again."
            )
        return (
            f"This cell holds the formula {self.text}, saved without its value. "
            "Paste values instead of formulas (copy the column, then Paste "
            "Special > Values), and import the file again."
        )


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    raw: tuple[Any, ...]  # the cells as read, for writing the file back
    values: dict[str, str]  # column name (normalized) -> the cell's text, stripped
    extra_values: int = 0  # non-empty cells to the right of the last named column
    # column -> why its workbook cell has no value to import (UnreadableCell)
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def is_blank(self) -> bool:
        return (
            not any(self.values.values())
            and not self.extra_values
            and not self.problems
        )


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
        self.columns: list[str] = []  # known once the header is read
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
                problems = {
                    column: cells[index].message
                    for index, column in enumerate(self.columns)
                    if column
                    and index < len(cells)
                    and isinstance(cells[index], UnreadableCell)
                }
                yield Row(
                    number=number,
                    raw=cells,
                    values=values,
                    extra_values=extra,
                    problems=problems,
                )
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
                    self._check_quotes(record, lines.records)
                    yield record
            except csv.Error as error:
                raise FileRefused(self._csv_error(error, lines.records + 1)) from None

    def _check_quotes(self, record: list[str], number: int) -> None:
        # No column of any import holds a line break, so a cell with one is a
        # quote that was opened and not closed: it swallowed the rows below it,
        # and every row number after it would be wrong. Refuse the file.
        for index, cell in enumerate(record):
            if "\n" in cell or "\r" in cell:
                swallowed = len(cell.splitlines()) - 1 or 1
                raise FileRefused(
                    f'Row {number}: the quote (") that opens the '
                    f"{self._column_label(index)} cell is not closed, so the cell "
                    f"runs on over the next {swallowed} line(s) of the file. Close "
                    "the quote or remove it (a cell cannot hold a line break), "
                    "and import the file again. Nothing was imported."
                )

    def _csv_error(self, error: csv.Error, number: int) -> str:
        if "field larger than field limit" in str(error):
            return (
                f"Row {number} has a cell longer than {csv.field_size_limit():,} "
                'characters: most likely a quote (") that opens a cell is not '
                "closed. Close the quote or remove it, and import the file again. "
                "Nothing was imported."
            )
        return f"Row {number} cannot be read as CSV ({error}). Nothing was imported."

    def _column_label(self, index: int) -> str:
        if index < len(self.columns) and self.columns[index]:
            return self.columns[index]
        return f"column {index + 1}"

    def _xlsx_records(self) -> Iterator[tuple[Any, ...]]:
        # Read twice side by side: for values (Excel's cached results) and for
        # formulas, so a formula saved without its value is named, not "empty".
        values, formulas = self._open_workbook(True), self._open_workbook(False)
        try:
            rows = zip(
                values.worksheets[0].iter_rows(),
                formulas.worksheets[0].iter_rows(),
                strict=False,
            )
            for value_row, formula_row in rows:
                yield tuple(map(_xlsx_value, value_row, formula_row))
        finally:
            values.close()
            formulas.close()

    def _open_workbook(self, data_only: bool):
        try:
            return openpyxl.load_workbook(
                self.path, read_only=True, data_only=data_only
            )
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
            raise FileRefused(
                f"{self.name} cannot be opened as an Excel workbook ({error})."
            ) from None


def _xlsx_value(cell, formula_cell) -> Any:
    if cell.data_type == "e":
        return UnreadableCell(str(cell.value), is_error=True)
    if cell.value is None and formula_cell.data_type == "f":
        # An array formula's value is an object holding the formula's text.
        formula = getattr(formula_cell.value, "text", formula_cell.value)
        return UnreadableCell(str(formula), is_error=False)
    return cell.value


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
