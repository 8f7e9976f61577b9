"""API tokens: created on the Tokens page, shown once, hashed at rest, revocable."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from tests.api.conftest import error_of, token_client

TOKENS = reverse("api_tokens:list")


def create_token(client, **scopes):
    form = {"name": "ERP nightly sync"} | {f"scope_{k}": v for k, v in scopes.items()}
    return client.post(TOKENS, form)


def test_the_integrations_page_links_to_the_tokens_page(administrator_client):
    response = administrator_client.get(reverse("integrations:index"))

    assert TOKENS in response.content.decode()


def test_a_new_token_is_shown_once_and_stored_only_as_its_digest(
    administrator_client, administrator
):
    response = create_token(
        administrator_client, vendors="read", purchase_orders="write"
    )

    assert response.status_code == 302
    assert response.url == TOKENS
    shown = administrator_client.get(TOKENS)
    key = shown.context["issued"]["key"]
    assert key.startswith("kc_") and len(key) > 40
    page = shown.content.decode()
    assert page.count(key) == 1
    assert "Token ERP nightly sync created" in page
    assert shown["Cache-Control"] == "no-store"
    token = ApiToken.objects.get()
    assert token.key_digest == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:11]
    assert token.scopes == {"vendors": "read", "purchase_orders": "write"}
    assert token.created_by == administrator
    again = administrator_client.get(TOKENS).content.decode()
    assert key not in again
    assert f"{token.prefix}…" in again


def test_refreshing_the_page_after_creating_a_token_creates_no_second_one(
    administrator_client,
):
    # The browser follows the redirect, so a refresh repeats the GET, not the POST.
    first = create_token(administrator_client, vendors="read")
    shown = administrator_client.get(first.url)
    key = shown.context["issued"]["key"]

    refreshed = administrator_client.get(first.url)

    assert ApiToken.objects.count() == 1
    assert key in shown.content.decode()
    assert refreshed.context["issued"] is None
    assert key not in refreshed.content.decode()
    assert "no-store" not in refreshed.get("Cache-Control", "")


def test_a_token_without_any_scope_is_refused(administrator_client):
    response = create_token(administrator_client)

    assert response.context["form"].non_field_errors() == [
        "Give the token access to at least one resource."
    ]
    assert not ApiToken.objects.exists()


def test_a_write_scope_on_a_read_only_resource_is_not_offered(administrator_client):
    response = create_token(administrator_client, catalog="write")

    assert "catalog" in " ".join(response.context["form"].errors)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("role", ["buyer", "operations"])
def test_only_administrators_reach_the_tokens_page(request, role):
    client = request.getfixturevalue(f"{role}_client")

    assert client.get(TOKENS).status_code == 403
    assert create_token(client, vendors="read").status_code == 403


def test_a_revoked_token_stops_working_at_once(administrator_client, acme, vendor):
    client = token_client(acme, {"vendors": "read"})
    assert client.get("/api/v1/vendors/").status_code == 200

    administrator_client.post(reverse("api_tokens:revoke", args=[client.token.pk]))

    response = client.get("/api/v1/vendors/")
    assert response.status_code == 401
    assert error_of(response) == {
        "code": "authentication_failed",
        "message": "The token is unknown or revoked.",
    }
    client.token.refresh_from_db()
    assert client.token.revoked_at is not None


def test_another_companys_token_cannot_be_revoked(administrator_client, other):
    theirs = token_client(other, {"vendors": "read"})

    response = administrator_client.post(
        reverse("api_tokens:revoke", args=[theirs.token.pk])
    )

    assert response.status_code == 404
    theirs.token.refresh_from_db()
    assert theirs.token.revoked_at is None


def test_a_token_missing_a_scope_gets_403_in_the_error_shape(acme, vendor):
    client = token_client(acme, {"vendors": "read"})

    response = client.post("/api/v1/vendors/", {}, content_type="application/json")

    assert response.status_code == 403
    assert error_of(response) == {
        "code": "permission_denied",
        "message": "This token lacks the vendors:write scope.",
    }


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer kc_wrong", "Bearer a b", "Bearer kc_ñ"],
)
def test_a_malformed_or_unknown_bearer_header_is_401(acme, header):
    response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/vendors/")

    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"


def test_last_use_is_recorded_at_most_once_a_minute(acme):
    client = token_client(acme, {"vendors": "read"})
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        client.get("/api/v1/vendors/")
        client.get("/api/v1/vendors/")
    client.token.refresh_from_db()
    assert client.token.last_used_at == start

    later = start + dt.timedelta(seconds=30)
    with time_machine.travel(later, tick=False):
        client.get("/api/v1/vendors/")
    client.token.refresh_from_db()
    assert client.token.last_used_at == start

    with time_machine.travel(start + dt.timedelta(minutes=2), tick=False):
        client.get("/api/v1/vendors/")
    client.token.refresh_from_db()
    assert client.token.last_used_at == start + dt.timedelta(minutes=2)


def test_a_token_acts_for_its_company_and_creates_pos_with_no_user(
    acme, vendor, box_type, product
):
    client = token_client(acme, {"purchase_orders": "write"})
    body = {
        "vendor": vendor.pk,
        "ship_date": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
        "lines": [
            {
                "product": product.pk,
                "box_type": box_type.pk,
                "boxes": 1,
                "unit_type": "bunch",
                "bunches_per_box": 10,
                "stems_per_bunch": 25,
                "unit_cost": "4.5",
            }
        ],
    }

    response = client.post(
        "/api/v1/purchase-orders/", body, content_type="application/json"
    )

    assert response.status_code == 201
    assert acme.purchase_orders.get().created_by is None
