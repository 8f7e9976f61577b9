"""Signals other apps listen to, so purchase_orders imports none of them.

`purchase_order_changed` is sent inside the transaction that changed the POs, with
`purchase_orders` (a list, so a bulk send is one signal) and `change` (a Change).
Receivers that write rows of their own thereby commit or roll back with the POs.
"""

from enum import StrEnum

from django.dispatch import Signal


class Change(StrEnum):
    SENT = "sent"
    UPDATED = "updated"
    VENDOR_CHANGED = "vendor_changed"
    CANCELLED = "cancelled"


purchase_order_changed = Signal()
