"""What the three import commands share: the arguments, the run and the report."""

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from companies.models import Company

from .. import services
from ..models import ImportJob, JobStatus, Kind
from ..reader import FileRefused


class ImportCommand(BaseCommand):
    """Import FILE into the company --company CODE, in this process.

    Prints a summary and every row's problem; exits with status 1 when the file
    or any row was refused. Runs as an administrator would: Cargo Master codes
    in a vendors file are set.
    """

    kind: Kind

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a .csv or .xlsx file")
        parser.add_argument(
            "--company", required=True, help="the company's code, such as acme"
        )

    def handle(self, *args, file: Path, company: str, **options) -> None:
        job = self.run_import(file, self.company(company))
        self.report(job)
        self.after_import(job, **options)
        if job.status != JobStatus.FINISHED:
            raise CommandError(job.message)
        if job.rows_refused:
            raise CommandError(f"{job.rows_refused} row(s) were refused.")

    def company(self, code: str) -> Company:
        try:
            return Company.objects.get(code=code)
        except Company.DoesNotExist:
            raise CommandError(f"No company has the code {code!r}.") from None

    def run_import(self, path: Path, company: Company) -> ImportJob:
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        with path.open("rb") as handle:
            try:
                job = services.import_job_create(
                    company=company,
                    kind=self.kind,
                    file=File(handle),
                    file_name=path.name,
                    sets_cargo_master_codes=True,
                )
            except FileRefused as refused:
                raise CommandError(str(refused)) from None
        return services.import_job_run(job_id=job.pk)

    def report(self, job: ImportJob) -> None:
        self.stdout.write(
            f"{job.file_name}: {job.rows_total} rows. {job.created_count} created, "
            f"{job.updated_count} updated, {job.unchanged_count} unchanged, "
            f"{job.refused_count} refused ({job.rows_refused} rows)."
        )
        for issue in job.errors:
            where = f"Row {issue['row']}" + (
                f", {issue['column']}" if issue["column"] else ""
            )
            prefix = "warning: " if issue["warning"] else ""
            self.stdout.write(f"{where}: {prefix}{issue['message']}")

    def after_import(self, job: ImportJob, **options) -> None:
        """What a command does once the rows are in (the PO import may send)."""
