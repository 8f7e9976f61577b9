"""Every endpoint, for every role (session) and scope (token), and across companies."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from api.models import Access, Resource
from companies.roles import Capability, role_can
from integrations.models import Reservation, ReservationStatus
from tests.api.conftest import error_of, token_client

SHIP_DATE = (timezone.localdate() + dt.timedelta(days=5)).isoformat()


@pytest.fixture
def records(acme, vendor, box_type, product, purchase_order) -> dict:
    reservation = Reservation.objects.create(
        company=acme,
        purchase_order=purchase_order,
        vendor_code=vendor.cargo_master_code,
        status=ReservationStatus.RESERVED,
        number="CM-1",
    )
    return {
        "vendor": vendor,
        "box_type": box_type,
        "product": product,
        "po": purchase_order,
        "reservation": reservation,
    }


def po_body(r: dict) -> dict:
    return {
        "vendor": r["vendor"].pk,
        "ship_date": SHIP_DATE,
        "lines": [
            {
                "product": r["product"].pk,
                "box_type": r["box_type"].pk,
                "boxes": 4,
                "unit_type": "stem",
                "bunches_per_box": 10,
                "stems_per_bunch": 25,
                "unit_cost": "0.38",
            }
        ],
    }


VENDOR_BODY = {
    "code": "NEWFARM",
    "name": "Finca Nueva",
    "country": "CO",
    "origin": "BOG",
    "order_emails": "orders@nueva.example.com",
}

# (name, method, path, body, resource, access, capability, statuses when allowed)
ENDPOINTS = [
    ("vendor list", "get", "/vendors/", None, "vendors", "read", "view", {200}),
    (
        "vendor read",
        "get",
        "/vendors/{vendor}/",
        None,
        "vendors",
        "read",
        "view",
        {200},
    ),
    (
        "vendor create",
        "post",
        "/vendors/",
        lambda r: VENDOR_BODY,
        "vendors",
        "write",
        "manage_vendors",
        {201},
    ),
    (
        "vendor update",
        "patch",
        "/vendors/{vendor}/",
        lambda r: {"name": "Flores La Ñusta S.A."},
        "vendors",
        "write",
        "manage_vendors",
        {200},
    ),
    ("box types", "get", "/box-types/", None, "catalog", "read", "view", {200}),
    (
        "box type",
        "get",
        "/box-types/{box_type}/",
        None,
        "catalog",
        "read",
        "view",
        {200},
    ),
    ("products", "get", "/products/", None, "catalog", "read", "view", {200}),
    (
        "product",
        "get",
        "/products/{product}/",
        None,
        "catalog",
        "read",
        "view",
        {200},
    ),
    (
        "PO list",
        "get",
        "/purchase-orders/",
        None,
        "purchase_orders",
        "read",
        "view",
        {200},
    ),
    (
        "PO read",
        "get",
        "/purchase-orders/{po}/",
        None,
        "purchase_orders",
        "read",
        "view",
        {200},
    ),
    (
        "PO create",
        "post",
        "/purchase-orders/",
        po_body,
        "purchase_orders",
        "write",
        "manage_purchase_orders",
        {201},
    ),
    (
        "PO update",
        "put",
        "/purchase-orders/{po}/",
        po_body,
        "purchase_orders",
        "write",
        "manage_purchase_orders",
        {200},
    ),
    (
        "PO partial update",
        "patch",
        "/purchase-orders/{po}/",
        lambda r: {"notes": "Pack tight."},
        "purchase_orders",
        "write",
        "manage_purchase_orders",
        {200},
    ),
    (
        "PO send",
        "post",
        "/purchase-orders/{po}/send/",
        None,
        "purchase_orders",
        "write",
        "manage_purchase_orders",
        {200},
    ),
    (
        "PO bulk send",
        "post",
        "/purchase-orders/send/",
        lambda r: {"ids": [r["po"].pk]},
        "purchase_orders",
        "write",
        "manage_purchase_orders",
        {200},
    ),
    (
        "PO cancel",
        "post",
        "/purchase-orders/{po}/cancel/",
        None,
        "purchase_orders",
        "write",
        "manage_purchase_orders",
        {200},
    ),
    (
        "reservation list",
        "get",
        "/reservations/",
        None,
        "reservations",
        "read",
        "view",
        {200},
    ),
    (
        "reservation read",
        "get",
        "/reservations/{reservation}/",
        None,
        "reservations",
        "read",
        "view",
        {200},
    ),
    (
        "reservation retry",
        "post",
        "/reservations/{reservation}/retry/",
        None,
        "reservations",
        "write",
        "operate_reservations",
        # The reservation is Reserved, so the step itself is refused.
        {409},
    ),
    (
        "labels",
        "get",
        "/purchase-orders/{po}/labels/",
        None,
        "labels",
        "read",
        "print_labels",
        # Acme is not linked with Cargo Master here; see test_labels for a PDF.
        {409},
    ),
]
IDS = [endpoint[0] for endpoint in ENDPOINTS]


def call(client: Client, endpoint, records: dict):
    _, method, path, body, *_ = endpoint
    url = "/api/v1" + path.format(**{k: v.pk for k, v in records.items()})
    payload = body(records) if body else None
    return getattr(client, method)(url, payload, content_type="application/json")


@pytest.mark.parametrize("role", ["administrator", "buyer", "operations"])
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_a_session_may_do_exactly_what_its_role_may_do_on_the_web(
    request, role, endpoint, records
):
    client = request.getfixturevalue(f"{role}_client")
    capability, allowed_statuses = Capability(endpoint[6]), endpoint[7]

    response = call(client, endpoint, records)

    if role_can(role, capability):
        assert response.status_code in allowed_statuses, response.content
    else:
        assert response.status_code == 403
        assert error_of(response)["code"] == "permission_denied"


@pytest.mark.parametrize("granted", [None, "read", "write"])
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_a_token_may_do_exactly_what_its_scopes_allow(acme, granted, endpoint, records):
    resource, access, allowed_statuses = endpoint[4], endpoint[5], endpoint[7]
    # Every other resource fully granted, so only this scope decides.
    scopes = {r.value: Access.READ for r in Resource if r.value != resource}
    if granted:
        scopes[resource] = granted
    client = token_client(acme, scopes)

    response = call(client, endpoint, records)

    if granted == "write" or granted == access:
        assert response.status_code in allowed_statuses, response.content
    else:
        assert response.status_code == 403
        error = error_of(response)
        assert error["code"] == "permission_denied"
        assert f"{resource}:{access}" in error["message"]


@pytest.mark.parametrize(
    "endpoint", [e for e in ENDPOINTS if "{" in e[2]], ids=lambda e: e[0]
)
@pytest.mark.parametrize("caller", ["other_client", "other_token"])
def test_another_company_gets_404_for_every_record_of_acme(
    request, caller, endpoint, records
):
    client = request.getfixturevalue(caller)

    response = call(client, endpoint, records)

    assert response.status_code == 404, response.content
    assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize(
    "path",
    ["/vendors/", "/box-types/", "/products/", "/purchase-orders/", "/reservations/"],
)
def test_lists_show_another_company_nothing_of_acme(other_token, records, path):
    response = other_token.get("/api/v1" + path)

    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_a_list_filter_on_another_companys_vendor_is_refused_without_a_hint(
    other_token, records
):
    response = other_token.get(
        "/api/v1/purchase-orders/", {"vendor": records["vendor"].pk}
    )

    assert response.status_code == 400
    assert error_of(response)["fields"]["vendor"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]


def test_bulk_send_with_another_companys_po_is_404_and_sends_nothing(
    buyer_client, records, other_purchase_order
):
    response = buyer_client.post(
        "/api/v1/purchase-orders/send/",
        {"ids": [records["po"].pk, other_purchase_order.pk]},
        content_type="application/json",
    )

    assert response.status_code == 404
    records["po"].refresh_from_db()
    other_purchase_order.refresh_from_db()
    assert (records["po"].status, other_purchase_order.status) == ("draft", "draft")


def test_an_anonymous_call_is_401_with_the_bearer_challenge(records):
    response = Client().get("/api/v1/vendors/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert error_of(response)["code"] == "not_authenticated"


def test_a_session_write_without_the_csrf_token_is_refused(administrator, records):
    client = Client(enforce_csrf_checks=True)
    client.force_login(administrator)

    response = client.post(
        "/api/v1/vendors/", VENDOR_BODY, content_type="application/json"
    )

    assert response.status_code == 403
    assert "CSRF" in error_of(response)["message"]


def test_a_user_without_a_company_is_told_so(django_user_model, records):
    client = Client()
    client.force_login(django_user_model.objects.create_user("loner"))

    response = client.get("/api/v1/vendors/")

    assert response.status_code == 403
    assert error_of(response)["message"] == "You are not a member of any company."
