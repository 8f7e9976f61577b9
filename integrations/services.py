"""Reservations at Cargo Master: requesting, following PO changes, and sending.

The database is the source of truth. Every intended change at Cargo Master is an
outbox row (ReservationOperation) written in the same transaction as the PO change
that caused it; a Celery task is queued only after that transaction commits and
carries nothing but the reservation id. A worker holds a short lease on the
reservation while it talks to Cargo Master, sends the pending operations in order,
and records one ReservationAttempt per call. Each operation keeps one idempotency
key for all its retries, so Cargo Master applies it once whatever is retried,
redelivered or swept up again.
"""

import datetime as dt
import logging
import time
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from companies.models import Company, Membership, Role
from purchase_orders.models import SENT_STATUSES, PurchaseOrder
from purchase_orders.signals import Change

from . import retry
from .cargo_master import (
    CallRecord,
    CargoMasterClient,
    CargoMasterError,
    ReservationLine,
    ReservationRequest,
    ReservationTotals,
)
from .clients import client_for
from .models import (
    CargoMasterSettings,
    OperationKind,
    OperationState,
    Reservation,
    ReservationAttempt,
    ReservationOperation,
    ReservationStatus,
    SendMode,
)

logger = logging.getLogger(__name__)

CANCEL_REASON_PO_CANCELLED = "The purchase order was cancelled."
CANCEL_REASON_VENDOR_CHANGED = "The purchase order moved to another vendor."


# Requesting reservations ------------------------------------------------------


@dataclass(frozen=True)
class RequestOutcome:
    queued: list[int]
    skipped: dict[int, str]  # PO number -> why it was not queued


def why_not_reservable(
    purchase_order: PurchaseOrder, cargo_master: CargoMasterSettings | None
) -> str | None:
    """Plain words saying why a PO cannot go to Cargo Master, or None if it can."""
    if cargo_master is None:
        return "The company is not linked with Cargo Master."
    if not cargo_master.enabled:
        return "The Cargo Master integration is disabled in Settings."
    if not cargo_master.send_purchase_orders:
        return "The Send POs functionality of Cargo Master is off in Settings."
    if not purchase_order.vendor.cargo_master_code:
        return (
            f"{purchase_order.vendor.name} has no Cargo Master code, "
            "so it does not ship with Cargo Master."
        )
    if purchase_order.status not in SENT_STATUSES:
        return (
            f"PO {purchase_order.number} is {purchase_order.get_status_display()}; "
            "only sent POs go to Cargo Master."
        )
    return None


@transaction.atomic
def reservations_request(
    *, company: Company, purchase_order_ids: list[int]
) -> RequestOutcome:
    """Open a reservation for each of the POs that has none yet.

    Safe to repeat: a PO that already has an active reservation is skipped, and the
    PO rows are locked first, so two clicks at once queue one reservation.
    """
    cargo_master = _settings_of(company)
    purchase_orders = list(
        PurchaseOrder.objects.select_for_update(of=("self",))
        .filter(company=company, pk__in=purchase_order_ids)
        .select_related("vendor")
        .order_by("number")
    )
    reserved = set(
        Reservation.objects.filter(
            purchase_order__in=purchase_orders, active=True
        ).values_list("purchase_order_id", flat=True)
    )

    skipped: dict[int, str] = {}
    eligible = []
    for purchase_order in purchase_orders:
        reason = why_not_reservable(purchase_order, cargo_master)
        if purchase_order.pk in reserved:
            reason = "It already has a Cargo Master reservation."
        if reason:
            skipped[purchase_order.number] = reason
        else:
            eligible.append(purchase_order)

    reservations = _open_reservations(company, eligible)
    return RequestOutcome(queued=[r.pk for r in reservations], skipped=skipped)


def _open_reservations(
    company: Company, purchase_orders: list[PurchaseOrder]
) -> list[Reservation]:
    now = timezone.now()
    reservations = Reservation.objects.bulk_create(
        Reservation(
            company=company,
            purchase_order=purchase_order,
            vendor_code=purchase_order.vendor.cargo_master_code,
        )
        for purchase_order in purchase_orders
    )
    ReservationOperation.objects.bulk_create(
        ReservationOperation(
            reservation=reservation,
            kind=OperationKind.CREATE,
            next_attempt_at=now,
            queued_at=now,
        )
        for reservation in reservations
    )
    _queue_after_commit([reservation.pk for reservation in reservations])
    return reservations


def _queue_after_commit(reservation_ids: list[int]) -> None:
    from .tasks import reservation_process, reservations_dispatch

    if not reservation_ids:
        return
    if len(reservation_ids) == 1:
        transaction.on_commit(lambda: reservation_process.delay(reservation_ids[0]))
    else:
        # One message that fans out in the worker keeps a bulk action quick.
        transaction.on_commit(lambda: reservations_dispatch.delay(reservation_ids))


# Following purchase order changes ----------------------------------------------


def reservations_follow_change(
    *, purchase_orders: list[PurchaseOrder], change: Change
) -> None:
    """React to a PO change inside the transaction that made it."""
    if not purchase_orders:
        return
    company = purchase_orders[0].company
    if change == Change.SENT:
        cargo_master = _settings_of(company)
        if cargo_master and cargo_master.send_mode == SendMode.AUTOMATIC:
            reservations_request(
                company=company, purchase_order_ids=[po.pk for po in purchase_orders]
            )
        return

    for purchase_order in purchase_orders:
        active = _active_reservation(purchase_order)
        if active is None:
            continue
        if change == Change.UPDATED:
            _queue_amend(active)
        elif change == Change.CANCELLED:
            _queue_cancel(active, reason=CANCEL_REASON_PO_CANCELLED)
        elif change == Change.VENDOR_CHANGED:
            _queue_cancel(active, reason=CANCEL_REASON_VENDOR_CHANGED)
            reservations_request(
                company=company, purchase_order_ids=[purchase_order.pk]
            )


def _active_reservation(purchase_order: PurchaseOrder) -> Reservation | None:
    return (
        Reservation.objects.select_for_update()
        .filter(purchase_order=purchase_order, active=True)
        .first()
    )


def _queue_amend(reservation: Reservation) -> None:
    # An operation not yet attempted reads the PO when it runs, so it will carry
    # this change too: quick successive edits send only the latest state.
    if reservation.operations.filter(
        state=OperationState.PENDING,
        kind__in=(OperationKind.CREATE, OperationKind.AMEND),
        body__isnull=True,
    ).exists():
        return
    _add_operation(reservation, OperationKind.AMEND)
    if reservation.status in (ReservationStatus.RESERVED, ReservationStatus.FAILED):
        reservation.status = ReservationStatus.UPDATING
        reservation.save(update_fields=["status", "updated_at"])


def _queue_cancel(reservation: Reservation, *, reason: str) -> None:
    # What Cargo Master has never seen needs no undoing.
    reservation.operations.filter(
        state=OperationState.PENDING, body__isnull=True
    ).update(state=OperationState.SUPERSEDED, finished_at=timezone.now())
    _add_operation(reservation, OperationKind.CANCEL, reason=reason)
    reservation.active = False
    reservation.status = ReservationStatus.CANCELLING
    reservation.save(update_fields=["active", "status", "updated_at"])


def _add_operation(
    reservation: Reservation, kind: OperationKind, *, reason: str = ""
) -> ReservationOperation:
    now = timezone.now()
    operation = ReservationOperation.objects.create(
        reservation=reservation,
        kind=kind,
        reason=reason,
        next_attempt_at=now,
        queued_at=now,
    )
    _queue_after_commit([reservation.pk])
    return operation


# Operations staff ---------------------------------------------------------------


RETRYABLE = (ReservationStatus.FAILED, ReservationStatus.HELD)


@transaction.atomic
def reservations_retry(*, reservation_ids: list[int]) -> int:
    """Try failed or held reservations again; returns how many were queued.

    Only failed and held ones qualify, and their status changes in this
    transaction, so a second click finds nothing left to retry. A failure Cargo
    Master may have half-seen (a timeout) is retried with the same idempotency key
    and body; a refusal is retried as a new operation built from the PO as it is
    now, so a corrected vendor code goes along.
    """
    reservations = list(
        Reservation.objects.select_for_update(of=("self",))
        .filter(pk__in=reservation_ids, status__in=RETRYABLE)
        .select_related("purchase_order__vendor")
    )
    now = timezone.now()
    failed = {
        operation.reservation_id: operation
        for operation in ReservationOperation.objects.filter(
            reservation__in=reservations, state=OperationState.FAILED
        ).order_by("id")
    }
    again, superseded, renewed = [], [], []
    for reservation in reservations:
        operation = failed.get(reservation.pk)
        if operation is None:
            continue
        if operation.last_error_transient:
            again.append(operation.pk)
            continue
        if operation.kind == OperationKind.CREATE:
            reservation.vendor_code = (
                reservation.purchase_order.vendor.cargo_master_code
            )
        superseded.append(operation.pk)
        renewed.append(
            ReservationOperation(
                reservation=reservation,
                kind=operation.kind,
                reason=operation.reason,
                next_attempt_at=now,
                queued_at=now,
            )
        )

    ReservationOperation.objects.filter(pk__in=again).update(
        state=OperationState.PENDING, attempts=0, next_attempt_at=now, queued_at=now
    )
    ReservationOperation.objects.filter(pk__in=superseded).update(
        state=OperationState.SUPERSEDED, finished_at=now
    )
    ReservationOperation.objects.bulk_create(renewed)
    for reservation in reservations:
        reservation.status = _status_from_operations(reservation)
        reservation.last_error = reservation.last_error_code = ""
    Reservation.objects.bulk_update(
        reservations, ["status", "last_error", "last_error_code", "vendor_code"]
    )
    _queue_after_commit([reservation.pk for reservation in reservations])
    logger.info("%s reservations queued again by operations", len(reservations))
    return len(reservations)


@transaction.atomic
def reservation_cancel(*, reservation: Reservation, reason: str) -> bool:
    reservation = Reservation.objects.select_for_update().get(pk=reservation.pk)
    if reservation.status in (
        ReservationStatus.CANCELLED,
        ReservationStatus.CANCELLING,
    ):
        return False
    _queue_cancel(reservation, reason=reason)
    return True


def cargo_master_resume(*, company: Company) -> int:
    """Lift a credentials pause and queue again what waited; returns how many."""
    with transaction.atomic():
        CargoMasterSettings.objects.filter(company=company).update(
            credentials_rejected_at=None, credentials_rejected_reason=""
        )
        held = list(
            Reservation.objects.select_for_update().filter(
                company=company, status=ReservationStatus.HELD
            )
        )
        for reservation in held:
            reservation.status = _status_from_operations(reservation)
            reservation.last_error = reservation.last_error_code = ""
            reservation.save(update_fields=["status", "last_error", "last_error_code"])
        _queue_after_commit([reservation.pk for reservation in held])
    logger.info("Cargo Master queue of company %s resumed", company.pk)
    return len(held)


# Sending: what a worker does ---------------------------------------------------


def reservation_process(*, reservation_id: int) -> None:
    """Send a reservation's due operations in order, under a lease."""
    lease = _claim(reservation_id)
    if lease is None:
        return  # Another worker holds it and will see any newer operation.
    try:
        while _send_next(reservation_id, lease):
            lease = _extend(reservation_id, lease)
    finally:
        Reservation.objects.filter(pk=reservation_id, lease_until=lease).update(
            lease_until=None
        )


def _claim(reservation_id: int) -> dt.datetime | None:
    now = timezone.now()
    lease = now + dt.timedelta(seconds=settings.RESERVATION_LEASE_SECONDS)
    claimed = (
        Reservation.objects.filter(pk=reservation_id)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=lease)
    )
    return lease if claimed else None


def _extend(reservation_id: int, lease: dt.datetime) -> dt.datetime:
    renewed = timezone.now() + dt.timedelta(seconds=settings.RESERVATION_LEASE_SECONDS)
    Reservation.objects.filter(pk=reservation_id, lease_until=lease).update(
        lease_until=renewed
    )
    return renewed


def _send_next(reservation_id: int, lease: dt.datetime) -> bool:
    """Send the next due operation; True if another may follow at once."""
    operation = (
        ReservationOperation.objects.filter(
            reservation_id=reservation_id, state=OperationState.PENDING
        )
        .select_related(
            "reservation__company__cargo_master_settings",
            "reservation__purchase_order__vendor",
        )
        .first()
    )
    if operation is None:
        return False
    if operation.next_attempt_at > timezone.now():
        _schedule(reservation_id, at=operation.next_attempt_at)
        return False

    reservation = operation.reservation
    cargo_master = getattr(reservation.company, "cargo_master_settings", None)
    if cargo_master is None or cargo_master.is_paused:
        _hold(reservation, cargo_master)
        return False
    if not _prepare(operation):
        return True
    return _attempt(operation, cargo_master)


def _prepare(operation: ReservationOperation) -> bool:
    """Freeze the operation's body at its first attempt; False if it is moot."""
    if operation.body is not None:
        return True
    if _is_moot(operation):
        _finish_without_call(operation)
        return False
    operation.body = _body_for(operation)
    operation.save(update_fields=["body"])
    return True


def _is_moot(operation: ReservationOperation) -> bool:
    """An amend or cancel of a reservation that Cargo Master never stored."""
    reservation = operation.reservation
    if operation.kind == OperationKind.CREATE or reservation.number:
        return False
    return operation.kind == OperationKind.AMEND or not _create_may_exist(reservation)


def _create_may_exist(reservation: Reservation) -> bool:
    """Whether Cargo Master may hold a reservation we have no number for.

    A create that was refused stored nothing; one that timed out may have.
    """
    return (
        reservation.operations.filter(kind=OperationKind.CREATE, attempts__gt=0)
        .exclude(state=OperationState.FAILED, last_error_transient=False)
        .exists()
    )


def _finish_without_call(operation: ReservationOperation) -> None:
    """An amend or cancel of a reservation Cargo Master never stored."""
    with transaction.atomic():
        reservation = Reservation.objects.select_for_update().get(
            pk=operation.reservation_id
        )
        operation.state = OperationState.SUPERSEDED
        operation.finished_at = timezone.now()
        operation.save(update_fields=["state", "finished_at"])
        if operation.kind == OperationKind.CANCEL:
            reservation.status = ReservationStatus.CANCELLED
            reservation.save(update_fields=["status", "updated_at"])


def _body_for(operation: ReservationOperation) -> dict:
    reservation = operation.reservation
    if operation.kind == OperationKind.CANCEL:
        return {
            "reason": operation.reason or "Cancelled by the importer.",
            "reference": str(reservation.purchase_order.number),
        }
    return reservation_body(
        reservation.purchase_order, vendor_code=reservation.vendor_code
    )


def reservation_body(purchase_order: PurchaseOrder, *, vendor_code: str) -> dict:
    """What Cargo Master is told about a PO, as JSON-ready fixed-point strings."""
    lines = list(purchase_order.lines.select_related("product", "box_type"))
    total_fbe = sum((line.fbe for line in lines), Decimal("0"))
    return {
        "vendor_code": vendor_code,
        "reference": str(purchase_order.number),
        "ship_date": purchase_order.ship_date.isoformat(),
        "origin": purchase_order.vendor.origin,
        "destination": purchase_order.company.destination,
        "lines": [
            {
                "box_type": line.box_type.code,
                "boxes": line.boxes,
                "product": line.product.description,
                "mark_code": line.mark_code,
            }
            for line in lines
        ],
        "totals": {
            "boxes": sum(line.boxes for line in lines),
            "fbe": f"{total_fbe:.3f}",
        },
    }


def _attempt(
    operation: ReservationOperation, cargo_master: CargoMasterSettings
) -> bool:
    recorder = _AttemptRecorder(operation)
    client = client_for(cargo_master, audit=recorder)
    started = time.monotonic()
    try:
        number = _call_cargo_master(client, operation)
    except CargoMasterError as error:
        recorder.save(error=error)
        _log_attempt(operation, "error", started, error.code)
        return _after_failure(operation, cargo_master, error)

    recorder.save()
    _log_attempt(operation, "ok", started, "")
    _after_success(operation, number=number)
    return True


def _call_cargo_master(
    client: CargoMasterClient, operation: ReservationOperation
) -> str:
    """Send one operation's frozen body; returns the reservation number."""
    reservation, body = operation.reservation, operation.body
    key = str(operation.idempotency_key)
    if operation.kind == OperationKind.CREATE:
        return client.create_reservation(
            _request_from(body), idempotency_key=key
        ).number
    if operation.kind == OperationKind.AMEND:
        client.amend_reservation(
            reservation.number,
            ship_date=dt.date.fromisoformat(body["ship_date"]),
            lines=_lines_from(body),
            idempotency_key=key,
        )
        return reservation.number

    # A cancel after an unanswered create asks Cargo Master whether it exists.
    number = reservation.number
    if not number:
        found = client.find_reservation(body["reference"])
        number = found.number if found else ""
    if number:
        client.cancel_reservation(number, reason=body["reason"], idempotency_key=key)
    return number


def _request_from(body: dict) -> ReservationRequest:
    return ReservationRequest(
        vendor_code=body["vendor_code"],
        reference=body["reference"],
        ship_date=dt.date.fromisoformat(body["ship_date"]),
        origin=body["origin"],
        destination=body["destination"],
        lines=_lines_from(body),
        totals=ReservationTotals(
            boxes=body["totals"]["boxes"], fbe=Decimal(body["totals"]["fbe"])
        ),
    )


def _lines_from(body: dict) -> tuple[ReservationLine, ...]:
    return tuple(ReservationLine(**line) for line in body["lines"])


def _log_attempt(
    operation: ReservationOperation, outcome: str, started: float, code: str
) -> None:
    reservation = operation.reservation
    logger.info(
        "Cargo Master %s company=%s po=%s reservation=%s attempt=%s outcome=%s "
        "code=%s duration_ms=%d",
        operation.kind,
        reservation.company_id,
        reservation.purchase_order.number,
        reservation.pk,
        operation.attempts + 1,
        outcome,
        code or "-",
        (time.monotonic() - started) * 1000,
    )


def _after_success(operation: ReservationOperation, *, number: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        reservation = Reservation.objects.select_for_update().get(
            pk=operation.reservation_id
        )
        operation.state = OperationState.SUCCEEDED
        operation.attempts += 1
        operation.finished_at = now
        operation.last_error = operation.last_error_code = ""
        operation.save()

        if operation.kind == OperationKind.CREATE:
            reservation.number = number or reservation.number
            reservation.reserved_at = now
        reservation.status = _status_from_operations(reservation)
        reservation.last_error = reservation.last_error_code = ""
        reservation.save()


def _status_from_operations(reservation: Reservation) -> ReservationStatus:
    """The status a reservation shows, from what is still to be sent.

    Computed under the reservation's row lock, so a late worker finishing a create
    can never show "reserved" over a cancel that was queued meanwhile.
    """
    pending = set(
        reservation.operations.filter(state=OperationState.PENDING).values_list(
            "kind", flat=True
        )
    )
    if OperationKind.CANCEL in pending:
        return ReservationStatus.CANCELLING
    if OperationKind.CREATE in pending:
        return ReservationStatus.QUEUED
    if OperationKind.AMEND in pending:
        return ReservationStatus.UPDATING
    if reservation.operations.filter(
        kind=OperationKind.CANCEL, state__in=(OperationState.SUCCEEDED,)
    ).exists():
        return ReservationStatus.CANCELLED
    if not reservation.number:
        return ReservationStatus.FAILED
    return ReservationStatus.RESERVED


def _after_failure(
    operation: ReservationOperation,
    cargo_master: CargoMasterSettings,
    error: CargoMasterError,
) -> bool:
    if error.rejected_credentials:
        _pause(cargo_master, error)
        _hold(operation.reservation, cargo_master)
        return False

    operation.attempts += 1
    operation.last_error, operation.last_error_code = error.message[:500], error.code
    operation.last_error_transient = error.transient
    if error.transient and operation.attempts < retry.MAX_ATTEMPTS:
        delay = retry.retry_delay(operation.attempts, retry_after=error.retry_after)
        now = timezone.now()
        operation.next_attempt_at = now + dt.timedelta(seconds=delay)
        operation.queued_at = now
        operation.save()
        _schedule(operation.reservation_id, at=operation.next_attempt_at)
        return False

    _fail(operation, error)
    return True


def _fail(operation: ReservationOperation, error: CargoMasterError) -> None:
    with transaction.atomic():
        reservation = Reservation.objects.select_for_update().get(
            pk=operation.reservation_id
        )
        operation.state = OperationState.FAILED
        operation.finished_at = timezone.now()
        operation.save()
        if operation.kind == OperationKind.CREATE:
            # Nothing to amend in a reservation that does not exist.
            reservation.operations.filter(
                state=OperationState.PENDING, kind=OperationKind.AMEND
            ).update(state=OperationState.SUPERSEDED, finished_at=timezone.now())
        reservation.status = ReservationStatus.FAILED
        reservation.last_error = _plain_words(operation, error)
        reservation.last_error_code = error.code
        reservation.save()
        transaction.on_commit(lambda: _tell_operations(reservation))


def _plain_words(operation: ReservationOperation, error: CargoMasterError) -> str:
    verb = {"create": "reserve", "amend": "update", "cancel": "cancel"}[operation.kind]
    if error.transient:
        return (
            f"Could not {verb} after {operation.attempts} attempts: {error.message}"
        )[:500]
    return f"Cargo Master refused to {verb}: {error.message}"[:500]


def _tell_operations(reservation: Reservation) -> None:
    recipients = list(
        Membership.objects.filter(company=reservation.company_id, role=Role.OPERATIONS)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if not recipients:
        return
    number = reservation.purchase_order.number
    send_mail(
        subject=f"Cargo Master reservation for PO {number} failed",
        message=(
            f"The Cargo Master reservation for PO {number} "
            f"({reservation.purchase_order.vendor.name}) failed.\n\n"
            f"{reservation.last_error}\n\n"
            "Retry it in Operations > Reservations once the cause is fixed."
        ),
        from_email=None,
        recipient_list=recipients,
        fail_silently=True,
    )


def _pause(cargo_master: CargoMasterSettings, error: CargoMasterError) -> None:
    updated = CargoMasterSettings.objects.filter(
        pk=cargo_master.pk, credentials_rejected_at__isnull=True
    ).update(
        credentials_rejected_at=timezone.now(),
        credentials_rejected_reason=error.message[:300],
    )
    if updated:
        logger.warning(
            "Cargo Master rejected the credentials of company %s (%s); queue paused",
            cargo_master.company_id,
            error.code,
        )


def _hold(reservation: Reservation, cargo_master: CargoMasterSettings | None) -> None:
    reason = (
        "Waiting: the company is not linked with Cargo Master."
        if cargo_master is None
        else "Waiting: Cargo Master rejected the login details; an administrator "
        "must save working ones in Cargo Master Settings."
    )
    Reservation.objects.filter(pk=reservation.pk).exclude(
        status__in=(ReservationStatus.CANCELLED,)
    ).update(status=ReservationStatus.HELD, last_error=reason, last_error_code="held")


def _schedule(reservation_id: int, *, at: dt.datetime) -> None:
    from .tasks import reservation_process

    delay = max((at - timezone.now()).total_seconds(), 0)
    reservation_process.apply_async((reservation_id,), countdown=delay)


class _AttemptRecorder:
    """Collects the client's audit records of one attempt and stores them."""

    def __init__(self, operation: ReservationOperation):
        self.operation = operation
        self.records: list[CallRecord] = []

    def __call__(self, record: CallRecord) -> None:
        self.records.append(record)

    def save(self, *, error: CargoMasterError | None = None) -> None:
        ReservationAttempt.objects.bulk_create(
            ReservationAttempt(
                operation=self.operation,
                reservation_id=self.operation.reservation_id,
                number=self.operation.attempts + 1,
                started_at=record.started_at,
                duration_ms=record.duration_ms,
                method=record.method,
                path=record.path[:200],
                http_status=record.status,
                outcome="error" if record.error_code else "ok",
                error_code=(record.error_code or "")[:60],
                message=error.message[:500] if error and record.error_code else "",
                request_body=record.request_body,
                response_body=record.response_body,
            )
            for record in self.records
        )


# Sweeping ---------------------------------------------------------------------


def reservations_sweep() -> int:
    """Queue reservations whose due work no worker holds; returns how many.

    Catches messages lost with a broker restart and leases of killed workers.
    """
    now = timezone.now()
    stranded_before = now - dt.timedelta(
        seconds=settings.RESERVATION_STRANDED_AFTER_SECONDS
    )
    ids = list(
        ReservationOperation.objects.filter(
            state=OperationState.PENDING,
            next_attempt_at__lte=now,
            queued_at__lt=stranded_before,
        )
        .filter(
            Q(reservation__lease_until__isnull=True)
            | Q(reservation__lease_until__lt=now)
        )
        .exclude(
            reservation__company__cargo_master_settings__credentials_rejected_at__isnull=False
        )
        .values_list("reservation_id", flat=True)
        .distinct()[:5000]
    )
    if ids:
        ReservationOperation.objects.filter(
            reservation_id__in=ids, state=OperationState.PENDING
        ).update(queued_at=now)
        with transaction.atomic():
            _queue_after_commit(ids)
        logger.info("Sweep queued %s reservations again", len(ids))
    return len(ids)


def _settings_of(company: Company) -> CargoMasterSettings | None:
    return CargoMasterSettings.objects.filter(company=company).first()
