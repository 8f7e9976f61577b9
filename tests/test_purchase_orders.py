"""Purchase orders: the list, the form and its lines, the PO page, Send, Cancel."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from purchase_orders.emails import purchase_order_email_message
from purchase_orders.models import PurchaseOrder, PurchaseOrderLine, Status, UnitType

from .fixtures.personas import (
    line_input,
    make_box_type,
    make_product,
    make_purchase_order,
    make_vendor,
)

WHOLE_BOXES = "Enter the number of boxes as a whole number above zero."
INVALID_CHOICE = (
    "Select a valid choice. That choice is not one of the available choices."
)


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def po_data(vendor, lines: list[dict], **header) -> dict:
    """The POST of the PO form: the header and the `lines` formset."""
    data = {
        "vendor": vendor.pk,
        "ship_date": in_days(3).isoformat(),
        "notes": "",
        "lines-TOTAL_FORMS": len(lines),
        "lines-INITIAL_FORMS": 0,
        "lines-MIN_NUM_FORMS": 0,
        "lines-MAX_NUM_FORMS": 1000,
    } | header
    for index, line in enumerate(lines):
        data |= {f"lines-{index}-{key}": value for key, value in line.items()}
    return data


def a_line(product, box_type, **overrides) -> dict:
    return {
        "product": product.pk,
        "mark_code": "grc-atl",
        "box_type": box_type.pk,
        "boxes": "4",
        "unit_type": UnitType.STEM,
        "bunches_per_box": "12",
        "stems_per_bunch": "25",
        "unit_cost": "0.45",
    } | overrides


def line_errors(response, field: str) -> list[str]:
    return response.context["lines"].forms[0].errors.get(field, [])


# Creating and editing ---------------------------------------------------------


def test_a_buyer_creates_a_po_with_its_lines(
    buyer_client, buyer, vendor, box_type, product
):
    response = buyer_client.post(
        reverse("purchase_orders:create"),
        po_data(
            vendor, [a_line(product, box_type), a_line(product, box_type, boxes="1")]
        ),
    )

    po = PurchaseOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("purchase_orders:detail", args=[po.pk])
    assert (po.vendor, po.status, po.created_by) == (vendor, Status.DRAFT, buyer)
    assert [line.boxes for line in po.lines.all()] == [4, 1]
    assert po.lines.first().mark_code == "GRC-ATL"


def test_blank_extra_rows_are_ignored(buyer_client, vendor, box_type, product):
    blank = dict.fromkeys(a_line(product, box_type), "") | {"unit_type": "stem"}

    buyer_client.post(
        reverse("purchase_orders:create"),
        po_data(vendor, [a_line(product, box_type), blank, blank]),
    )

    assert PurchaseOrderLine.objects.count() == 1


def test_a_po_without_lines_is_refused(buyer_client, vendor):
    response = buyer_client.post(reverse("purchase_orders:create"), po_data(vendor, []))

    assert response.status_code == 200
    assert response.context["lines"].non_form_errors() == [
        "Add at least one line to the PO."
    ]
    assert not PurchaseOrder.objects.exists()


def test_a_new_po_cannot_ship_in_the_past(buyer_client, vendor, box_type, product):
    yesterday = in_days(-1)

    response = buyer_client.post(
        reverse("purchase_orders:create"),
        po_data(vendor, [a_line(product, box_type)], ship_date=yesterday.isoformat()),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["ship_date"] == [
        f"The ship date {yesterday.isoformat()} is in the past."
    ]
    assert not PurchaseOrder.objects.exists()


@pytest.mark.parametrize("boxes", ["0", "-1", "2.5", "abc", ""])
def test_boxes_must_be_a_whole_number_above_zero(
    buyer_client, vendor, box_type, product, boxes
):
    response = buyer_client.post(
        reverse("purchase_orders:create"),
        po_data(vendor, [a_line(product, box_type, boxes=boxes)]),
    )

    assert response.status_code == 200
    expected = ["This field is required."] if boxes == "" else [WHOLE_BOXES]
    assert line_errors(response, "boxes") == expected
    assert not PurchaseOrder.objects.exists()


def test_an_absurd_number_of_boxes_is_refused_instead_of_overflowing(
    buyer_client, vendor, box_type, product
):
    response = buyer_client.post(
        reverse("purchase_orders:create"),
        po_data(vendor, [a_line(product, box_type, boxes="99999999999")]),
    )

    assert response.status_code == 200
    assert line_errors(response, "boxes") == ["A line holds at most 9,999 boxes."]
    assert not PurchaseOrder.objects.exists()


def test_the_form_takes_9999_boxes_as_the_api_does(
    buyer_client, vendor, box_type, product
):
    buyer_client.post(
        reverse("purchase_orders:create"),
        po_data(vendor, [a_line(product, box_type, boxes="9999")]),
    )

    assert PurchaseOrderLine.objects.get().boxes == 9999


def test_notes_longer_than_2000_characters_are_refused(
    buyer_client, vendor, box_type, product
):
    response = buyer_client.post(
        reverse("purchase_orders:create"),
        po_data(vendor, [a_line(product, box_type)], notes="n" * 2001),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["notes"] == [
        "Keep the notes to 2,000 characters or fewer."
    ]
    assert not PurchaseOrder.objects.exists()


@pytest.mark.parametrize("ship_date", ["2/4/2027", "04/02/2027", "2027/02/04"])
def test_the_ship_date_is_taken_only_as_yyyy_mm_dd(
    buyer_client, vendor, box_type, product, ship_date
):
    response = buyer_client.post(
        reverse("purchase_orders:create"),
        po_data(vendor, [a_line(product, box_type)], ship_date=ship_date),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["ship_date"] == [
        "Enter the date as YYYY-MM-DD."
    ]
    assert not PurchaseOrder.objects.exists()


def test_a_ship_date_more_than_a_year_ahead_is_refused(
    buyer_client, vendor, box_type, product
):
    response = buyer_client.post(
        reverse("purchase_orders:create"),
        po_data(vendor, [a_line(product, box_type)], ship_date=in_days(367)),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["ship_date"] == [
        "The ship date is more than a year ahead; check the year."
    ]
    assert not PurchaseOrder.objects.exists()


def test_a_ship_date_a_year_and_a_day_ahead_is_taken(
    buyer_client, vendor, box_type, product
):
    buyer_client.post(
        reverse("purchase_orders:create"),
        po_data(vendor, [a_line(product, box_type)], ship_date=in_days(366)),
    )

    assert PurchaseOrder.objects.get().ship_date == in_days(366)


def test_another_companys_box_type_is_not_a_valid_choice(
    buyer_client, vendor, box_type, product, other
):
    foreign = make_box_type(other, "FB", "1")

    response = buyer_client.post(
        reverse("purchase_orders:create"),
        po_data(vendor, [a_line(product, foreign)]),
    )

    assert response.status_code == 200
    assert line_errors(response, "box_type") == [INVALID_CHOICE]
    assert not PurchaseOrder.objects.exists()


@pytest.mark.parametrize(
    ("cost", "message"),
    [
        ("-0.10", "The unit cost cannot be negative."),
        ("0.12345", "Use at most four decimals for the unit cost."),
        ("cheap", "Enter the unit cost as a number, such as 0.45."),
        ("123456789", "The unit cost must be below 100,000,000."),
    ],
)
def test_a_bad_unit_cost_is_refused_beside_the_field(
    buyer_client, vendor, box_type, product, cost, message
):
    response = buyer_client.post(
        reverse("purchase_orders:create"),
        po_data(vendor, [a_line(product, box_type, unit_cost=cost)]),
    )

    assert response.status_code == 200
    assert line_errors(response, "unit_cost") == [message]
    assert not PurchaseOrder.objects.exists()


def test_an_inactive_vendor_cannot_be_chosen_for_a_new_po(
    buyer_client, acme, box_type, product
):
    retired = make_vendor(acme, active=False)

    response = buyer_client.post(
        reverse("purchase_orders:create"), po_data(retired, [a_line(product, box_type)])
    )

    assert response.context["form"].errors["vendor"] == [INVALID_CHOICE]


def test_an_edit_keeps_the_lines_and_may_keep_a_past_ship_date(
    buyer_client, acme, vendor, box_type, product
):
    po = make_purchase_order(
        acme,
        vendor=vendor,
        ship_date=in_days(-10),
        lines=[line_input(product, box_type, boxes=3)],
    )
    form = buyer_client.get(reverse("purchase_orders:edit", args=[po.pk]))
    data = po_data(
        vendor,
        [a_line(product, box_type, boxes="3"), a_line(product, box_type, boxes="7")],
        ship_date=in_days(-10).isoformat(),
        notes="Add seven boxes",
    ) | {"lines-INITIAL_FORMS": 1}

    response = buyer_client.post(reverse("purchase_orders:edit", args=[po.pk]), data)

    assert form.context["lines"].forms[0].initial["boxes"] == 3
    assert response.status_code == 302
    po.refresh_from_db()
    assert po.notes == "Add seven boxes"
    assert [line.boxes for line in po.lines.all()] == [3, 7]


def test_an_edit_cannot_move_the_ship_date_into_the_past(
    buyer_client, purchase_order, box_type, product
):
    last_week = in_days(-7)
    data = po_data(
        purchase_order.vendor,
        [a_line(product, box_type)],
        ship_date=last_week.isoformat(),
    ) | {"lines-INITIAL_FORMS": 1}

    response = buyer_client.post(
        reverse("purchase_orders:edit", args=[purchase_order.pk]), data
    )

    assert response.context["form"].errors["ship_date"] == [
        f"The ship date {last_week.isoformat()} is in the past."
    ]
    purchase_order.refresh_from_db()
    assert purchase_order.ship_date == in_days(3)


def test_a_removed_line_is_dropped_on_save(
    buyer_client, acme, vendor, box_type, product
):
    po = make_purchase_order(
        acme,
        vendor=vendor,
        lines=[line_input(product, box_type), line_input(product, box_type, boxes=9)],
    )
    lines = [a_line(product, box_type, boxes="2"), a_line(product, box_type, boxes="9")]
    lines[0]["DELETE"] = "on"

    buyer_client.post(
        reverse("purchase_orders:edit", args=[po.pk]),
        po_data(vendor, lines) | {"lines-INITIAL_FORMS": 2},
    )

    assert [line.boxes for line in po.lines.all()] == [9]


def test_a_cancelled_po_cannot_be_edited(buyer_client, purchase_order):
    purchase_order.status = Status.CANCELLED
    purchase_order.save()

    response = buyer_client.get(
        reverse("purchase_orders:edit", args=[purchase_order.pk]), follow=True
    )

    assert f"PO {purchase_order.number} is Cancelled and can no longer be changed." in (
        response.text
    )


# The list and the detail page ---------------------------------------------------


def test_the_list_sums_boxes_fbe_and_cost_per_po(
    operations_client, acme, vendor, box_type, product
):
    quarter = make_box_type(acme, "QB", "0.25")
    make_purchase_order(
        acme,
        vendor=vendor,
        lines=[
            # 2 HB x 12 bunches x 25 stems x 0.45 = 270.00
            line_input(product, box_type, boxes=2, unit_cost=Decimal("0.45")),
            # 3 QB x 10 bunches x 1.955 per bunch = 58.65
            line_input(
                product,
                quarter,
                boxes=3,
                unit_type=UnitType.BUNCH,
                bunches_per_box=10,
                unit_cost=Decimal("1.955"),
            ),
        ],
    )

    row = operations_client.get(reverse("purchase_orders:list")).context["page"][0]

    assert row.total_boxes == 5
    assert row.total_fbe == Decimal("1.750")
    assert row.total_cost == Decimal("328.65")


def test_the_list_takes_the_same_queries_for_few_or_many_pos(
    operations_client, acme, vendor, django_assert_max_num_queries
):
    make_purchase_order(acme, vendor=vendor)
    with django_assert_max_num_queries(50) as few:
        operations_client.get(reverse("purchase_orders:list"))
    for _ in range(8):
        make_purchase_order(acme, vendor=make_vendor(acme))

    with django_assert_max_num_queries(len(few.captured_queries)):
        operations_client.get(reverse("purchase_orders:list"))


def test_the_list_filters_by_ship_date_vendor_and_status(operations_client, acme):
    early = make_purchase_order(acme, ship_date=in_days(1))
    late = make_purchase_order(acme, ship_date=in_days(9))
    url = reverse("purchase_orders:list")

    def numbers(**filters):
        page = operations_client.get(url, filters).context["page"]
        return [po.number for po in page]

    assert numbers(ship_from=in_days(5).isoformat()) == [late.number]
    assert numbers(ship_to=in_days(5).isoformat()) == [early.number]
    assert numbers(vendor=early.vendor_id) == [early.number]
    assert numbers(status="sent") == []
    assert numbers(status="draft") == [late.number, early.number]


def test_an_ambiguous_filter_date_is_refused_beside_the_field(operations_client, acme):
    make_purchase_order(acme, ship_date=in_days(1))

    page = operations_client.get(
        reverse("purchase_orders:list"), {"ship_from": "2/4/2027"}
    )

    assert page.status_code == 200
    assert page.context["filters"].errors["ship_from"] == [
        "Enter the date as YYYY-MM-DD."
    ]


def test_the_detail_page_shows_line_and_po_totals(operations_client, purchase_order):
    page = operations_client.get(
        reverse("purchase_orders:detail", args=[purchase_order.pk])
    )

    # 2 HB x 12 bunches x 25 stems = 600 stems, 1.000 FBE, 600 x 0.45 = 270.00
    totals = page.context["totals"]
    assert (totals.boxes, totals.stems) == (2, 600)
    assert (totals.fbe, totals.cost) == (Decimal("1.000"), Decimal("270.00"))
    assert "270.00" in page.text
    assert "Flores La Ñusta" in page.text


# Send and Cancel ------------------------------------------------------------------


def test_send_po_marks_it_sent_and_emails_the_vendor(
    buyer_client, purchase_order, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = buyer_client.post(
            reverse("purchase_orders:send"),
            {
                "ids": [purchase_order.pk],
                "next": reverse("purchase_orders:detail", args=[purchase_order.pk]),
            },
            follow=True,
        )

    purchase_order.refresh_from_db()
    assert purchase_order.status == Status.SENT
    assert purchase_order.sent_at is not None
    assert f"Sent PO {purchase_order.number} to the vendor." in response.text
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["orders@flota.example.com", "sales@flota.example.com"]
    assert f"Purchase order {purchase_order.number}" in message.subject
    assert "Rose Freedom 50cm" in message.body
    assert "Flores La Ñusta" in message.body


def test_bulk_send_sends_the_drafts_and_leaves_sent_pos_alone(
    buyer_client, acme, celery_eager, django_capture_on_commit_callbacks
):
    first, second, sent = (make_purchase_order(acme) for _ in range(3))
    PurchaseOrder.objects.filter(pk=sent.pk).update(status=Status.SENT)

    with django_capture_on_commit_callbacks(execute=True):
        response = buyer_client.post(
            reverse("purchase_orders:send"),
            {"ids": [first.pk, second.pk, sent.pk]},
            follow=True,
        )

    assert set(PurchaseOrder.objects.values_list("status", flat=True).distinct()) == {
        Status.SENT
    }
    assert len(mail.outbox) == 2
    assert f"Left PO {sent.number} as they were" in response.text


def test_sending_a_po_without_lines_says_why_instead_of_failing(
    buyer_client, acme, vendor
):
    empty = PurchaseOrder.objects.create(
        company=acme, number=99, vendor=vendor, ship_date=in_days(2)
    )

    response = buyer_client.post(
        reverse("purchase_orders:send"), {"ids": [empty.pk]}, follow=True
    )

    assert response.status_code == 200
    assert "A PO needs at least one line before it is sent: PO 99" in response.text
    empty.refresh_from_db()
    assert empty.status == Status.DRAFT


def test_sending_nothing_asks_to_select_a_po(buyer_client, acme):
    response = buyer_client.post(reverse("purchase_orders:send"), follow=True)

    assert "Select at least one PO to send." in response.text


def test_a_send_back_to_another_site_goes_to_the_list(buyer_client, purchase_order):
    response = buyer_client.post(
        reverse("purchase_orders:send"),
        {"ids": [purchase_order.pk], "next": "https://evil.example.com/"},
    )

    assert response["Location"] == reverse("purchase_orders:list")


def test_cancel_po_cancels_it_once(buyer_client, purchase_order):
    url = reverse("purchase_orders:cancel", args=[purchase_order.pk])

    buyer_client.post(url)
    again = buyer_client.post(url, follow=True)

    purchase_order.refresh_from_db()
    assert purchase_order.status == Status.CANCELLED
    assert f"PO {purchase_order.number} is Cancelled and cannot be cancelled." in (
        again.text
    )


def test_the_email_lists_lines_and_totals(purchase_order):
    body = purchase_order_email_message(purchase_order).body

    assert "2 HB x 12 bunches x 25 stems = 600 stems, 1.000 FBE" in body
    assert "0.4500 per stem = 270.00" in body
    assert "Total: 2 boxes, 600 stems, 1.000 FBE, 270.00" in body
    assert "mark GRC-ATL" in body


def test_products_of_the_company_only_are_offered(buyer_client, acme, other, product):
    make_product(other, description="Secret Rose of Other")

    form = buyer_client.get(reverse("purchase_orders:create"))

    assert product.description in form.text
    assert "Secret Rose of Other" not in form.text
