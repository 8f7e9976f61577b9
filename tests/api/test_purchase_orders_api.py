"""Purchase orders through the API: the same services, validation and messages as
the PO pages, and a clear 400 for every kind of bad input."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from purchase_orders.models import PurchaseOrder, Status
from tests.api.conftest import error_of
from tests.fixtures.personas import make_purchase_order, make_vendor

URL = "/api/v1/purchase-orders/"
SOON = (timezone.localdate() + dt.timedelta(days=4)).isoformat()


@pytest.fixture
def body(vendor, box_type, product) -> dict:
    return {
        "vendor": vendor.pk,
        "ship_date": SOON,
        "notes": "Valentine's week",
        "reference": "ERP-1001",
        "lines": [
            {
                "product": product.pk,
                "box_type": box_type.pk,
                "boxes": 3,
                "unit_type": "stem",
                "bunches_per_box": 12,
                "stems_per_bunch": 25,
                "unit_cost": "0.4525",
                "mark_code": " grc-atl ",
            }
        ],
    }


def post(client, data, url=URL):
    return client.post(url, data, content_type="application/json")


def test_creating_a_po_numbers_it_and_answers_decimals_as_strings(
    buyer_client, buyer, body
):
    response = post(buyer_client, body)

    assert response.status_code == 201
    data = response.json()
    assert data["number"] == 1
    assert data["status"] == "draft"
    assert data["ship_date"] == SOON
    assert data["reference"] == "ERP-1001"
    line = data["lines"][0]
    assert line["unit_cost"] == "0.4525"
    assert line["mark_code"] == "GRC-ATL"
    assert (line["stems"], line["fbe"], line["cost"]) == (900, "1.500", "407.25")
    assert data["totals"] == {
        "boxes": 3,
        "stems": 900,
        "fbe": "1.500",
        "cost": "407.25",
    }
    assert PurchaseOrder.objects.get().created_by == buyer


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"ship_date": "2020-02-10"},
            "ship_date",
            "The ship date 2020-02-10 is in the past.",
        ),
        ({"lines": []}, "lines", "Add at least one line to the PO."),
        ({"lines": "many"}, "lines", 'Expected a list of items but got type "str".'),
        (
            {"line": {"boxes": -1}},
            "lines[0].boxes",
            "Enter the number of boxes as a whole number above zero.",
        ),
        (
            {"line": {"boxes": "three"}},
            "lines[0].boxes",
            "Enter the number of boxes as a whole number above zero.",
        ),
        (
            {"line": {"boxes": 10**30}},
            "lines[0].boxes",
            "A line holds at most 9,999 boxes.",
        ),
        (
            {"line": {"boxes": 10_000}},
            "lines[0].boxes",
            "A line holds at most 9,999 boxes.",
        ),
        (
            {"notes": "n" * 2001},
            "notes",
            "Keep the notes to 2,000 characters or fewer.",
        ),
        (
            {"ship_date": (timezone.localdate() + dt.timedelta(days=367)).isoformat()},
            "ship_date",
            "The ship date is more than a year ahead; check the year.",
        ),
        (
            {"line": {"unit_cost": "-0.10"}},
            "lines[0].unit_cost",
            "The unit cost cannot be negative.",
        ),
        (
            {"line": {"unit_cost": "0.12345"}},
            "lines[0].unit_cost",
            "Use at most four decimals for the unit cost.",
        ),
        (
            {"line": {"unit_cost": "1e400"}},
            "lines[0].unit_cost",
            "The unit cost must be below 100,000,000.",
        ),
        (
            {"line": {"unit_cost": "NaN"}},
            "lines[0].unit_cost",
            "Enter the unit cost as a number, such as 0.45.",
        ),
        (
            {"line": {"product": 999999}},
            "lines[0].product",
            "No product with id 999999.",
        ),
        (
            {"line": {"box_type": True}},
            "lines[0].box_type",
            "Enter the id as a whole number, not bool.",
        ),
        (
            {"line": {"unit_type": "kilo"}},
            "lines[0].unit_type",
            '"kilo" is not a valid choice.',
        ),
        ({"vendor": "FLOTA"}, "vendor", "Enter the id as a whole number, not str."),
        ({"vendor": 2**70}, "vendor", f"No vendor with id {2**70}."),
        (
            {"reference": "x" * 41},
            "reference",
            "Ensure this field has no more than 40 characters.",
        ),
    ],
)
def test_bad_input_on_create_names_the_field_and_writes_nothing(
    buyer_client, body, change, field, message
):
    line_change = change.pop("line", None)
    if line_change:
        body["lines"][0] |= line_change
    body |= change

    response = post(buyer_client, body)

    assert response.status_code == 400, response.content
    error = error_of(response)
    assert error["code"] == "invalid"
    assert error["fields"][field] == [message]
    assert not PurchaseOrder.objects.exists()


def test_a_ship_date_a_year_and_a_day_ahead_and_long_notes_at_the_limit_are_kept(
    buyer_client, body
):
    year_ahead = timezone.localdate() + dt.timedelta(days=366)
    body |= {"ship_date": year_ahead.isoformat(), "notes": "n" * 2000}
    body["lines"][0]["boxes"] = 9_999

    response = post(buyer_client, body)

    assert response.status_code == 201, response.content
    po = PurchaseOrder.objects.get()
    assert (po.ship_date, len(po.notes)) == (year_ahead, 2000)
    assert po.lines.get().boxes == 9_999


def test_another_companys_vendor_and_product_read_as_unknown(
    buyer_client, body, other, other_vendor
):
    from tests.fixtures.personas import make_product

    theirs = make_product(other)
    body["vendor"] = other_vendor.pk
    body["lines"][0]["product"] = theirs.pk

    error = error_of(post(buyer_client, body))

    assert error["fields"] == {
        "vendor": [f"No vendor with id {other_vendor.pk}."],
        "lines[0].product": [f"No product with id {theirs.pk}."],
    }


def test_an_inactive_vendor_cannot_get_a_new_po(buyer_client, body, vendor):
    vendor.active = False
    vendor.save()

    error = error_of(post(buyer_client, body))

    assert error["fields"] == {"vendor": [f"No vendor with id {vendor.pk}."]}


@pytest.mark.parametrize(
    ("raw", "content_type", "status", "code"),
    [
        ("{not json", "application/json", 400, "parse_error"),
        ('{"vendor": NaN}', "application/json", 400, "parse_error"),
        ("[1, 2]", "application/json", 400, "invalid"),
        (
            "vendor=1",
            "application/x-www-form-urlencoded",
            415,
            "unsupported_media_type",
        ),
    ],
)
def test_a_malformed_body_gets_the_error_shape_not_a_500(
    buyer_client, raw, content_type, status, code
):
    response = buyer_client.post(URL, raw, content_type=content_type)

    assert response.status_code == status
    assert error_of(response)["code"] == code


def test_a_duplicate_reference_is_refused(buyer_client, body):
    post(buyer_client, body)

    error = error_of(post(buyer_client, body))

    assert error["fields"] == {
        "reference": ["Another PO already has the reference ERP-1001."]
    }
    assert PurchaseOrder.objects.count() == 1


def test_put_replaces_the_lines_and_patch_keeps_them(
    buyer_client, purchase_order, body
):
    body["lines"][0]["boxes"] = 7
    body.pop("reference")
    url = f"{URL}{purchase_order.pk}/"

    put = buyer_client.put(url, body, content_type="application/json")
    patch = buyer_client.patch(
        url, {"notes": "Call first"}, content_type="application/json"
    )

    assert put.status_code == 200
    assert patch.status_code == 200
    assert [line["boxes"] for line in patch.json()["lines"]] == [7]
    assert patch.json()["notes"] == "Call first"


def test_an_update_may_keep_a_past_ship_date_but_not_move_to_one(
    buyer_client, acme, vendor
):
    old = make_purchase_order(acme, vendor=vendor)
    PurchaseOrder.objects.filter(pk=old.pk).update(ship_date=dt.date(2020, 1, 2))
    url = f"{URL}{old.pk}/"

    kept = buyer_client.patch(url, {"notes": "x"}, content_type="application/json")
    moved = buyer_client.patch(
        url, {"ship_date": "2020-01-03"}, content_type="application/json"
    )

    assert kept.status_code == 200
    assert error_of(moved)["fields"] == {
        "ship_date": ["The ship date 2020-01-03 is in the past."]
    }


def test_the_reference_cannot_change_after_creation(buyer_client, purchase_order):
    response = buyer_client.patch(
        f"{URL}{purchase_order.pk}/",
        {"reference": "NEW"},
        content_type="application/json",
    )

    assert error_of(response)["fields"] == {
        "reference": ["The reference is set when the PO is created and cannot change."]
    }


def test_a_cancelled_po_cannot_be_updated_and_says_why(buyer_client, purchase_order):
    post(buyer_client, None, f"{URL}{purchase_order.pk}/cancel/")

    response = buyer_client.patch(
        f"{URL}{purchase_order.pk}/", {"notes": "x"}, content_type="application/json"
    )

    assert response.status_code == 409
    assert error_of(response) == {
        "code": "conflict",
        "message": "PO 1 is Cancelled and can no longer be changed.",
    }


def test_send_emails_the_vendor_and_a_second_send_is_a_conflict(
    buyer_client, purchase_order, django_capture_on_commit_callbacks, celery_eager
):
    url = f"{URL}{purchase_order.pk}/send/"

    with django_capture_on_commit_callbacks(execute=True):
        first = post(buyer_client, None, url)
    second = post(buyer_client, None, url)

    assert first.status_code == 200
    assert first.json()["status"] == "sent"
    assert first.json()["sent_at"] is not None
    assert [message.to for message in mail.outbox] == [
        ["orders@flota.example.com", "sales@flota.example.com"]
    ]
    assert second.status_code == 409
    assert error_of(second)["message"] == "PO 1 is Sent: only draft POs are sent."


def test_bulk_send_sends_drafts_and_reports_the_rest(
    buyer_client, acme, purchase_order
):
    cancelled = make_purchase_order(acme, vendor=make_vendor(acme))
    post(buyer_client, None, f"{URL}{cancelled.pk}/cancel/")

    response = post(
        buyer_client, {"ids": [purchase_order.pk, cancelled.pk]}, f"{URL}send/"
    )

    assert response.json() == {"sent": [purchase_order.pk], "skipped": [cancelled.pk]}
    purchase_order.refresh_from_db()
    assert purchase_order.status == Status.SENT


@pytest.mark.parametrize(
    ("data", "field"),
    [({"ids": []}, "ids"), ({"ids": ["x"]}, "ids[0]"), ({}, "ids")],
)
def test_bulk_send_bad_ids_are_a_400(buyer_client, purchase_order, data, field):
    error = error_of(post(buyer_client, data, f"{URL}send/"))

    assert field in error["fields"]


def test_cancelling_twice_is_a_conflict(buyer_client, purchase_order):
    url = f"{URL}{purchase_order.pk}/cancel/"

    first = post(buyer_client, None, url)
    second = post(buyer_client, None, url)

    assert first.json()["status"] == "cancelled"
    assert second.status_code == 409
    assert error_of(second)["message"] == ("PO 1 is Cancelled and cannot be cancelled.")


def test_list_filters_by_ship_dates_vendor_status_and_reservation(
    buyer_client, acme, vendor
):
    today = timezone.localdate()
    early = make_purchase_order(acme, vendor=vendor, ship_date=today)
    late = make_purchase_order(
        acme, vendor=vendor, ship_date=today + dt.timedelta(days=9)
    )
    elsewhere = make_purchase_order(acme, ship_date=today + dt.timedelta(days=9))
    from integrations.models import Reservation

    Reservation.objects.create(
        company=acme, purchase_order=late, vendor_code="X", status="failed"
    )

    def numbers(**query):
        response = buyer_client.get(URL, query)
        assert response.status_code == 200, response.content
        return sorted(po["number"] for po in response.json()["results"])

    later = (today + dt.timedelta(days=1)).isoformat()
    assert numbers(ship_date_from=later) == [late.number, elsewhere.number]
    assert numbers(ship_date_to=today.isoformat()) == [early.number]
    assert numbers(vendor=vendor.pk) == [early.number, late.number]
    assert numbers(status="draft") == [early.number, late.number, elsewhere.number]
    assert numbers(status="sent") == []
    assert numbers(reservation_status="failed") == [late.number]
    assert numbers(reservation_status="none") == [early.number, elsewhere.number]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"ship_date_from": "2027-13-45"}, "ship_date_from"),
        ({"status": "lost"}, "status"),
        ({"reservation_status": "maybe"}, "reservation_status"),
        ({"vendor": "abc"}, "vendor"),
    ],
)
def test_bad_list_filters_are_a_400_naming_the_filter(buyer_client, query, field):
    error = error_of(buyer_client.get(URL, query))

    assert list(error["fields"]) == [field]


def test_a_page_past_the_end_is_a_404_in_the_error_shape(buyer_client, purchase_order):
    response = buyer_client.get(URL, {"page": 9})

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_non_numeric_id_is_a_json_404(buyer_client):
    response = buyer_client.get(f"{URL}abc/")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_an_id_with_a_newline_in_it_is_a_json_404(buyer_client):
    response = buyer_client.post(f"{URL}1%0A/cancel/")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
