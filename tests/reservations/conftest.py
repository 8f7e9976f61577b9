"""A company linked with the sandbox, and a recording queue that tests drain.

Tests here run the reservation services against the real sandbox over HTTP. The
Celery queue is replaced by a recorder (what would have been queued, with which
arguments), and `drain` does a worker's job in-process, so each test controls
exactly when work runs. test_worker.py uses a real worker process instead.
"""

from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from integrations import services, tasks
from purchase_orders.tasks import purchase_orders_email
from integrations.models import (
    CargoMasterSettings,
    OperationState,
    Reservation,
    ReservationOperation,
    SendMode,
)
from sandbox.seed import DEMO_IMPORTER_CODE, DEMO_PASSWORD, DEMO_USERNAME


@pytest.fixture
def cargo_master(transactional_db, acme, sandbox, settings) -> CargoMasterSettings:
    """Acme linked with the sandbox, in automatic mode, with quick retries."""
    settings.CARGO_MASTER_URLS = {"sandbox": sandbox.url, "production": sandbox.url}
    settings.CARGO_MASTER_RETRY_BASE_SECONDS = 0.01
    settings.CARGO_MASTER_READ_TIMEOUT = 2
    linked = CargoMasterSettings(
        company=acme,
        username=DEMO_USERNAME,
        importer_code=DEMO_IMPORTER_CODE,
        send_mode=SendMode.AUTOMATIC,
    )
    linked.set_password(DEMO_PASSWORD)
    linked.save()
    return linked


@dataclass(frozen=True)
class Message:
    task: str
    reservation_ids: list[int]
    countdown: float | None = None


@dataclass
class RecordingQueue:
    """Stands in for the broker: records each task message instead of sending it."""

    messages: list[Message] = field(default_factory=list)

    def reservation_ids(self) -> list[int]:
        return [rid for message in self.messages for rid in message.reservation_ids]

    def drain(self, *, rounds: int = 40) -> None:
        """Run due work until nothing changes, as a worker would, skipping waits."""
        for _ in range(rounds):
            before = _progress()
            pending = ReservationOperation.objects.filter(state=OperationState.PENDING)
            pending.update(next_attempt_at=timezone.now())
            for reservation_id in set(pending.values_list("reservation_id", flat=True)):
                services.reservation_process(reservation_id=reservation_id)
            if _progress() == before:
                return
        raise AssertionError(f"work still changing after {rounds} rounds")


def _progress() -> tuple:
    return (
        tuple(
            ReservationOperation.objects.order_by("id").values_list("state", "attempts")
        ),
        tuple(Reservation.objects.order_by("id").values_list("status", "number")),
    )


@pytest.fixture
def queue(monkeypatch) -> RecordingQueue:
    recorder = RecordingQueue()
    process, dispatch = tasks.reservation_process, tasks.reservations_dispatch

    def delay(reservation_id):
        recorder.messages.append(Message("process", [reservation_id]))

    def apply_async(args, countdown=None, **options):
        recorder.messages.append(Message("process", [args[0]], countdown))

    def dispatch_delay(reservation_ids):
        recorder.messages.append(Message("dispatch", list(reservation_ids)))

    monkeypatch.setattr(process, "delay", delay)
    monkeypatch.setattr(process, "apply_async", apply_async)
    monkeypatch.setattr(dispatch, "delay", dispatch_delay)
    # E-mailing the PO to the farm is not under test here; do it in-process.
    monkeypatch.setattr(
        purchase_orders_email, "delay", lambda ids: purchase_orders_email(ids)
    )
    return recorder
