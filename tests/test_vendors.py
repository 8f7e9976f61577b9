"""Setup > Vendors: the list, and the Vendor Information window."""

import pytest
from django.urls import reverse

from integrations.models import CargoMasterSettings
from vendors.models import Vendor

from .fixtures.personas import make_vendor

CODE_FORMAT = (
    "A Cargo Master code is 3 to 20 capital letters and digits, with no spaces or "
    "symbols (for example UIO07100)."
)
VENDOR_CODE_FORMAT = (
    "A vendor code is 2 to 20 capital letters and digits, with no spaces or symbols "
    "(for example FLOTA)."
)


def vendor_data(**overrides) -> dict:
    return {
        "code": "ROSXI",
        "name": "Rosas del Cotopaxi",
        "country": "EC",
        "origin": "UIO",
        "order_emails": "orders@rosxi.example.com",
        "active": "on",
    } | overrides


@pytest.fixture
def linked(acme) -> CargoMasterSettings:
    settings = CargoMasterSettings(company=acme, username="miami", importer_code="MB1")
    settings.set_password("s3cret")
    settings.save()
    return settings


def field_errors(response, field: str) -> list[str]:
    return response.context["form"].errors.get(field, [])


def test_a_buyer_creates_a_vendor_with_its_codes_tidied(buyer_client, acme):
    response = buyer_client.post(
        reverse("vendors:create"),
        vendor_data(code="  rosxi ", country="ec", origin="uio"),
    )

    assert response.status_code == 302
    vendor = Vendor.objects.get(company=acme)
    assert (vendor.code, vendor.country, vendor.origin) == ("ROSXI", "EC", "UIO")


def test_a_vendor_code_already_used_in_the_company_is_refused(buyer_client, vendor):
    response = buyer_client.post(reverse("vendors:create"), vendor_data(code="flota"))

    assert response.status_code == 200
    assert field_errors(response, "code") == [
        "A vendor with code FLOTA already exists."
    ]
    assert Vendor.objects.filter(code="FLOTA").count() == 1


def test_another_company_may_use_the_same_vendor_code(buyer_client, other_vendor):
    response = buyer_client.post(reverse("vendors:create"), vendor_data(code="OTHER"))

    assert response.status_code == 302
    assert Vendor.objects.filter(code="OTHER").count() == 2


def test_a_vendor_keeps_its_own_code_when_edited(buyer_client, vendor):
    response = buyer_client.post(
        reverse("vendors:edit", args=[vendor.pk]),
        vendor_data(code="FLOTA", name="Flores La Ñusta S.A."),
    )

    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.name == "Flores La Ñusta S.A."


@pytest.mark.parametrize("code", ["FLO TA", "FLO-TA", "F", "FLÖTA"])
def test_a_vendor_code_with_spaces_or_symbols_is_refused(buyer_client, acme, code):
    response = buyer_client.post(reverse("vendors:create"), vendor_data(code=code))

    assert response.status_code == 200
    assert field_errors(response, "code") == [VENDOR_CODE_FORMAT]
    assert not Vendor.objects.filter(company=acme).exists()


def test_bad_emails_and_airport_are_refused_beside_their_fields(buyer_client, acme):
    response = buyer_client.post(
        reverse("vendors:create"),
        vendor_data(order_emails="orders@farm, x@y.com", origin="QUITO"),
    )

    assert response.status_code == 200
    assert field_errors(response, "order_emails") == [
        "“orders@farm” is not a valid e-mail address."
    ]
    assert "Enter a three-letter airport code such as BOG, MDE or UIO." in (
        field_errors(response, "origin")
    )
    assert not Vendor.objects.filter(company=acme).exists()


def test_the_cargo_master_code_field_is_hidden_until_the_company_is_linked(
    administrator_client, vendor
):
    window = administrator_client.get(reverse("vendors:edit", args=[vendor.pk]))

    assert "cargo_master_code" not in window.context["form"].fields
    assert 'name="cargo_master_code"' not in window.text


def test_an_administrator_sets_a_cargo_master_code_once_linked(
    administrator_client, vendor, linked
):
    response = administrator_client.post(
        reverse("vendors:edit", args=[vendor.pk]),
        vendor_data(code="FLOTA", cargo_master_code=" uio07999 "),
    )

    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.cargo_master_code == "UIO07999"


@pytest.mark.parametrize("code", ["UIO 07", "UIO-07", "U1"])
def test_a_malformed_cargo_master_code_is_refused(
    administrator_client, vendor, linked, code
):
    response = administrator_client.post(
        reverse("vendors:edit", args=[vendor.pk]),
        vendor_data(code="FLOTA", cargo_master_code=code),
    )

    assert response.status_code == 200
    assert field_errors(response, "cargo_master_code") == [CODE_FORMAT]
    vendor.refresh_from_db()
    assert vendor.cargo_master_code == "UIO07100"


def test_a_buyer_neither_sees_nor_changes_the_cargo_master_code(
    buyer_client, vendor, linked
):
    window = buyer_client.get(reverse("vendors:edit", args=[vendor.pk]))
    response = buyer_client.post(
        reverse("vendors:edit", args=[vendor.pk]),
        vendor_data(code="FLOTA", cargo_master_code="BOG00001"),
    )

    assert 'name="cargo_master_code"' not in window.text
    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.cargo_master_code == "UIO07100"


def test_the_window_opens_as_a_dialog_under_htmx_and_as_a_page_without(
    buyer_client, vendor
):
    url = reverse("vendors:edit", args=[vendor.pk])

    dialog = buyer_client.get(url, headers={"HX-Request": "true"})
    page = buyer_client.get(url)

    assert "<html" not in dialog.text
    assert "Vendor Information" in dialog.text
    assert "<html" in page.text and "Vendor Information" in page.text


def test_saving_under_htmx_closes_the_dialog_and_reloads_the_list(buyer_client, vendor):
    response = buyer_client.post(
        reverse("vendors:edit", args=[vendor.pk]),
        vendor_data(code="FLOTA"),
        headers={"HX-Request": "true"},
    )

    assert response["HX-Trigger"] == "closeDialog"
    assert response["HX-Redirect"] == reverse("vendors:list")


def test_the_list_searches_code_name_and_cargo_master_code(operations_client, acme):
    make_vendor(acme, code="ROSXI", name="Rosas del Cotopaxi", cargo_master_code="")
    make_vendor(acme, code="JARDO", name="Jardines", cargo_master_code="UIO07174")
    url = reverse("vendors:list")

    def found(query):
        page = operations_client.get(url, {"q": query}).context["page"]
        return [vendor.code for vendor in page]

    assert found("rosxi") == ["ROSXI"]
    assert found("jardines") == ["JARDO"]
    assert found("07174") == ["JARDO"]


def test_the_list_shows_fifty_vendors_a_page(operations_client, acme):
    for _ in range(53):
        make_vendor(acme)

    second = operations_client.get(reverse("vendors:list"), {"page": 2})

    assert len(second.context["page"]) == 3
    assert "Page 2 of 2" in second.text
