"""The per-row results: the uploaded file again, with a `result` column added.

A CSV upload comes back as CSV (same separator, UTF-8 with a byte-order mark so
Excel shows accents right); a workbook comes back as a workbook. Both are
streamed from the stored file, so a long file never sits in memory whole.

Spreadsheet programs run a cell that starts with =, +, -, @, a tab or a carriage
return as a formula (`=cmd|' /C calc'!A0`), so every such text cell goes back
with a ' in front: shown as text, never run. A plain number (-1, -0.45, +3, or
-0,45 with a decimal comma) stays as it is, in any column: it cannot run anything,
and a quote would spoil a negative number the user meant. Workbook cells that are
numbers or dates go back as numbers and dates.
"""

import csv
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook

from .models import ImportJob, Kind, Outcome
from .reader import XLSX, Table, UnreadableCell, cell_text

RESULT_COLUMN = "result"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
KEY_COLUMNS = {
    Kind.VENDORS: "code",
    Kind.BOX_TYPES: "code",
    Kind.PURCHASE_ORDERS: "po_reference",
}


def result_rows(job: ImportJob) -> tuple[Table, Iterator[list[Any]]]:
    """The table read back, and its rows (header first) each with its result."""
    table = Table(Path(job.file.path), name=job.file_name)
    return table, _rows(job, table)


def _rows(job: ImportJob, table: Table) -> Iterator[list[Any]]:
    issues = defaultdict(list)
    for issue in job.errors:
        issues[issue["row"]].append(issue)
    numbers = dict(job.purchase_orders.values_list("reference", "number"))
    key_column = KEY_COLUMNS[job.kind]
    width = len(table.header)

    yield [*table.header, RESULT_COLUMN]
    for row in table.rows():
        cells = list(row.raw[:width]) + [None] * (width - len(row.raw))
        result = "" if row.is_blank else _result(job, row, key_column, issues, numbers)
        # Cells beyond the header (a refused row) stay, after the result.
        yield [*cells, result, *row.raw[width:]]


def _result(job, row, key_column, issues, numbers) -> str:
    own = issues.get(row.number, [])
    errors = [_describe(issue) for issue in own if not issue["warning"]]
    warnings = [_describe(issue) for issue in own if issue["warning"]]
    key = row.values.get(key_column, "")
    if job.kind != Kind.PURCHASE_ORDERS:
        key = key.upper()
    outcome = job.outcomes.get(key, Outcome.REFUSED)

    if errors:
        text = "Refused: " + "; ".join(errors)
    elif outcome == Outcome.REFUSED and job.kind == Kind.PURCHASE_ORDERS:
        text = f"Refused: another line of PO {key} is wrong, so none was imported"
    else:
        text = Outcome(outcome).label
        if key in numbers:
            text += f" (PO {numbers[key]})"
    if warnings:
        text += ". Warning: " + "; ".join(warnings)
    return text


def _describe(issue: dict) -> str:
    column = issue["column"]
    return f"{column}: {issue['message']}" if column else issue["message"]


def results_file_name(job: ImportJob, table: Table) -> str:
    stem = Path(job.file_name).stem or "import"
    return f"{stem}-results.{'xlsx' if table.format == XLSX else 'csv'}"


def csv_chunks(table: Table, rows: Iterator[list[Any]]) -> Iterator[str]:
    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo(), delimiter=table.delimiter)
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([_csv_cell(cell) for cell in row])


def _csv_cell(cell: Any) -> str:
    # Text from a CSV goes back as it came (but defused); workbook values as text.
    return neutralised(cell if isinstance(cell, str) else cell_text(cell))


def _xlsx_cell(cell: Any) -> Any:
    if isinstance(cell, UnreadableCell):
        cell = cell.text
    # openpyxl writes a text starting with = as a formula; with ' it is text.
    return neutralised(cell) if isinstance(cell, str) else cell


def neutralised(text: str) -> str:
    """The text with a ' in front if a spreadsheet would run it as a formula."""
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def xlsx_file(rows: Iterator[list[Any]]) -> IO[bytes]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Results")
    for row in rows:
        sheet.append([_xlsx_cell(cell) for cell in row])
    out = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    workbook.save(out)
    out.seek(0)
    return out
