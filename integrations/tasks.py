"""Celery doors into the reservation services. Tasks take ids, never objects."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def reservation_process(reservation_id: int) -> None:
    services.reservation_process(reservation_id=reservation_id)


@shared_task(ignore_result=True)
def reservations_dispatch(reservation_ids: list[int]) -> None:
    """Fan a bulk request out into one task per reservation."""
    for reservation_id in reservation_ids:
        reservation_process.delay(reservation_id)


@shared_task(ignore_result=True)
def reservations_sweep() -> int:
    return services.reservations_sweep()
