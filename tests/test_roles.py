"""Every view against every role: who gets in, who is refused, who must log in."""

import pytest
from django.urls import reverse

# (url name, needs a PO/vendor id, method) -> who may use it.
ALL = {"administrator", "buyer", "operations"}
MANAGERS = {"administrator", "buyer"}
ADMINISTRATORS = {"administrator"}

VIEWS = [
    ("purchase_orders:list", None, "get", ALL),
    ("purchase_orders:detail", "po", "get", ALL),
    ("purchase_orders:create", None, "get", MANAGERS),
    ("purchase_orders:edit", "po", "get", MANAGERS),
    ("purchase_orders:send", None, "post", MANAGERS),
    ("purchase_orders:cancel", "po", "post", MANAGERS),
    ("vendors:list", None, "get", ALL),
    ("vendors:create", None, "get", MANAGERS),
    ("vendors:edit", "vendor", "get", MANAGERS),
    ("integrations:index", None, "get", ADMINISTRATORS),
    ("integrations:cargo_master_settings", None, "get", ADMINISTRATORS),
]


def _request(client, name, target, method, purchase_order):
    ids = {"po": purchase_order.pk, "vendor": purchase_order.vendor_id}
    url = reverse(name, args=[ids[target]] if target else [])
    if method == "post":
        return client.post(url, {"ids": [purchase_order.pk]})
    return client.get(url)


@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize(("name", "target", "method", "allowed"), VIEWS)
def test_each_role_reaches_exactly_the_views_its_capabilities_allow(
    request, role, name, target, method, allowed, purchase_order
):
    client = request.getfixturevalue(f"{role}_client")

    response = _request(client, name, target, method, purchase_order)

    if role in allowed:
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(("name", "target", "method", "allowed"), VIEWS)
def test_an_anonymous_visitor_is_sent_to_the_login_page(
    client, name, target, method, allowed, purchase_order
):
    response = _request(client, name, target, method, purchase_order)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_without_a_company_is_told_so(django_user_model, client):
    loner = django_user_model.objects.create_user("loner", password="x")
    client.force_login(loner)

    response = client.get(reverse("purchase_orders:list"))

    assert response.status_code == 403
    assert b"You are not a member of any company" in response.content


def test_operations_see_no_buttons_that_change_purchase_orders(
    operations_client, purchase_order
):
    page = operations_client.get(
        reverse("purchase_orders:detail", args=[purchase_order.pk])
    )

    assert page.status_code == 200
    assert reverse("purchase_orders:edit", args=[purchase_order.pk]) not in page.text
    assert "Send PO" not in page.text
    assert "Cancel PO" not in page.text


def test_the_send_url_refuses_a_get(buyer_client):
    response = buyer_client.get(reverse("purchase_orders:send"))

    assert response.status_code == 405
