"""Reservations and labels through the API, against the real sandbox over HTTP."""

import pytest

from integrations.models import (
    OperationKind,
    OperationState,
    Reservation,
    ReservationOperation,
    ReservationStatus,
)
from purchase_orders.services import purchase_order_send
from tests.api.conftest import error_of, token_client

URL = "/api/v1/reservations/"


@pytest.fixture
def failed(acme, purchase_order) -> Reservation:
    """A reservation whose create Cargo Master did not answer (a timeout)."""
    from django.utils import timezone

    reservation = Reservation.objects.create(
        company=acme,
        purchase_order=purchase_order,
        vendor_code="UIO07100",
        status=ReservationStatus.FAILED,
        last_error="Cargo Master did not answer.",
    )
    ReservationOperation.objects.create(
        reservation=reservation,
        kind=OperationKind.CREATE,
        state=OperationState.FAILED,
        last_error_transient=True,
        next_attempt_at=timezone.now(),
    )
    return reservation


def test_reservations_list_and_read_with_their_po(operations_client, failed):
    listed = operations_client.get(URL, {"status": "failed"}).json()
    read = operations_client.get(f"{URL}{failed.pk}/").json()

    assert [r["id"] for r in listed["results"]] == [failed.pk]
    assert read["purchase_order"] == failed.purchase_order_id
    assert read["purchase_order_number"] == failed.purchase_order.number
    assert read["status"] == "failed"
    assert read["last_error"] == "Cargo Master did not answer."


def test_retry_queues_a_failed_reservation_again(operations_client, failed):
    response = operations_client.post(f"{URL}{failed.pk}/retry/")

    assert response.status_code == 200
    assert response.json()["status"] == "queued"
    assert response.json()["last_error"] == ""
    operation = failed.operations.get()
    assert operation.state == OperationState.PENDING


def test_retrying_twice_is_a_conflict_the_second_time(operations_client, failed):
    operations_client.post(f"{URL}{failed.pk}/retry/")

    response = operations_client.post(f"{URL}{failed.pk}/retry/")

    assert response.status_code == 409
    assert error_of(response)["message"] == (
        f"Reservation {failed.pk} is Queued: only failed or held reservations "
        "are retried."
    )


@pytest.mark.parametrize("query", [{"purchase_order": 10**25}, {"status": "lost"}])
def test_bad_reservation_filters_are_a_400(operations_client, failed, query):
    response = operations_client.get(URL, query)

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == list(query)


@pytest.mark.django_db(transaction=True)
def test_labels_come_back_as_a_pdf_for_a_reserved_po(
    cargo_master, queue, acme, purchase_order
):
    purchase_order_send(purchase_order=purchase_order)
    queue.drain()
    client = token_client(acme, {"labels": "read"})

    response = client.get(f"/api/v1/purchase-orders/{purchase_order.pk}/labels/")

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'inline; filename="labels-po-1.pdf"'


@pytest.mark.django_db(transaction=True)
def test_labels_of_an_unreserved_po_say_why_there_are_none(
    cargo_master, acme, purchase_order
):
    client = token_client(acme, {"labels": "read"})

    response = client.get(
        f"/api/v1/purchase-orders/{purchase_order.pk}/labels/",
        HTTP_ACCEPT="application/pdf",
    )

    assert response.status_code == 409
    assert response["Content-Type"] == "application/json"
    assert error_of(response)["message"] == (
        "PO 1 has no labels: it is not reserved at Cargo Master."
    )
