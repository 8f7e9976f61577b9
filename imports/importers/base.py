"""What the three importers share: reading the file twice, per-row issues, progress.

The first pass over the file (`survey`) checks that every row can be read and
counts them, before anything is written: a file that turns out unreadable on row
9,000 is refused whole instead of being imported up to row 8,999. The second
pass validates and writes.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..cells import CellError
from ..models import ImportJob, Outcome
from ..reader import FileRefused, Row, Table

PROGRESS_EVERY_ROWS = 250


@dataclass
class Summary:
    """The counts and per-row issues of a run, as they are stored on the job."""

    rows_total: int = 0
    rows_done: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))
    rows_refused: int = 0
    issues: list[dict[str, Any]] = field(default_factory=list)
    outcomes: dict[str, str] = field(default_factory=dict)

    def job_fields(self) -> dict[str, Any]:
        return {
            "rows_total": self.rows_total,
            "rows_done": self.rows_done,
            "created_count": self.counts[Outcome.CREATED],
            "updated_count": self.counts[Outcome.UPDATED],
            "unchanged_count": self.counts[Outcome.UNCHANGED],
            "refused_count": self.counts[Outcome.REFUSED],
            "rows_refused": self.rows_refused,
        }


class Cells:
    """One row's cells, parsed one by one; each bad cell adds its own message."""

    def __init__(self, row: Row) -> None:
        self.row = row
        self.errors: list[tuple[str, str]] = []  # (column, message)
        if row.extra_values:
            self.errors.append(
                (
                    "",
                    f"This row has {row.extra_values} value(s) to the right of the "
                    "last column. A value with a comma, such as 0,45, must be in "
                    "quotes or written 0.45.",
                )
            )

    def get(self, column: str, parse: Callable[..., Any], **options: Any) -> Any:
        if column in self.row.problems:
            self.errors.append((column, self.row.problems[column]))
            return None
        try:
            return parse(self.row.values.get(column, ""), **options)
        except CellError as error:
            self.errors.append((column, error.message))
            return None

    def add(self, column: str, message: str) -> None:
        self.errors.append((column, message))


class Importer:
    """Reads a file into one company; subclasses say which columns and how to save."""

    required_columns: tuple[str, ...] = ()
    optional_columns: tuple[str, ...] = ()
    noun = "records"  # in messages: "Created 3 vendors"

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.company = job.company
        self.summary = Summary()
        self.table: Table | None = None

    def run(self, table: Table) -> Summary:
        self.table = table
        table.require(self.required_columns)
        self.summary.rows_total = sum(1 for _ in self.survey(table))
        if not self.summary.rows_total:
            raise FileRefused(
                f"{table.name} has a header row but no rows to import below it."
            )
        self.report_progress()
        self.prefetch()
        self.import_rows(row for row in table.rows() if not row.is_blank)
        self.finish()
        return self.summary

    def survey(self, table: Table) -> Iterator[Row]:
        """Read every row once (refusing an unreadable file); yield the data rows."""
        for row in table.rows():
            if not row.is_blank:
                self.survey_row(row)
                yield row

    def survey_row(self, row: Row) -> None:
        """What a subclass needs to know of the whole file before writing."""

    def prefetch(self) -> None:
        """Load the company's records the rows refer to, once."""

    def import_rows(self, rows: Iterator[Row]) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        self.report_progress()

    # Recording --------------------------------------------------------------------

    def record(self, key: str, outcome: Outcome, *, rows: int = 1) -> None:
        # A refused repeat of a key must not hide what became of its first row.
        known = self.summary.outcomes.get(key, Outcome.REFUSED)
        if key and (outcome != Outcome.REFUSED or known == Outcome.REFUSED):
            self.summary.outcomes[key] = outcome
        self.summary.counts[outcome] += 1
        if outcome == Outcome.REFUSED:
            self.summary.rows_refused += rows

    def issue(self, row: int, column: str, message: str, *, warning=False) -> None:
        self.summary.issues.append(
            {"row": row, "column": column, "message": message, "warning": warning}
        )

    def issues(self, row: int, errors: list[tuple[str, str]]) -> None:
        for column, message in errors:
            self.issue(row, column, message)

    def report_progress(self) -> None:
        # An UPDATE of its own, committed at once, so the page sees it while we run.
        ImportJob.objects.filter(pk=self.job.pk).update(**self.summary.job_fields())
