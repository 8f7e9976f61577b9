import logging

from celery import shared_task
from django.core.mail import mailers

from .emails import purchase_order_email_message
from .models import PurchaseOrder

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def purchase_orders_email(purchase_order_ids: list[int]) -> None:
    """E-mail sent POs to their farms' order addresses over one SMTP connection."""
    purchase_orders = PurchaseOrder.objects.filter(
        pk__in=purchase_order_ids
    ).select_related("vendor", "company")
    messages = [purchase_order_email_message(po) for po in purchase_orders]
    with mailers.default as connection:
        connection.send_messages(messages)
    logger.info("E-mailed %s POs", len(messages))
