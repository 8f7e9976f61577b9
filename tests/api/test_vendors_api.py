"""Vendors through the API: the Vendor Information window's rules and messages."""

import pytest

from integrations.models import CargoMasterSettings
from tests.api.conftest import error_of, token_client
from vendors.models import Vendor

URL = "/api/v1/vendors/"
NEW = {
    "code": " nueva ",
    "name": "Finca Nueva",
    "country": "co",
    "origin": "bog",
    "order_emails": "orders@nueva.example.com, sales@nueva.example.com",
}


@pytest.fixture
def linked(acme) -> CargoMasterSettings:
    settings = CargoMasterSettings(company=acme, username="acme", importer_code="AC1")
    settings.set_password("secret-for-tests")
    settings.save()
    return settings


def post(client, data):
    return client.post(URL, data, content_type="application/json")


def test_a_vendor_is_created_with_codes_in_capitals(buyer_client, acme):
    response = post(buyer_client, NEW)

    assert response.status_code == 201
    assert response.json() | {"id": 0} == {
        "id": 0,
        "code": "NUEVA",
        "name": "Finca Nueva",
        "country": "CO",
        "origin": "BOG",
        "order_emails": "orders@nueva.example.com, sales@nueva.example.com",
        "active": True,
        "cargo_master_code": "",
    }
    assert Vendor.objects.get(code="NUEVA").company == acme


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"code": "FLO TA"},
            "code",
            "A vendor code is 2 to 20 capital letters and digits, with no spaces or "
            "symbols (for example FLOTA).",
        ),
        ({"code": "flota"}, "code", "A vendor with code FLOTA already exists."),
        (
            {"country": "Colombia"},
            "country",
            "Enter a two-letter country code such as CO or EC.",
        ),
        (
            {"origin": "B1G"},
            "origin",
            "Enter a three-letter airport code such as BOG, MDE or UIO.",
        ),
        (
            {"order_emails": "orders@, sales@nueva.example.com"},
            "order_emails",
            "“orders@” is not a valid e-mail address.",
        ),
        ({"active": "maybe"}, "active", "Must be a valid boolean."),
        ({"name": ["a"]}, "name", "Not a valid string."),
    ],
)
def test_bad_vendor_input_gets_the_web_forms_message(
    buyer_client, vendor, change, field, message
):
    response = post(buyer_client, NEW | change)

    assert response.status_code == 400
    assert error_of(response)["fields"][field] == [message]
    assert Vendor.objects.count() == 1


def test_another_companys_vendor_code_is_free_to_use(buyer_client, other_vendor):
    response = post(buyer_client, NEW | {"code": other_vendor.code})

    assert response.status_code == 201


def test_an_administrator_sets_the_cargo_master_code_once_linked(
    administrator_client, vendor, linked
):
    response = administrator_client.patch(
        f"{URL}{vendor.pk}/",
        {"cargo_master_code": " uio07200 "},
        content_type="application/json",
    )

    assert response.status_code == 200
    vendor.refresh_from_db()
    assert vendor.cargo_master_code == "UIO07200"


def test_a_buyer_may_not_set_the_cargo_master_code(buyer_client, vendor, linked):
    response = buyer_client.patch(
        f"{URL}{vendor.pk}/",
        {"cargo_master_code": "UIO07200"},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert error_of(response)["message"] == (
        "Only administrators may set the Cargo Master code."
    )
    vendor.refresh_from_db()
    assert vendor.cargo_master_code == "UIO07100"


def test_a_buyer_may_send_back_the_code_a_get_returned(buyer_client, vendor, linked):
    current = buyer_client.get(f"{URL}{vendor.pk}/").json()

    response = buyer_client.put(
        f"{URL}{vendor.pk}/",
        current | {"name": "Flores La Ñusta Cía."},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["name"] == "Flores La Ñusta Cía."


def test_no_cargo_master_code_before_the_company_is_linked(
    administrator_client, vendor
):
    response = administrator_client.patch(
        f"{URL}{vendor.pk}/",
        {"cargo_master_code": "UIO07200"},
        content_type="application/json",
    )

    assert error_of(response)["fields"] == {
        "cargo_master_code": [
            "Link the company with Cargo Master before setting vendors' Cargo "
            "Master codes."
        ]
    }


def test_a_bad_cargo_master_code_gets_cargo_masters_format(
    administrator_client, vendor, linked
):
    response = administrator_client.patch(
        f"{URL}{vendor.pk}/",
        {"cargo_master_code": "UIO-07"},
        content_type="application/json",
    )

    assert error_of(response)["fields"]["cargo_master_code"] == [
        "A Cargo Master code is 3 to 20 capital letters and digits, with no "
        "spaces or symbols (for example UIO07100)."
    ]


def test_a_vendors_write_token_sets_the_cargo_master_code(acme, vendor, linked):
    client = token_client(acme, {"vendors": "write"})

    response = client.patch(
        f"{URL}{vendor.pk}/",
        {"cargo_master_code": "UIO07300"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["cargo_master_code"] == "UIO07300"


def test_vendors_can_be_searched_and_filtered(buyer_client, vendor, acme):
    from tests.fixtures.personas import make_vendor

    make_vendor(acme, code="ROSAS", name="Rosas del Monte", active=False)

    def codes(**query):
        return [v["code"] for v in buyer_client.get(URL, query).json()["results"]]

    assert codes(q="La Ñusta") == ["FLOTA"]
    assert codes(q="UIO07100") == ["FLOTA"]
    assert codes(active="false") == ["ROSAS"]
    assert codes(code="flota") == ["FLOTA"]
