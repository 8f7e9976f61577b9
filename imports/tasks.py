"""Celery doors into the import services. Tasks take an ImportJob id, nothing else."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def import_job_run(job_id: int) -> None:
    # Redelivery after a lost worker is safe: a re-import changes nothing twice.
    services.import_job_run(job_id=job_id)


@shared_task(acks_late=True, ignore_result=True)
def import_job_send(job_id: int) -> None:
    # Redelivery is safe too: only drafts are sent, and sent POs are no drafts.
    services.import_job_send(job_id=job_id)
