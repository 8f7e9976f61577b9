from django.conf import settings
from django.db import models

from companies.models import Company
from purchase_orders.models import PurchaseOrder


class Kind(models.TextChoices):
    VENDORS = "vendors", "Vendors"
    BOX_TYPES = "box_types", "Box types"
    PURCHASE_ORDERS = "purchase_orders", "Purchase orders"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    REFUSED = "refused", "File refused"  # the file as a whole; see `message`
    FAILED = "failed", "Failed"  # an unexpected error; see the worker's log


class SendStatus(models.TextChoices):
    NOT_REQUESTED = "", "Not requested"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Sending"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"


class Outcome(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    UNCHANGED = "unchanged", "Unchanged"
    REFUSED = "refused", "Refused"


def _upload_to(job: "ImportJob", filename: str) -> str:
    return f"imports/{job.company_id}/{job.kind}/{filename}"


class ImportJob(models.Model):
    """One uploaded file imported into one company, and what became of each row.

    `errors` lists each row's problems ({"row", "column", "message", "warning"});
    `outcomes` maps each record's key (a vendor or box type code, a po_reference)
    to an Outcome. Together with the stored file they give the per-row results.
    """

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="import_jobs"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    file = models.FileField(upload_to=_upload_to, max_length=300)
    file_name = models.CharField(max_length=200, help_text="As the user uploaded it.")
    # Decided by the uploader's role when the job is created, not when it runs.
    sets_cargo_master_codes = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    message = models.TextField(blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    refused_count = models.PositiveIntegerField(default=0)
    rows_refused = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    outcomes = models.JSONField(default=dict, blank=True)
    purchase_orders = models.ManyToManyField(
        PurchaseOrder, blank=True, related_name="import_jobs"
    )

    send_status = models.CharField(
        max_length=10, choices=SendStatus.choices, default="", blank=True
    )
    send_total = models.PositiveIntegerField(default=0)
    send_done = models.PositiveIntegerField(default=0)
    send_message = models.TextField(blank=True)
    send_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["company", "kind", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import {self.pk} ({self.file_name})"

    @property
    def in_progress(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def sending(self) -> bool:
        return self.send_status in (SendStatus.QUEUED, SendStatus.RUNNING)

    @property
    def percent_done(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))

    @property
    def percent_sent(self) -> int:
        if not self.send_total:
            return 0
        return min(100, round(100 * self.send_done / self.send_total))
