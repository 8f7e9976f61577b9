"""API fixtures: company tokens with chosen scopes, and clients that send them."""

import pytest
from django.test import Client

from api.models import Access, Resource
from api.services import api_token_create

EVERY_SCOPE = {
    Resource.VENDORS: Access.WRITE,
    Resource.CATALOG: Access.READ,
    Resource.PURCHASE_ORDERS: Access.WRITE,
    Resource.RESERVATIONS: Access.WRITE,
    Resource.LABELS: Access.READ,
}


def token_client(company, scopes: dict, *, name: str = "ERP sync") -> Client:
    issued = api_token_create(
        company=company, name=name, scopes=dict(scopes), created_by=None
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issued.key}")
    client.token = issued.token
    client.key = issued.key
    return client


@pytest.fixture
def acme_token(acme) -> Client:
    """Acme's token with every scope, read-write where there is a write."""
    return token_client(acme, EVERY_SCOPE)


@pytest.fixture
def other_token(other) -> Client:
    return token_client(other, EVERY_SCOPE, name="Other's ERP")


def error_of(response) -> dict:
    """The error body; every failure has this one shape."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"]), body
    return body["error"]
