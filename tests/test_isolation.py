"""A member of one company never reaches another company's vendors or POs."""

import pytest
from django.urls import reverse

from purchase_orders.models import Status

PO_URLS = [
    ("purchase_orders:detail", "get"),
    ("purchase_orders:edit", "get"),
    ("purchase_orders:edit", "post"),
    ("purchase_orders:cancel", "post"),
]


@pytest.mark.parametrize(("name", "method"), PO_URLS)
def test_another_companys_po_id_is_not_found_on_every_po_url(
    administrator_client, other_purchase_order, name, method
):
    url = reverse(name, args=[other_purchase_order.pk])

    response = getattr(administrator_client, method)(url)

    assert response.status_code == 404
    other_purchase_order.refresh_from_db()
    assert other_purchase_order.status == Status.DRAFT


def test_sending_another_companys_po_id_is_not_found_and_sends_nothing(
    administrator_client, purchase_order, other_purchase_order
):
    response = administrator_client.post(
        reverse("purchase_orders:send"),
        {"ids": [purchase_order.pk, other_purchase_order.pk]},
    )

    assert response.status_code == 404
    other_purchase_order.refresh_from_db()
    purchase_order.refresh_from_db()
    assert other_purchase_order.status == Status.DRAFT
    assert purchase_order.status == Status.DRAFT


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_companys_vendor_id_is_not_found_in_the_vendor_window(
    administrator_client, other_vendor, method
):
    url = reverse("vendors:edit", args=[other_vendor.pk])

    response = getattr(administrator_client, method)(url, {"name": "Taken over"})

    assert response.status_code == 404
    other_vendor.refresh_from_db()
    assert other_vendor.name == "Other Farm Secret"


def test_the_vendor_list_shows_only_the_companys_own_vendors(
    administrator_client, vendor, other_vendor
):
    page = administrator_client.get(reverse("vendors:list"), {"q": "Farm"})
    everything = administrator_client.get(reverse("vendors:list"))

    assert "Other Farm Secret" not in page.text
    assert "Other Farm Secret" not in everything.text
    assert "Flores La Ñusta" in everything.text


def test_the_po_list_shows_only_the_companys_own_pos(
    administrator_client, purchase_order, other_purchase_order
):
    page = administrator_client.get(reverse("purchase_orders:list"))

    assert [po.pk for po in page.context["page"]] == [purchase_order.pk]
    assert other_purchase_order.vendor.name not in page.text


def test_another_companys_vendor_cannot_be_chosen_for_a_po(
    administrator_client, other_vendor, box_type, product
):
    form = administrator_client.get(reverse("purchase_orders:create"))

    assert other_vendor.name not in form.text


def test_the_po_list_filter_refuses_another_companys_vendor(
    administrator_client, purchase_order, other_vendor
):
    page = administrator_client.get(
        reverse("purchase_orders:list"), {"vendor": other_vendor.pk}
    )

    assert page.status_code == 200
    assert "Select a valid choice" in page.text
