"""Cargo Master pieces that other apps' templates show, without importing us."""

from django import template

from integrations import selectors

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
    return {
        "po": purchase_order,
        "state": selectors.cargo_master_state(purchase_order),
        "can": context.get("can", {}),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("integrations/_reservation_badge.html")
def reservation_badge(purchase_order) -> dict:
    return {"state": selectors.cargo_master_state(purchase_order, with_history=False)}
