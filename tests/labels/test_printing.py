"""Printing box labels for reserved POs, against the real sandbox over HTTP."""

import pytest
from django.urls import reverse

from integrations.clients import client_for
from integrations.models import (
    LabelPrint,
    LabelSize,
    Reservation,
    ReservationStatus,
)
from purchase_orders.services import purchase_order_send
from tests.fixtures.personas import line_input, make_box_type, make_vendor
from tests.labels import pdf as read

pytestmark = pytest.mark.django_db(transaction=True)

LABELS = reverse("integrations:labels")


def reserve(queue, *orders) -> None:
    for order in orders:
        purchase_order_send(purchase_order=order)
    queue.drain()
    for order in orders:
        assert reservation_of(order).status == ReservationStatus.RESERVED


def reservation_of(order) -> Reservation:
    return Reservation.objects.get(purchase_order=order, active=True)


def print_labels(client, *orders, follow=False, **fields):
    return client.post(
        LABELS, {"ids": [order.pk for order in orders], **fields}, follow=follow
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def farm_orders(acme, vendor, box_type, product):
    """Two POs of 3 + 2 boxes from two farms with accented or quoted names."""
    from tests.fixtures.personas import make_purchase_order

    higgins = make_vendor(
        acme,
        code="FLORT",
        name="Flores O'Higgins Export",
        country="CO",
        origin="MDE",
        cargo_master_code="MDE08506",
    )
    quarter = make_box_type(acme, "QB", "0.25")
    nusta = make_purchase_order(
        acme,
        vendor=vendor,
        lines=[
            line_input(product, box_type, boxes=2),
            line_input(product, quarter, boxes=1, mark_code="JOSÉ-ÚÑ"),
        ],
    )
    higgins_order = make_purchase_order(
        acme, vendor=higgins, lines=[line_input(product, box_type, boxes=2)]
    )
    return nusta, higgins_order


# What the labels say and scan as ---------------------------------------------------


def test_every_barcode_scans_as_the_box_code_cargo_master_assigned(
    cargo_master, queue, operations_client, farm_orders
):
    reserve(queue, *farm_orders)
    client = client_for(cargo_master)
    assigned = [
        box.box_code
        for order in farm_orders
        for box in client.get_labels(reservation_of(order).number)
    ]

    response = print_labels(operations_client, *farm_orders)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert len(assigned) == 5
    assert read.scanned_barcodes(response.content) == assigned


def test_there_is_one_label_per_box_of_the_po(
    cargo_master, queue, operations_client, farm_orders
):
    reserve(queue, *farm_orders)

    pdf = print_labels(operations_client, *farm_orders).content

    assert read.page_count(pdf) == 3 + 2
    pages = [" ".join(words) for words in read.words_by_page(pdf)]
    assert ["Box 1 of 3" in page for page in pages[:3]] == [True, False, False]
    assert "Box 3 of 3" in pages[2]
    assert "Box 2 of 2" in pages[4]


def test_names_with_accents_and_apostrophes_print_intact(
    cargo_master, queue, operations_client, farm_orders
):
    reserve(queue, *farm_orders)

    text = read.text(print_labels(operations_client, *farm_orders).content)

    assert "Flores La Ñusta" in text
    assert "Flores O'Higgins Export" in text
    assert "JOSÉ-ÚÑ" in text


def test_a_label_carries_the_po_reservation_vendor_code_route_and_importer(
    cargo_master, queue, operations_client, purchase_order
):
    reserve(queue, purchase_order)
    number = reservation_of(purchase_order).number

    pdf = print_labels(operations_client, purchase_order).content

    first = " ".join(read.words_by_page(pdf)[0])
    for expected in [
        "Acme Flowers",
        "UIO07100",
        f"PO {purchase_order.number}",
        f"Reservation {number}",
        f"Ship {purchase_order.ship_date:%b %d, %Y}",
        "UIO > MIA",
        "Rose Freedom 50cm",
        "HB",
        "Mark GRC-ATL",
        "Box 1 of 2",
        f"{number}-00001",
    ]:
        assert expected in first


def test_labels_are_4x6_inches_when_the_company_chose_that_size(
    cargo_master, queue, operations_client, purchase_order
):
    cargo_master.label_size = LabelSize.FOUR_BY_SIX
    cargo_master.save()
    reserve(queue, purchase_order)

    pdf = print_labels(operations_client, purchase_order).content

    assert read.page_size_points(pdf) == (288, 432)
    assert len(read.scanned_barcodes(pdf)) == 2


# Reprints ------------------------------------------------------------------------


def test_printing_again_marks_every_label_r_and_keeps_the_barcodes(
    cargo_master, queue, operations_client, administrator, purchase_order
):
    reserve(queue, purchase_order)

    first = print_labels(operations_client, purchase_order).content
    second = print_labels(operations_client, purchase_order).content

    assert ["R" in words for words in read.words_by_page(first)] == [False, False]
    assert ["R" in words for words in read.words_by_page(second)] == [True, True]
    assert read.scanned_barcodes(first) == read.scanned_barcodes(second)
    prints = LabelPrint.objects.filter(reservation=reservation_of(purchase_order))
    assert [(p.boxes, p.reprint, p.printed_by.username) for p in prints] == [
        (2, False, "otto"),
        (2, True, "otto"),
    ]


def test_a_reprint_of_one_po_does_not_mark_a_first_print_of_another(
    cargo_master, queue, operations_client, farm_orders
):
    nusta, higgins = farm_orders
    reserve(queue, nusta, higgins)
    print_labels(operations_client, nusta)

    pdf = print_labels(operations_client, nusta, higgins).content

    marked = ["R" in words for words in read.words_by_page(pdf)]
    assert marked == [True, True, True, False, False]


# POs without confirmed reservations ------------------------------------------------


def test_a_po_not_sent_to_cargo_master_gets_a_message_and_no_pdf(
    cargo_master, operations_client, purchase_order
):
    detail = reverse("purchase_orders:detail", args=[purchase_order.pk])

    response = print_labels(operations_client, purchase_order, next=detail)

    assert response.status_code == 302
    assert response["Location"] == detail
    followed = operations_client.get(response["Location"], follow=True)
    assert messages_of(followed)[:2] == [
        "No labels were printed.",
        f"PO {purchase_order.number} has no labels: it is not reserved at "
        "Cargo Master.",
    ]
    assert not LabelPrint.objects.exists()


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (ReservationStatus.QUEUED, "waiting for Cargo Master to confirm it"),
        (ReservationStatus.UPDATING, "still confirming a change"),
        (ReservationStatus.FAILED, "its reservation failed: Vendor unknown"),
        (ReservationStatus.CANCELLED, "its reservation is cancelled"),
        (ReservationStatus.HELD, "rejected the company's credentials"),
    ],
)
def test_a_reservation_that_is_not_confirmed_gets_a_message_saying_why(
    cargo_master, queue, operations_client, purchase_order, status, reason
):
    reserve(queue, purchase_order)
    Reservation.objects.filter(purchase_order=purchase_order).update(
        status=status, last_error="Vendor unknown"
    )

    response = print_labels(operations_client, purchase_order)

    assert response.status_code == 302
    text = " ".join(messages_of(operations_client.get(response["Location"])))
    assert f"PO {purchase_order.number} has no labels" in text
    assert reason in text
    assert not LabelPrint.objects.exists()


def test_a_mixed_selection_says_which_pos_were_left_out_before_printing(
    cargo_master, queue, operations_client, farm_orders, purchase_order
):
    nusta, higgins = farm_orders
    reserve(queue, nusta, higgins)

    response = print_labels(operations_client, nusta, purchase_order, higgins)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert f"PO {purchase_order.number}: it is not reserved at Cargo Master." in page
    assert "2 POs can be printed: 5 labels, one per box." in page
    assert not LabelPrint.objects.exists()

    printed = print_labels(operations_client, nusta, higgins, partial="1")

    assert read.page_count(printed.content) == 5


def test_looking_at_a_selection_prints_nothing(
    cargo_master, queue, operations_client, purchase_order
):
    reserve(queue, purchase_order)

    response = operations_client.get(LABELS, {"ids": [purchase_order.pk]})

    assert response.status_code == 200
    assert "1 PO can be printed: 2 labels" in response.content.decode()
    assert not LabelPrint.objects.exists()


def test_an_empty_selection_says_to_select_a_po(cargo_master, operations_client):
    response = operations_client.post(LABELS, follow=True)

    assert "Select at least one PO to print labels for." in messages_of(response)


# Cargo Master failing --------------------------------------------------------------


def test_cargo_master_failing_gives_a_message_not_a_500(
    cargo_master, queue, sandbox, operations_client, purchase_order
):
    reserve(queue, purchase_order)
    sandbox.set_faults(script=[{"fault": "server_error", "operation": "labels"}])

    response = print_labels(operations_client, purchase_order)

    assert response.status_code == 302
    text = " ".join(messages_of(operations_client.get(response["Location"])))
    assert f"PO {purchase_order.number} has no labels: Cargo Master did not" in text
    assert "try again in a few minutes" in text
    assert not LabelPrint.objects.exists()


def test_a_reservation_cargo_master_cancelled_on_its_side_gets_its_refusal(
    cargo_master, queue, operations_client, purchase_order
):
    reserve(queue, purchase_order)
    number = reservation_of(purchase_order).number
    client_for(cargo_master).cancel_reservation(
        number, reason="Cancelled at the agency's counter.", idempotency_key="k-1"
    )

    response = print_labels(operations_client, purchase_order)

    text = " ".join(messages_of(operations_client.get(response["Location"])))
    assert f"Cargo Master refused the labels: Reservation {number} is cancelled" in (
        text
    )


# Who can print, and when -----------------------------------------------------------


def test_administrators_can_print_labels(
    cargo_master, queue, administrator_client, purchase_order
):
    reserve(queue, purchase_order)

    response = print_labels(administrator_client, purchase_order)

    assert response["Content-Type"] == "application/pdf"


def test_buyers_cannot_print_labels(cargo_master, queue, buyer_client, purchase_order):
    reserve(queue, purchase_order)

    assert print_labels(buyer_client, purchase_order).status_code == 403
    assert buyer_client.get(LABELS, {"ids": purchase_order.pk}).status_code == 403
    assert not LabelPrint.objects.exists()


def test_another_companys_po_is_not_found(
    cargo_master, queue, operations_client, purchase_order, other_purchase_order
):
    reserve(queue, purchase_order)

    assert print_labels(operations_client, other_purchase_order).status_code == 404
    mixed = print_labels(operations_client, purchase_order, other_purchase_order)
    assert mixed.status_code == 404
    assert operations_client.post(LABELS, {"ids": "abc"}).status_code == 404
    assert not LabelPrint.objects.exists()


def test_with_labels_off_the_url_answers_with_a_message_not_a_pdf(
    cargo_master, queue, operations_client, purchase_order
):
    reserve(queue, purchase_order)
    cargo_master.generate_labels = False
    cargo_master.save()

    response = print_labels(operations_client, purchase_order, follow=True)

    assert response.redirect_chain[-1][1] == 302
    assert response["Content-Type"].startswith("text/html")
    assert messages_of(response) == [
        "Generate Labels is off for Acme Flowers. An administrator turns it on in "
        "Setup > Settings > Integrations > Cargo Master Settings."
    ]


def test_a_company_not_linked_with_cargo_master_is_told_so(
    operations_client, purchase_order
):
    response = print_labels(operations_client, purchase_order, follow=True)

    assert "Acme Flowers is not linked with Cargo Master" in messages_of(response)[0]


def test_the_po_page_offers_labels_only_when_reserved_and_labels_are_on(
    cargo_master, queue, operations_client, buyer_client, purchase_order
):
    detail = reverse("purchase_orders:detail", args=[purchase_order.pk])
    assert 'data-testid="print-labels"' not in operations_client.get(detail).text

    reserve(queue, purchase_order)
    assert 'data-testid="print-labels"' in operations_client.get(detail).text
    assert 'data-testid="print-labels"' not in buyer_client.get(detail).text

    cargo_master.generate_labels = False
    cargo_master.save()
    assert 'data-testid="print-labels"' not in operations_client.get(detail).text


def test_the_po_list_offers_bulk_labels_only_when_labels_are_on(
    cargo_master, operations_client, buyer_client, purchase_order
):
    po_list = reverse("purchase_orders:list")
    assert 'data-testid="bulk-labels"' in operations_client.get(po_list).text
    assert 'data-testid="bulk-labels"' not in buyer_client.get(po_list).text

    cargo_master.generate_labels = False
    cargo_master.save()
    assert 'data-testid="bulk-labels"' not in operations_client.get(po_list).text


# Django admin ----------------------------------------------------------------------


def test_operations_print_labels_from_the_reservation_admin(
    cargo_master, queue, operations_client, farm_orders, purchase_order
):
    nusta, higgins = farm_orders
    reserve(queue, nusta, higgins)

    response = operations_client.post(
        reverse("admin:integrations_reservation_changelist"),
        {
            "action": "print_labels",
            "_selected_action": [reservation_of(nusta).pk, reservation_of(higgins).pk],
        },
    )

    assert response["Content-Type"] == "application/pdf"
    assert read.page_count(response.content) == 5
    assert LabelPrint.objects.count() == 2


def test_the_admin_action_with_labels_off_prints_nothing_and_says_why(
    cargo_master, queue, operations_client, purchase_order
):
    reserve(queue, purchase_order)
    cargo_master.generate_labels = False
    cargo_master.save()

    response = operations_client.post(
        reverse("admin:integrations_reservation_changelist"),
        {
            "action": "print_labels",
            "_selected_action": [reservation_of(purchase_order).pk],
        },
        follow=True,
    )

    assert response["Content-Type"].startswith("text/html")
    assert "Generate Labels is off for Acme Flowers" in messages_of(response)[0]
    assert not LabelPrint.objects.exists()


def test_the_admin_action_says_why_a_failed_reservation_has_no_labels(
    cargo_master, queue, operations_client, purchase_order
):
    reserve(queue, purchase_order)
    Reservation.objects.filter(purchase_order=purchase_order).update(
        status=ReservationStatus.FAILED, last_error="Vendor unknown"
    )

    response = operations_client.post(
        reverse("admin:integrations_reservation_changelist"),
        {
            "action": "print_labels",
            "_selected_action": [reservation_of(purchase_order).pk],
        },
        follow=True,
    )

    assert messages_of(response) == [
        f"PO {purchase_order.number} has no labels: its reservation failed: "
        "Vendor unknown",
        "No labels were printed.",
    ]
