"""Import jobs: storing an upload, running it, and sending the POs it brought in.

The web page and the management commands both go through these functions; the
page queues the work for a Celery worker, the commands run it in-process.
"""

import logging
from itertools import batched
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from companies.models import Company
from purchase_orders.models import Status
from purchase_orders.services import PurchaseOrderError, purchase_orders_send

from .importers import IMPORTERS, Summary
from .models import ImportJob, JobStatus, Kind, SendStatus
from .reader import FileRefused, Table, file_format

logger = logging.getLogger(__name__)

SEND_BATCH_SIZE = 100  # POs per transaction when sending a whole import


class ImportJobError(Exception):
    """A step the job's state does not allow; the message is for the user."""


# Creating and running ---------------------------------------------------------------


def import_job_create(
    *,
    company: Company,
    kind: Kind,
    file: File,
    file_name: str,
    created_by: AbstractBaseUser | None = None,
    sets_cargo_master_codes: bool = False,
) -> ImportJob:
    """Store the file under MEDIA_ROOT as a queued job; refuse what is plainly no
    CSV or Excel file (FileRefused) before anything is kept."""
    name = Path(file_name).name
    if not file.size:
        raise FileRefused(f"{name} is empty.")
    if file.size > settings.IMPORT_MAX_BYTES:
        raise FileRefused(
            f"{name} is {filesizeformat(file.size)}; files up to "
            f"{filesizeformat(settings.IMPORT_MAX_BYTES)} can be imported. "
            "Split it into smaller files."
        )

    job = ImportJob(
        company=company,
        kind=kind,
        file_name=name[:200],
        created_by=created_by,
        sets_cargo_master_codes=sets_cargo_master_codes,
    )
    job.file.save(name, file, save=False)
    try:
        file_format(Path(job.file.path), name)
    except FileRefused:
        job.file.delete(save=False)
        raise
    job.save()
    logger.info("Import job %s (%s) created for company %s", job.pk, kind, company.pk)
    return job


def import_job_queue(*, job: ImportJob) -> None:
    from . import tasks

    transaction.on_commit(lambda: tasks.import_job_run.delay(job.pk))


def import_job_run(*, job_id: int) -> ImportJob:
    """Import the job's file. Safe to run again: records already imported are
    found by their codes and references and left unchanged."""
    job = ImportJob.objects.select_related("company", "created_by").get(pk=job_id)
    if not job.in_progress:
        return job

    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    importer = IMPORTERS[job.kind](job)
    try:
        importer.run(Table(Path(job.file.path), name=job.file_name))
    except FileRefused as refused:
        return _finish(job, JobStatus.REFUSED, Summary(), message=str(refused))
    except Exception:
        # Last resort, so the page stops waiting and says so; the traceback goes
        # to the worker's log. Each PO or row written so far is whole.
        logger.exception("Import job %s failed", job.pk)
        return _finish(
            job,
            JobStatus.FAILED,
            importer.summary,
            message=(
                "The import stopped on an unexpected error. What was imported so "
                "far is complete; import the file again to finish (rows already "
                "imported are left unchanged)."
            ),
        )
    return _finish(job, JobStatus.FINISHED, importer.summary)


def _finish(
    job: ImportJob, status: JobStatus, summary: Summary, message: str = ""
) -> ImportJob:
    for name, value in summary.job_fields().items():
        setattr(job, name, value)
    job.status, job.message = status, message
    job.errors = sorted(summary.issues, key=lambda issue: issue["row"])
    job.outcomes = summary.outcomes
    job.finished_at = timezone.now()
    job.save()
    logger.info(
        "Import job %s %s: %s rows, %s created, %s updated, %s unchanged, "
        "%s refused (%s rows)",
        job.pk,
        status,
        job.rows_total,
        job.created_count,
        job.updated_count,
        job.unchanged_count,
        job.refused_count,
        job.rows_refused,
    )
    return job


# Sending the imported POs ---------------------------------------------------------


def import_job_drafts(job: ImportJob):
    return job.purchase_orders.filter(status=Status.DRAFT)


def import_job_send_request(
    *, job: ImportJob, user: AbstractBaseUser | None, run_now: bool = False
) -> int:
    """Send every draft PO of the import: queued for a worker, or at once.

    Returns how many POs are to be sent.
    """
    if job.kind != Kind.PURCHASE_ORDERS:
        raise ImportJobError("Only a purchase order import has POs to send.")
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.sending:
            raise ImportJobError("The POs of this import are being sent already.")
        total = import_job_drafts(job).count()
        if not total:
            raise ImportJobError("This import has no draft POs left to send.")
        job.send_status, job.send_total, job.send_done = SendStatus.QUEUED, total, 0
        job.send_message, job.send_requested_by = "", user
        job.save()
        if not run_now:
            from . import tasks

            transaction.on_commit(lambda: tasks.import_job_send.delay(job.pk))
    if run_now:
        import_job_send(job_id=job.pk)
    return total


def import_job_send(*, job_id: int) -> ImportJob:
    """Send the import's drafts through the same service as the Send POs button,
    a batch per transaction, counting progress on the job as it goes."""
    job = ImportJob.objects.select_related("company", "send_requested_by").get(
        pk=job_id
    )
    if not job.sending:
        return job
    ids = list(import_job_drafts(job).order_by("number").values_list("pk", flat=True))
    _set(job, send_status=SendStatus.RUNNING, send_total=len(ids), send_done=0)

    sent, problems = 0, []
    try:
        for batch in batched(ids, SEND_BATCH_SIZE, strict=False):
            try:
                result = purchase_orders_send(
                    company=job.company, ids=list(batch), user=job.send_requested_by
                )
            except PurchaseOrderError as error:
                problems.append(str(error))
            else:
                sent += len(result.sent)
            _set(job, send_done=job.send_done + len(batch))
    except Exception:
        # As for imports: the page must stop waiting; the log has the traceback.
        logger.exception("Sending the POs of import job %s failed", job.pk)
        problems.append("Sending stopped on an unexpected error; send again.")

    message = " ".join([f"Sent {sent} of {len(ids)} POs to their vendors.", *problems])
    status = SendStatus.FINISHED if sent == len(ids) else SendStatus.FAILED
    _set(job, send_status=status, send_message=message)
    logger.info("Import job %s sent %s of %s POs", job.pk, sent, len(ids))
    return job


def _set(job: ImportJob, **fields) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields)
