"""The Django admin shows staff only their own companies' records."""

import pytest
from django.urls import reverse

from purchase_orders.models import Status


@pytest.mark.parametrize(
    "model",
    [
        "purchase_orders/purchaseorder",
        "vendors/vendor",
        "companies/company",
        "companies/membership",
    ],
)
def test_operations_staff_see_only_their_companys_records(
    operations_client, purchase_order, other_purchase_order, model
):
    page = operations_client.get(f"/admin/{model}/")

    assert page.status_code == 200
    assert "Other Importer" not in page.text
    assert "Other Farm Secret" not in page.text


def test_operations_staff_cannot_open_another_companys_po(
    operations_client, other_purchase_order
):
    url = reverse(
        "admin:purchase_orders_purchaseorder_change", args=[other_purchase_order.pk]
    )

    response = operations_client.get(url)

    # The admin redirects to its index when an object is outside the queryset.
    assert response.status_code == 302


def test_operations_staff_view_pos_but_cannot_change_or_send_them(
    operations_client, purchase_order
):
    url = reverse("admin:purchase_orders_purchaseorder_changelist")

    page = operations_client.get(url)
    response = operations_client.post(
        url, {"action": "send_selected", "_selected_action": [purchase_order.pk]}
    )

    assert "send_selected" not in page.text
    assert response.status_code in (200, 302)
    purchase_order.refresh_from_db()
    assert purchase_order.status == Status.DRAFT


def test_a_superuser_finds_a_po_by_its_number(
    admin_client, purchase_order, other_purchase_order
):
    url = reverse("admin:purchase_orders_purchaseorder_changelist")

    page = admin_client.get(url, {"q": str(purchase_order.number)})

    assert page.status_code == 200
    assert purchase_order in page.context["cl"].result_list


def test_a_superuser_sends_pos_from_the_admin_through_the_service(
    admin_client, purchase_order, other_purchase_order
):
    admin_client.post(
        reverse("admin:purchase_orders_purchaseorder_changelist"),
        {
            "action": "send_selected",
            "_selected_action": [purchase_order.pk, other_purchase_order.pk],
        },
    )

    purchase_order.refresh_from_db()
    other_purchase_order.refresh_from_db()
    assert purchase_order.status == other_purchase_order.status == Status.SENT
    assert purchase_order.sent_at is not None
