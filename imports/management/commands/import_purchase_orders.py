from django.core.management.base import CommandParser

from imports import services
from imports.management.base import ImportCommand
from imports.models import ImportJob, Kind


class Command(ImportCommand):
    help = (
        "Import purchase orders from a CSV or Excel file into a company; with "
        "--send, send the imported draft POs as the Send POs button does."
    )
    kind = Kind.PURCHASE_ORDERS

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--send", action="store_true", help="send the POs that were imported"
        )

    def after_import(self, job: ImportJob, *, send: bool = False, **options) -> None:
        if not send or not services.import_job_drafts(job).exists():
            return
        services.import_job_send_request(job=job, user=None, run_now=True)
        job.refresh_from_db()
        self.stdout.write(job.send_message)
