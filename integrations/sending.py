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
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from companies.models import Membership, Role
from purchase_orders.models import PurchaseOrderLine

from . import retry
from .cargo_master import CallRecord, CargoMasterError
from .clients import PASSWORD_UNREADABLE, client_for
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
    with Lease.claim(reservation_ids) as lease:
        ready = lease.ids
        while ready:
            ready = [pk for pk in _send_round(ready) if pk in lease.ids]


class Lease:
    """A worker's claim on reservations, kept alive by a heartbeat while it works.

    A claim runs out RESERVATION_LEASE_SECONDS after the last beat, so a killed
    worker blocks its reservations only that long; the sweep then queues them
    again. A live one renews every third of that, however long its calls take.
    """

    def __init__(self, ids: list[int], until: dt.datetime):
        self.ids, self.until = set(ids), until
        self._stop = threading.Event()
        self._heart = threading.Thread(target=self._beat, daemon=True)

    @classmethod
    def claim(cls, reservation_ids: list[int]) -> "Lease":
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
        return cls(free, until)

    def __enter__(self) -> "Lease":
        if self.ids:
            self._heart.start()
        return self

    def __exit__(self, *exc_info) -> None:
        if self._heart.is_alive():
            self._stop.set()
            self._heart.join()
        Reservation.objects.filter(pk__in=self.ids, lease_until=self.until).update(
            lease_until=None
        )

    def _beat(self) -> None:
        interval = settings.RESERVATION_LEASE_SECONDS / 3
        try:
            while not self._stop.wait(interval):
                self._renew()
        finally:
            connection.close()

    def _renew(self) -> None:
        renewed = _lease_end()
        held = Reservation.objects.filter(pk__in=self.ids, lease_until=self.until)
        if held.update(lease_until=renewed) < len(self.ids):
            # Only a stalled worker loses a lease; what it lost is another's now.
            self.ids = set(
                Reservation.objects.filter(
                    pk__in=self.ids, lease_until=renewed
                ).values_list("pk", flat=True)
            )
            logger.warning("Lost the lease of some reservations; kept %s", self.ids)
        self.until = renewed


def _lease_end() -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=settings.RESERVATION_LEASE_SECONDS)


def _send_round(reservation_ids: list[int]) -> list[int]:
    """Send each reservation's next operation; returns those that may go on."""
    due, settled = _prepare(_due_operations(reservation_ids))
    if not due:
        return settled

    outcomes = _call_all(due)
    _record_attempts(outcomes)
    succeeded = [outcome for outcome in outcomes if outcome.error is None]
    _apply_successes(succeeded)
    go_on = settled + [outcome.operation.reservation_id for outcome in succeeded]
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


def _prepare(
    operations: list[ReservationOperation],
) -> tuple[list[ReservationOperation], list[int]]:
    """Freeze bodies at the first attempt; settle the operations that are moot.

    Returns the operations to send, and the reservations whose moot operation was
    settled without a call (their next one may go at once). The reservation rows
    are locked while the PO is read, so an edit committed meanwhile either is in
    the body or, arriving after it, queues an amend of its own.
    """
    fresh = [operation for operation in operations if operation.body is None]
    if not fresh:
        return operations, []

    with transaction.atomic():
        list(
            Reservation.objects.select_for_update()
            .filter(pk__in=[operation.reservation_id for operation in fresh])
            .values_list("pk")
        )
        moot = [operation for operation in fresh if _is_moot(operation)]
        for operation in moot:
            _settle_without_call(operation)
        to_build = [operation for operation in fresh if operation not in moot]
        lines = _lines_of(
            operation.reservation.purchase_order_id
            for operation in to_build
            if operation.kind != OperationKind.CANCEL
        )
        for operation in to_build:
            operation.body = _body_for(operation, lines)
        ReservationOperation.objects.bulk_update(to_build, ["body"])

    return (
        [operation for operation in operations if operation not in moot],
        [operation.reservation_id for operation in moot],
    )


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
            "vendor_code": reservation.vendor_code,
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


def _settle_without_call(operation: ReservationOperation) -> None:
    """Close an operation Cargo Master need not hear of; the caller holds the lock."""
    operation.state = OperationState.SUPERSEDED
    operation.finished_at = timezone.now()
    operation.save(update_fields=["state", "finished_at"])
    reservation = operation.reservation
    if operation.kind == OperationKind.CANCEL:
        status = ReservationStatus.CANCELLED
    else:
        status = statuses_from_operations([reservation])[reservation.pk]
    Reservation.objects.filter(pk=reservation.pk).update(
        status=status, updated_at=timezone.now()
    )


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
        connection.close()  # the pool's threads end with the round


def _call(operation: ReservationOperation) -> Outcome:
    outcome = Outcome(operation=operation)
    started = time.monotonic()
    try:
        client = client_for(_settings_of(operation), audit=outcome.records.append)
        outcome.number = _send(client, operation)
    except CargoMasterError as error:
        outcome.error = error
    except ValueError as error:
        # A body the client cannot turn into a request: no retry will mend it.
        outcome.error = CargoMasterError(
            f"The request could not be built: {error}",
            code="bad_request_body",
            transient=False,
        )
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

    number = reservation.number or _unanswered_create(client, operation)
    if number:
        client.cancel_reservation(number, reason=body["reason"], idempotency_key=key)
    return number


def _unanswered_create(client, operation: ReservationOperation) -> str:
    """The number of a reservation whose create got no answer, if Cargo Master has it.

    The PO number alone is not enough: after a vendor change the PO's new
    reservation has the same reference. So the match is on the vendor code too,
    and never a number another of our reservations already owns.
    """
    reservation, body = operation.reservation, operation.body
    candidates = [
        found.number
        for found in client.find_reservations(body["reference"])
        if not found.is_cancelled and found.vendor_code == body["vendor_code"]
    ]
    owned = set(
        Reservation.objects.filter(number__in=candidates)
        .exclude(pk=reservation.pk)
        .values_list("number", flat=True)
    )
    unowned = [number for number in candidates if number not in owned]
    return unowned[0] if unowned else ""


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
    if error.rejected_credentials or error.code == PASSWORD_UNREADABLE:
        _pause_or_try_anew(operation, error)
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


def _pause_or_try_anew(
    operation: ReservationOperation, error: CargoMasterError
) -> None:
    """Pause the company's queue, unless the settings changed since the call.

    An answer to the old credentials must not pause a queue an administrator has
    just mended: the operation then goes again, with no attempt spent.
    """
    cargo_master = _settings_of(operation)
    current = CargoMasterSettings.objects.filter(
        pk=cargo_master.pk, updated_at=cargo_master.updated_at
    )
    if not current.exists():
        _schedule(operation.reservation_id, at=timezone.now())
        return
    paused = current.filter(credentials_rejected_at__isnull=True).update(
        credentials_rejected_at=timezone.now(),
        credentials_rejected_reason=error.message[:300],
    )
    if paused:
        logger.warning(
            "Cargo Master rejected the credentials of company %s (%s); queue paused",
            cargo_master.company_id,
            error.code,
        )
    _hold(operation.reservation, cargo_master)


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
