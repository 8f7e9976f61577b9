"""Sending reservation operations to Cargo Master: what a worker does.

A worker takes a batch of reservation ids, leases the ones no other worker holds,
and sends each one's next due operation, the HTTP calls running side by side while
the database work for the batch is done in a few bulk queries. A reservation whose
operation succeeded goes round again, so a cancel queued behind a create follows
at once. Leases run out by themselves, so a killed worker blocks nothing for
longer than RESERVATION_LEASE_SECONDS; the sweep then queues its work again.
"""

import datetime as dt
import logging
import smtplib
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone

from companies.models import Membership, Role
from purchase_orders.models import PurchaseOrderLine

from . import retry
from .cargo_master import CallRecord, CargoMasterError
from .clients import client_for
from .models import (
    CargoMasterSettings,
    OperationKind,
    OperationState,
    Reservation,
    ReservationAttempt,
    ReservationOperation,
    ReservationStatus,
)
from .services import reservation_body, statuses_from_operations

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    """One operation's call: what it returned or raised, and its audit records."""

    operation: ReservationOperation
    records: list[CallRecord] = field(default_factory=list)
    number: str = ""
    error: CargoMasterError | None = None
    duration_ms: int = 0


def reservations_process(*, reservation_ids: list[int]) -> None:
    """Send the due operations of these reservations, in order, under a lease."""
    until, claimed = _claim(reservation_ids)
    try:
        ready = claimed
        while ready:
            ready = _send_round(ready)
            until = _extend(claimed, until)
    finally:
        Reservation.objects.filter(pk__in=claimed, lease_until=until).update(
            lease_until=None
        )


def _lease_end() -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=settings.RESERVATION_LEASE_SECONDS)


def _claim(reservation_ids: list[int]) -> tuple[dt.datetime, list[int]]:
    """Lease the reservations no live worker holds; others are left to it."""
    now, until = timezone.now(), _lease_end()
    with transaction.atomic():
        free = list(
            Reservation.objects.select_for_update(skip_locked=True)
            .filter(pk__in=reservation_ids)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .values_list("pk", flat=True)
        )
        Reservation.objects.filter(pk__in=free).update(lease_until=until)
    return until, free


def _extend(claimed: list[int], until: dt.datetime) -> dt.datetime:
    renewed = _lease_end()
    Reservation.objects.filter(pk__in=claimed, lease_until=until).update(
        lease_until=renewed
    )
    return renewed


def _send_round(reservation_ids: list[int]) -> list[int]:
    """Send each reservation's next operation; returns those that may go on."""
    due = _due_operations(reservation_ids)
    due = _prepare(due)
    if not due:
        return []

    outcomes = _call_all(due)
    _record_attempts(outcomes)
    succeeded = [outcome for outcome in outcomes if outcome.error is None]
    _apply_successes(succeeded)
    go_on = [outcome.operation.reservation_id for outcome in succeeded]
    for outcome in outcomes:
        if outcome.error is not None and _apply_failure(outcome):
            go_on.append(outcome.operation.reservation_id)
    return go_on


def _due_operations(reservation_ids: list[int]) -> list[ReservationOperation]:
    """Each reservation's first pending operation, if it is due and may be sent."""
    pending = ReservationOperation.objects.filter(
        reservation_id__in=reservation_ids, state=OperationState.PENDING
    ).select_related(
        "reservation__company__cargo_master_settings",
        "reservation__purchase_order__vendor",
        "reservation__purchase_order__company",
    )
    first: dict[int, ReservationOperation] = {}
    for operation in pending.order_by("id"):
        first.setdefault(operation.reservation_id, operation)

    now, due = timezone.now(), []
    for operation in first.values():
        cargo_master = _settings_of(operation)
        if cargo_master is None or cargo_master.is_paused:
            _hold(operation.reservation, cargo_master)
        elif operation.next_attempt_at > now:
            _schedule(operation.reservation_id, at=operation.next_attempt_at)
        else:
            due.append(operation)
    return due


def _settings_of(operation: ReservationOperation) -> CargoMasterSettings | None:
    return getattr(operation.reservation.company, "cargo_master_settings", None)


# Bodies -------------------------------------------------------------------------


def _prepare(operations: list[ReservationOperation]) -> list[ReservationOperation]:
    """Freeze bodies at the first attempt; drop operations that are moot."""
    fresh = [operation for operation in operations if operation.body is None]
    moot = [operation for operation in fresh if _is_moot(operation)]
    for operation in moot:
        _finish_without_call(operation)

    to_build = [operation for operation in fresh if operation not in moot]
    lines = _lines_of(
        operation.reservation.purchase_order_id
        for operation in to_build
        if operation.kind != OperationKind.CANCEL
    )
    for operation in to_build:
        operation.body = _body_for(operation, lines)
    ReservationOperation.objects.bulk_update(to_build, ["body"])
    return [operation for operation in operations if operation not in moot]


def _lines_of(purchase_order_ids: Iterable[int]) -> dict[int, list[PurchaseOrderLine]]:
    lines: dict[int, list[PurchaseOrderLine]] = {}
    for line in PurchaseOrderLine.objects.filter(
        purchase_order_id__in=list(purchase_order_ids)
    ).select_related("product", "box_type"):
        lines.setdefault(line.purchase_order_id, []).append(line)
    return lines


def _body_for(
    operation: ReservationOperation, lines: dict[int, list[PurchaseOrderLine]]
) -> dict:
    reservation = operation.reservation
    purchase_order = reservation.purchase_order
    if operation.kind == OperationKind.CANCEL:
        return {
            "reason": operation.reason or "Cancelled by the importer.",
            "reference": str(purchase_order.number),
        }
    return reservation_body(
        purchase_order,
        vendor_code=reservation.vendor_code,
        lines=lines.get(purchase_order.pk, []),
    )


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


# Calls --------------------------------------------------------------------------


def _call_all(operations: list[ReservationOperation]) -> list[Outcome]:
    if len(operations) == 1:
        return [_call(operations[0])]
    workers = min(len(operations), settings.CARGO_MASTER_PARALLEL_CALLS)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_call_in_thread, operations))


def _call_in_thread(operation: ReservationOperation) -> Outcome:
    try:
        return _call(operation)
    finally:
        close_old_connections()


def _call(operation: ReservationOperation) -> Outcome:
    outcome = Outcome(operation=operation)
    client = client_for(_settings_of(operation), audit=outcome.records.append)
    started = time.monotonic()
    try:
        outcome.number = _send(client, operation)
    except CargoMasterError as error:
        outcome.error = error
    outcome.duration_ms = round((time.monotonic() - started) * 1000)
    _log(outcome)
    return outcome


def _send(client, operation: ReservationOperation) -> str:
    """Send one operation's frozen body; returns the reservation number."""
    reservation, body = operation.reservation, operation.body
    key = str(operation.idempotency_key)
    if operation.kind != OperationKind.CANCEL:
        return client.send_operation(
            kind=operation.kind,
            number=reservation.number or None,
            body=body,
            idempotency_key=key,
        ).number

    # A cancel after an unanswered create asks Cargo Master whether it exists.
    number = reservation.number
    if not number:
        found = client.find_reservation(body["reference"])
        number = found.number if found else ""
    if number:
        client.cancel_reservation(number, reason=body["reason"], idempotency_key=key)
    return number


def _log(outcome: Outcome) -> None:
    operation, error = outcome.operation, outcome.error
    reservation = operation.reservation
    logger.info(
        "Cargo Master %s company=%s po=%s reservation=%s attempt=%s outcome=%s "
        "code=%s duration_ms=%d",
        operation.kind,
        reservation.company_id,
        reservation.purchase_order.number,
        reservation.pk,
        operation.attempts + 1,
        "ok" if error is None else "error",
        error.code if error else "-",
        outcome.duration_ms,
    )


# Recording ----------------------------------------------------------------------


def _record_attempts(outcomes: list[Outcome]) -> None:
    ReservationAttempt.objects.bulk_create(
        _attempt_row(outcome, record)
        for outcome in outcomes
        for record in outcome.records
    )


def _attempt_row(outcome: Outcome, record: CallRecord) -> ReservationAttempt:
    error = outcome.error if record.error_code else None
    return ReservationAttempt(
        operation=outcome.operation,
        reservation_id=outcome.operation.reservation_id,
        number=outcome.operation.attempts + 1,
        started_at=record.started_at,
        duration_ms=record.duration_ms,
        method=record.method,
        path=record.path[:200],
        http_status=record.status,
        outcome="error" if record.error_code else "ok",
        error_code=(record.error_code or "")[:60],
        message=error.message[:500] if error else "",
        request_body=record.request_body,
        response_body=record.response_body,
    )


def _apply_successes(outcomes: list[Outcome]) -> None:
    """Record successes under the reservations' row locks.

    The status is computed from what is still pending while the rows are locked,
    so a late worker finishing a create can never show "reserved" over a cancel
    that was queued meanwhile.
    """
    if not outcomes:
        return
    now = timezone.now()
    with transaction.atomic():
        reservations = Reservation.objects.select_for_update().in_bulk(
            [outcome.operation.reservation_id for outcome in outcomes]
        )
        for outcome in outcomes:
            operation = outcome.operation
            operation.state, operation.finished_at = OperationState.SUCCEEDED, now
            operation.attempts += 1
            operation.last_error = operation.last_error_code = ""
            if operation.kind == OperationKind.CREATE:
                reservation = reservations[operation.reservation_id]
                reservation.number = outcome.number or reservation.number
                reservation.reserved_at = now
        ReservationOperation.objects.bulk_update(
            [outcome.operation for outcome in outcomes],
            ["state", "finished_at", "attempts", "last_error", "last_error_code"],
        )
        statuses = statuses_from_operations(list(reservations.values()))
        for reservation in reservations.values():
            reservation.status = statuses[reservation.pk]
            reservation.last_error = reservation.last_error_code = ""
            reservation.updated_at = now
        Reservation.objects.bulk_update(
            reservations.values(),
            ["number", "reserved_at", "status", "last_error", "last_error_code",
             "updated_at"],
        )  # fmt: skip


def _apply_failure(outcome: Outcome) -> bool:
    """Retry later, fail, or hold; True if the reservation's next operation may go."""
    operation, error = outcome.operation, outcome.error
    cargo_master = _settings_of(operation)
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
    now = timezone.now()
    with transaction.atomic():
        reservation = Reservation.objects.select_for_update().get(
            pk=operation.reservation_id
        )
        operation.state, operation.finished_at = OperationState.FAILED, now
        operation.save()
        if operation.kind == OperationKind.CREATE:
            # Nothing to amend in a reservation that does not exist.
            reservation.operations.filter(
                state=OperationState.PENDING, kind=OperationKind.AMEND
            ).update(state=OperationState.SUPERSEDED, finished_at=now)
        reservation.status = ReservationStatus.FAILED
        reservation.last_error = _plain_words(operation, error)
        reservation.last_error_code = error.code
        reservation.save()
    _tell_operations(operation.reservation, reservation.last_error)


def _plain_words(operation: ReservationOperation, error: CargoMasterError) -> str:
    verb = {"create": "reserve", "amend": "update", "cancel": "cancel"}[operation.kind]
    if error.transient:
        return f"Could not {verb} after {operation.attempts} attempts: {error.message}"[
            :500
        ]
    return f"Cargo Master refused to {verb}: {error.message}"[:500]


def _tell_operations(reservation: Reservation, reason: str) -> None:
    recipients = list(
        Membership.objects.filter(company=reservation.company_id, role=Role.OPERATIONS)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if not recipients:
        return
    purchase_order = reservation.purchase_order
    try:
        send_mail(
            subject=f"Cargo Master reservation for PO {purchase_order.number} failed",
            message=(
                f"The Cargo Master reservation for PO {purchase_order.number} "
                f"({purchase_order.vendor.name}) failed.\n\n{reason}\n\n"
                "Retry it in Operations > Reservations once the cause is fixed."
            ),
            from_email=None,
            recipient_list=recipients,
        )
    except (OSError, smtplib.SMTPException):
        # The failure is on the reservation and in admin; a mail outage must not
        # turn it into a worker crash.
        logger.exception(
            "Could not e-mail the reservation failure of PO %s", purchase_order.number
        )


def _pause(cargo_master: CargoMasterSettings, error: CargoMasterError) -> None:
    paused = CargoMasterSettings.objects.filter(
        pk=cargo_master.pk, credentials_rejected_at__isnull=True
    ).update(
        credentials_rejected_at=timezone.now(),
        credentials_rejected_reason=error.message[:300],
    )
    if paused:
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
        status=ReservationStatus.CANCELLED
    ).update(status=ReservationStatus.HELD, last_error=reason, last_error_code="held")


def _schedule(reservation_id: int, *, at: dt.datetime) -> None:
    from .tasks import reservations_process

    delay = max((at - timezone.now()).total_seconds(), 0)
    reservations_process.apply_async(([reservation_id],), countdown=delay)
