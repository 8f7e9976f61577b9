"""Business steps on purchase orders. Views, imports, the API and tasks call these."""

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from companies.models import Company
from vendors.models import Vendor

from .models import (
    SENT_STATUSES,
    BoxType,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
    Status,
)
from .signals import Change, purchase_order_changed

logger = logging.getLogger(__name__)


class PurchaseOrderError(Exception):
    """A step that the PO's state does not allow; the message is for the user."""


@dataclass(frozen=True, kw_only=True)
class LineInput:
    product: Product
    box_type: BoxType
    boxes: int
    unit_type: str
    bunches_per_box: int
    stems_per_bunch: int
    unit_cost: Decimal
    mark_code: str = ""

    @classmethod
    def of(cls, line: PurchaseOrderLine) -> "LineInput":
        """A stored line as input, to keep it through an update."""
        return cls(
            product=line.product,
            box_type=line.box_type,
            boxes=line.boxes,
            unit_type=line.unit_type,
            bunches_per_box=line.bunches_per_box,
            stems_per_bunch=line.stems_per_bunch,
            unit_cost=line.unit_cost,
            mark_code=line.mark_code,
        )


@dataclass(frozen=True, kw_only=True)
class PurchaseOrderInput:
    """A new PO for purchase_orders_create."""

    vendor: Vendor
    ship_date: dt.date
    lines: list[LineInput]
    reference: str = ""
    notes: str = ""


def _next_numbers(company: Company, count: int = 1) -> range:
    # Locking the company row serializes numbering, so numbers never repeat or skip.
    locked = (
        Company.objects.select_for_update().only("next_po_number").get(pk=company.pk)
    )
    first = locked.next_po_number
    Company.objects.filter(pk=company.pk).update(next_po_number=first + count)
    return range(first, first + count)


def _line_row(purchase_order: PurchaseOrder, line: LineInput) -> PurchaseOrderLine:
    return PurchaseOrderLine(
        purchase_order=purchase_order,
        product=line.product,
        box_type=line.box_type,
        boxes=line.boxes,
        unit_type=line.unit_type,
        bunches_per_box=line.bunches_per_box,
        stems_per_bunch=line.stems_per_bunch,
        unit_cost=line.unit_cost,
        mark_code=line.mark_code,
    )


def _write_lines(purchase_order: PurchaseOrder, lines: list[LineInput]) -> None:
    purchase_order.lines.all().delete()
    PurchaseOrderLine.objects.bulk_create(
        _line_row(purchase_order, line) for line in lines
    )


def _shipping_snapshot(purchase_order: PurchaseOrder) -> tuple:
    """What Cargo Master sees of a PO; a change to it amends the reservation."""
    lines = purchase_order.lines.values_list(
        "product_id", "box_type_id", "boxes", "mark_code"
    )
    return (purchase_order.ship_date, sorted(lines))


@transaction.atomic
def purchase_order_create(
    *,
    company: Company,
    vendor: Vendor,
    ship_date: dt.date,
    lines: list[LineInput],
    created_by: AbstractBaseUser | None = None,
    notes: str = "",
    reference: str = "",
) -> PurchaseOrder:
    purchase_order = PurchaseOrder.objects.create(
        company=company,
        number=_next_numbers(company)[0],
        vendor=vendor,
        ship_date=ship_date,
        notes=notes,
        reference=reference,
        created_by=created_by,
    )
    _write_lines(purchase_order, lines)
    logger.info("PO %s created for company %s", purchase_order.number, company.pk)
    return purchase_order


@transaction.atomic
def purchase_orders_create(
    *,
    company: Company,
    orders: list[PurchaseOrderInput],
    created_by: AbstractBaseUser | None = None,
) -> list[PurchaseOrder]:
    """Create many draft POs at once (file imports): one numbering lock and two
    inserts instead of several queries per PO. All of them, or none."""
    purchase_orders = PurchaseOrder.objects.bulk_create(
        PurchaseOrder(
            company=company,
            number=number,
            vendor=order.vendor,
            ship_date=order.ship_date,
            notes=order.notes,
            reference=order.reference,
            created_by=created_by,
        )
        for number, order in zip(
            _next_numbers(company, len(orders)), orders, strict=True
        )
    )
    PurchaseOrderLine.objects.bulk_create(
        _line_row(purchase_order, line)
        for purchase_order, order in zip(purchase_orders, orders, strict=True)
        for line in order.lines
    )
    logger.info("%s POs created for company %s", len(purchase_orders), company.pk)
    return purchase_orders


@transaction.atomic
def purchase_order_update(
    *,
    purchase_order: PurchaseOrder,
    vendor: Vendor,
    ship_date: dt.date,
    lines: list[LineInput],
    notes: str = "",
) -> PurchaseOrder:
    """Save new header values and lines; a sent PO's change reaches Cargo Master."""
    purchase_order = PurchaseOrder.objects.select_for_update().get(pk=purchase_order.pk)
    if not purchase_order.is_editable:
        raise PurchaseOrderError(
            f"PO {purchase_order.number} is {purchase_order.get_status_display()} "
            "and can no longer be changed."
        )

    before = _shipping_snapshot(purchase_order)
    vendor_changed = purchase_order.vendor_id != vendor.pk
    purchase_order.vendor = vendor
    purchase_order.ship_date = ship_date
    purchase_order.notes = notes
    purchase_order.save()
    _write_lines(purchase_order, lines)

    if purchase_order.status in SENT_STATUSES:
        if vendor_changed:
            _announce([purchase_order], Change.VENDOR_CHANGED)
        elif _shipping_snapshot(purchase_order) != before:
            _announce([purchase_order], Change.UPDATED)
    return purchase_order


@dataclass(frozen=True)
class SendResult:
    sent: list[PurchaseOrder]  # the drafts this call sent
    left: list[PurchaseOrder]  # the others asked for: not drafts (any more)


def purchase_order_send(
    *, purchase_order: PurchaseOrder, user: AbstractBaseUser | None = None
) -> SendResult:
    """Mark a draft PO sent, e-mail it to the farm, and announce it."""
    return purchase_orders_send(
        company=purchase_order.company, ids=[purchase_order.pk], user=user
    )


@transaction.atomic
def purchase_orders_send(
    *, company: Company, ids: list[int], user: AbstractBaseUser | None = None
) -> SendResult:
    """Send several of one company's POs at once; already-sent ones are left as is.

    Sending twice (a double click, a bulk action run again, two requests at once)
    changes nothing the second time: the drafts are locked, and only drafts are
    sent, so each PO is reported as sent by exactly one call.
    """
    from .tasks import purchase_orders_email

    drafts = list(
        PurchaseOrder.objects.select_for_update()
        .filter(company=company, pk__in=ids, status=Status.DRAFT)
        .select_related("vendor")
    )
    without_lines = set(
        PurchaseOrder.objects.filter(
            pk__in=[po.pk for po in drafts], lines=None
        ).values_list("pk", flat=True)
    )
    if without_lines:
        numbers = sorted(po.number for po in drafts if po.pk in without_lines)
        raise PurchaseOrderError(
            "A PO needs at least one line before it is sent: "
            + ", ".join(f"PO {number}" for number in numbers)
        )

    now = timezone.now()
    PurchaseOrder.objects.filter(pk__in=[po.pk for po in drafts]).update(
        status=Status.SENT, sent_at=now, updated_at=now
    )
    for purchase_order in drafts:
        purchase_order.status, purchase_order.sent_at = Status.SENT, now
    if drafts:
        _announce(drafts, Change.SENT)
        sent_ids = [po.pk for po in drafts]
        transaction.on_commit(lambda: purchase_orders_email.delay(sent_ids))

    logger.info("Sent %s POs of company %s", len(drafts), company.pk)
    left = PurchaseOrder.objects.filter(company=company, pk__in=ids).exclude(
        pk__in=[po.pk for po in drafts]
    )
    return SendResult(sent=drafts, left=list(left))


@transaction.atomic
def purchase_order_cancel(*, purchase_order: PurchaseOrder) -> PurchaseOrder:
    purchase_order = PurchaseOrder.objects.select_for_update().get(pk=purchase_order.pk)
    if purchase_order.status in (Status.SHIPPED, Status.CANCELLED):
        raise PurchaseOrderError(
            f"PO {purchase_order.number} is {purchase_order.get_status_display()} "
            "and cannot be cancelled."
        )

    was_sent = purchase_order.status in SENT_STATUSES
    purchase_order.status = Status.CANCELLED
    purchase_order.save(update_fields=["status", "updated_at"])
    if was_sent:
        _announce([purchase_order], Change.CANCELLED)
    return purchase_order


def _announce(purchase_orders: list[PurchaseOrder], change: Change) -> None:
    purchase_order_changed.send(
        sender=PurchaseOrder, purchase_orders=purchase_orders, change=change
    )
