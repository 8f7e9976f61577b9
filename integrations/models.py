import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from companies.models import Company
from purchase_orders.models import PurchaseOrder

from . import crypto


class SendMode(models.TextChoices):
    MANUAL = "manual", "Manually, when a user clicks Send to Cargo Master"
    AUTOMATIC = "automatic", "Automatically, when the PO is sent"


class Environment(models.TextChoices):
    SANDBOX = "sandbox", "Sandbox"
    PRODUCTION = "production", "Production"


class LabelSize(models.TextChoices):
    FOUR_BY_THREE = "4x3", "4 x 3 inches"
    FOUR_BY_SIX = "4x6", "4 x 6 inches"


class CargoMasterSettings(models.Model):
    """How one company is linked with Cargo Master."""

    company = models.OneToOneField(
        Company, on_delete=models.CASCADE, related_name="cargo_master_settings"
    )
    username = models.CharField(max_length=100)
    # Fernet token; see integrations.crypto. Never rendered, logged or serialized.
    password_encrypted = models.TextField(editable=False)
    importer_code = models.CharField(max_length=30)
    send_mode = models.CharField(
        max_length=10, choices=SendMode.choices, default=SendMode.MANUAL
    )
    send_purchase_orders = models.BooleanField("Send POs", default=True)
    generate_labels = models.BooleanField("Generate Labels", default=True)
    label_size = models.CharField(
        max_length=3, choices=LabelSize.choices, default=LabelSize.FOUR_BY_THREE
    )
    environment = models.CharField(
        max_length=10, choices=Environment.choices, default=Environment.SANDBOX
    )
    enabled = models.BooleanField(default=True)
    # Set when Cargo Master rejects the credentials: reservations wait, without
    # spending attempts, until an administrator saves settings that sign in.
    credentials_rejected_at = models.DateTimeField(null=True, blank=True)
    credentials_rejected_reason = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Cargo Master settings"
        verbose_name_plural = "Cargo Master settings"

    def __str__(self) -> str:
        return f"Cargo Master settings of {self.company}"

    def __repr__(self) -> str:
        return f"<CargoMasterSettings company={self.company_id} user={self.username!r}>"

    def set_password(self, raw_password: str) -> None:
        self.password_encrypted = crypto.encrypt(raw_password)

    def get_password(self) -> str:
        return crypto.decrypt(self.password_encrypted)

    @property
    def base_url(self) -> str:
        return settings.CARGO_MASTER_URLS[self.environment]

    @property
    def is_paused(self) -> bool:
        return self.credentials_rejected_at is not None

    @property
    def sends_purchase_orders(self) -> bool:
        return self.enabled and self.send_purchase_orders

    @property
    def prints_labels(self) -> bool:
        return self.enabled and self.generate_labels


class ReservationStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RESERVED = "reserved", "Reserved"
    UPDATING = "updating", "Updating"
    CANCELLING = "cancelling", "Cancelling"
    CANCELLED = "cancelled", "Cancelled"
    FAILED = "failed", "Failed"
    HELD = "held", "Held: credentials rejected"


IN_FLIGHT = (
    ReservationStatus.QUEUED,
    ReservationStatus.UPDATING,
    ReservationStatus.CANCELLING,
)


class Reservation(models.Model):
    """Space booked at Cargo Master for one PO's boxes on its ship date.

    A PO has at most one active reservation. Changing the PO's vendor cancels it and
    opens a new one, so older rows stay as history.
    """

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="reservations"
    )
    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="reservations"
    )
    vendor_code = models.CharField("Cargo Master vendor code", max_length=20)
    status = models.CharField(
        max_length=12,
        choices=ReservationStatus.choices,
        default=ReservationStatus.QUEUED,
        db_index=True,
    )
    active = models.BooleanField(default=True)
    number = models.CharField("reservation number", max_length=40, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_error_code = models.CharField(max_length=60, blank=True)
    # A worker that is talking to Cargo Master for this reservation holds a lease,
    # so two workers never send its operations at once, and a dead worker's lease
    # simply runs out.
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    reserved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["purchase_order"],
                condition=Q(active=True),
                name="one_active_reservation_per_po",
            )
        ]
        indexes = [models.Index(fields=["company", "status"])]

    def __str__(self) -> str:
        return self.number or f"Reservation {self.pk} (PO {self.purchase_order_id})"

    @property
    def in_flight(self) -> bool:
        return self.status in IN_FLIGHT


class OperationKind(models.TextChoices):
    CREATE = "create", "Create"
    AMEND = "amend", "Amend"
    CANCEL = "cancel", "Cancel"


class OperationState(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    SUPERSEDED = "superseded", "Superseded"


class ReservationOperation(models.Model):
    """The outbox: one intended change at Cargo Master, written with the PO change.

    Its idempotency key is reused on every retry, so Cargo Master applies it once.
    The body is frozen at the first attempt; a later PO change becomes a new
    operation instead of changing a body Cargo Master may already have seen.
    """

    reservation = models.ForeignKey(
        Reservation, on_delete=models.CASCADE, related_name="operations"
    )
    kind = models.CharField(max_length=6, choices=OperationKind.choices)
    state = models.CharField(
        max_length=10,
        choices=OperationState.choices,
        default=OperationState.PENDING,
        db_index=True,
    )
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    body = models.JSONField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_error_code = models.CharField(max_length=60, blank=True)
    last_error_transient = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_state_display()})"


class ReservationAttempt(models.Model):
    """One call to Cargo Master, with redacted bodies: the audit trail."""

    operation = models.ForeignKey(
        ReservationOperation, on_delete=models.CASCADE, related_name="attempts_log"
    )
    reservation = models.ForeignKey(
        Reservation, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField("attempt")
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=200)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=12)
    error_code = models.CharField(max_length=60, blank=True)
    message = models.CharField(max_length=500, blank=True)
    request_body = models.JSONField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.method} {self.path} → {self.http_status or self.outcome}"


class LabelPrint(models.Model):
    """One printing of a reservation's box labels.

    Any print after the first marks its labels "R" (reprint), so the agency can
    tell a replacement label from a second box carrying the same code.
    """

    reservation = models.ForeignKey(
        Reservation, on_delete=models.CASCADE, related_name="label_prints"
    )
    printed_at = models.DateTimeField(auto_now_add=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    boxes = models.PositiveIntegerField()
    reprint = models.BooleanField(default=False)

    class Meta:
        ordering = ["printed_at", "id"]

    def __str__(self) -> str:
        kind = "Reprint" if self.reprint else "Print"
        return f"{kind} of {self.boxes} label(s) for {self.reservation}"
