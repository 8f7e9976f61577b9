"""Celery doors into the reservation services. Tasks take ids, never objects."""

from celery import shared_task

from . import sending, services


@shared_task(acks_late=True, ignore_result=True)
def reservations_process(reservation_ids: list[int]) -> None:
    sending.reservations_process(reservation_ids=reservation_ids)


@shared_task(ignore_result=True)
def reservations_sweep() -> int:
    return services.reservations_sweep()
