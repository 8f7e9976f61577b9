"""Cargo Master pieces that other apps' templates show, without importing us."""

from django import template

from integrations import label_services, selectors
from integrations.models import ReservationStatus

register = template.Library()


@register.inclusion_tag("integrations/_banner.html", takes_context=True)
def cargo_master_banner(context) -> dict:
    request = context.get("request")
    company = getattr(request, "company", None)
    membership = getattr(request, "membership", None)
    settings = selectors.cargo_master_settings_for(company) if company else None
    show = bool(
        settings
        and settings.is_paused
        and membership
        and membership.role in ("administrator", "operations")
    )
    return {"settings": settings, "show": show}


@register.inclusion_tag("integrations/_reservation_panel.html", takes_context=True)
def reservation_panel(context, purchase_order) -> dict:
    state = selectors.cargo_master_state(purchase_order)
    can = context.get("can", {})
    reservation = state.reservation
    return {
        "po": purchase_order,
        "state": state,
        "can": can,
        "csrf_token": context.get("csrf_token"),
        "labels": bool(
            can.get("print_labels")
            and reservation is not None
            and reservation.active
            and reservation.status == ReservationStatus.RESERVED
            and label_services.labels_offered(purchase_order.company)
        ),
    }


@register.simple_tag(takes_context=True)
def labels_offered(context) -> bool:
    """True when the current company prints labels and the user may print them."""
    request = context.get("request")
    company = getattr(request, "company", None)
    return bool(
        context.get("can", {}).get("print_labels")
        and label_services.labels_offered(company)
    )


@register.inclusion_tag("integrations/_reservation_badge.html")
def reservation_badge(purchase_order) -> dict:
    return {"state": selectors.cargo_master_state(purchase_order, with_history=False)}
