"""Reservations follow purchase orders: this connects the PO signals to them."""

from django.dispatch import receiver

from purchase_orders.signals import Change, purchase_order_changed

from . import services


@receiver(purchase_order_changed, dispatch_uid="integrations.reservations")
def follow_purchase_order(sender, *, purchase_orders, change: Change, **kwargs) -> None:
    services.reservations_follow_change(purchase_orders=purchase_orders, change=change)
