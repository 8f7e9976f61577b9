"""Reservations at Cargo Master: requesting them, following PO changes, retrying.

The database is the source of truth. Every intended change at Cargo Master is an
outbox row (ReservationOperation) written in the same transaction as the PO change
that caused it; a Celery task is queued only after that transaction commits and
carries nothing but reservation ids. What a worker then does is in sending.py.
Each operation keeps one idempotency key for all its retries, so Cargo Master
applies it once whatever is retried, redelivered or swept up again.
"""

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from companies.models import Company
from purchase_orders.models import SENT_STATUSES, PurchaseOrder, PurchaseOrderLine
from purchase_orders.signals import Change

from .models import (
    CargoMasterSettings,
    OperationKind,
    OperationState,
    Reservation,
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
    """Queue the reservations' work once the current transaction commits.

    Large selections go out as batches: a worker sends a batch's calls side by
    side and writes their results in a few queries.
    """
    from .tasks import reservations_process

    size = settings.RESERVATION_BATCH_SIZE
    batches = [
        reservation_ids[start : start + size]
        for start in range(0, len(reservation_ids), size)
    ]
    if batches:
        # Robust: the change is committed whatever the broker says, and if it
        # cannot take the message now, the sweep queues the work later.
        transaction.on_commit(
            lambda: [reservations_process.delay(batch) for batch in batches],
            robust=True,
        )


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
    pending = reservation.operations.filter(state=OperationState.PENDING)
    # An operation not yet attempted builds its body from the PO when it is sent
    # (under this reservation's lock), so it carries this change too: quick
    # successive edits send only the latest state.
    if pending.filter(
        kind__in=(OperationKind.CREATE, OperationKind.AMEND), body__isnull=True
    ).exists():
        return
    # Nothing at Cargo Master to amend: a retry builds its create from the PO.
    if not reservation.number and not pending.filter(kind=OperationKind.CREATE):
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
    statuses = statuses_from_operations(reservations)
    for reservation in reservations:
        reservation.status = statuses[reservation.pk]
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
        statuses = statuses_from_operations(held)
        for reservation in held:
            reservation.status = statuses[reservation.pk]
            reservation.last_error = reservation.last_error_code = ""
        Reservation.objects.bulk_update(
            held, ["status", "last_error", "last_error_code"]
        )
        _queue_after_commit([reservation.pk for reservation in held])
    logger.info("Cargo Master queue of company %s resumed", company.pk)
    return len(held)


# What Cargo Master is told ---------------------------------------------------


def reservation_body(
    purchase_order: PurchaseOrder,
    *,
    vendor_code: str,
    lines: list[PurchaseOrderLine] | None = None,
) -> dict:
    """What Cargo Master is told about a PO, as JSON-ready fixed-point strings."""
    if lines is None:
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


def statuses_from_operations(
    reservations: list[Reservation],
) -> dict[int, ReservationStatus]:
    """The status each reservation shows, from what is still to be sent.

    Call it with the reservations' rows locked, so the answer cannot be overtaken
    by an operation queued meanwhile.
    """
    ids = [reservation.pk for reservation in reservations]
    pending: dict[int, set[str]] = {}
    for reservation_id, kind in ReservationOperation.objects.filter(
        reservation_id__in=ids, state=OperationState.PENDING
    ).values_list("reservation_id", "kind"):
        pending.setdefault(reservation_id, set()).add(kind)
    cancelled = set(
        ReservationOperation.objects.filter(
            reservation_id__in=ids,
            kind=OperationKind.CANCEL,
            state=OperationState.SUCCEEDED,
        ).values_list("reservation_id", flat=True)
    )
    return {
        reservation.pk: _status(
            pending.get(reservation.pk, set()),
            cancelled=reservation.pk in cancelled,
            number=reservation.number,
        )
        for reservation in reservations
    }


def _status(pending: set[str], *, cancelled: bool, number: str) -> ReservationStatus:
    if OperationKind.CANCEL in pending:
        return ReservationStatus.CANCELLING
    if OperationKind.CREATE in pending:
        return ReservationStatus.QUEUED
    if OperationKind.AMEND in pending:
        return ReservationStatus.UPDATING
    if cancelled:
        return ReservationStatus.CANCELLED
    return ReservationStatus.RESERVED if number else ReservationStatus.FAILED


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
        .order_by("reservation_id")
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
