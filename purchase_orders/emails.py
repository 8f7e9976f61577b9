from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from .models import PurchaseOrder
from .selectors import purchase_order_totals


def purchase_order_email_message(purchase_order: PurchaseOrder) -> EmailMessage:
    lines = list(purchase_order.lines.select_related("product", "box_type"))
    context = {
        "po": purchase_order,
        "lines": lines,
        "totals": purchase_order_totals(lines),
    }
    return EmailMessage(
        subject=(
            f"Purchase order {purchase_order.number} from {purchase_order.company} "
            f"for {purchase_order.ship_date:%b %d, %Y}"
        ),
        body=render_to_string("purchase_orders/email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=purchase_order.vendor.order_email_list,
    )
