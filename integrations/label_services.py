"""Generate Labels: which POs can have box labels, fetching them, recording prints.

Labels exist only for a reservation Cargo Master has confirmed (an active one with
status "reserved"): the box codes come from Cargo Master, one per box. Every print
is recorded (LabelPrint); any print of a reservation after its first carries a
visible "R" so a replacement label is never mistaken for another box.
"""

import logging
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from companies.models import Company
from purchase_orders.models import PurchaseOrder

from .cargo_master import BoxLabel, CargoMasterError
from .clients import client_for
from .labels import LabelData, render_labels
from .models import CargoMasterSettings, LabelPrint, Reservation, ReservationStatus
from .selectors import cargo_master_settings_for

logger = logging.getLogger(__name__)

SETTINGS_PLACE = "Setup > Settings > Integrations > Cargo Master Settings"

_NOT_CONFIRMED = {
    ReservationStatus.QUEUED: "its reservation is waiting for Cargo Master to "
    "confirm it.",
    ReservationStatus.UPDATING: "Cargo Master is still confirming a change to it; "
    "print once it shows Reserved again.",
    ReservationStatus.CANCELLING: "its reservation is being cancelled.",
    ReservationStatus.CANCELLED: "its reservation is cancelled.",
    ReservationStatus.HELD: "its reservation is held: Cargo Master rejected the "
    "company's credentials.",
}


class LabelsUnavailable(Exception):
    """The company cannot print labels at all; the message says why and where."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LabelRun:
    """What a request for labels came to.

    ``pdf`` is None when nothing was printed. ``ready`` holds the ids of the POs
    that can be printed, for a "print the ready ones" button; ``skipped`` says
    why each other PO (by number) was left out.
    """

    pdf: bytes | None = None
    printed: list[int] = field(default_factory=list)  # PO numbers in the PDF
    boxes: int = 0
    ready: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Fetched:
    purchase_order: PurchaseOrder
    reservation: Reservation
    boxes: list[BoxLabel]


def labels_unavailable_reason(
    cargo_master: CargoMasterSettings | None, *, company: Company
) -> str | None:
    if cargo_master is None:
        return (
            f"{company.name} is not linked with Cargo Master, so it cannot print "
            f"box labels. An administrator links it in {SETTINGS_PLACE}."
        )
    if not cargo_master.prints_labels:
        return (
            f"Generate Labels is off for {company.name}. An administrator turns it "
            f"on in {SETTINGS_PLACE}."
        )
    return None


def labels_offered(company: Company | None) -> bool:
    """True when the company's Cargo Master link includes Generate Labels."""
    if company is None:
        return False
    cargo_master = cargo_master_settings_for(company)
    return labels_unavailable_reason(cargo_master, company=company) is None


def why_no_labels(reservation: Reservation | None) -> str | None:
    """Why a PO with this active reservation cannot have labels; None if it can."""
    if reservation is None:
        return "it is not reserved at Cargo Master."
    if reservation.status == ReservationStatus.FAILED:
        return f"its reservation failed: {reservation.last_error or 'no reason'}"
    if reservation.status != ReservationStatus.RESERVED:
        return _NOT_CONFIRMED.get(reservation.status, "it is not confirmed.")
    if not reservation.number:
        return "its reservation has no number from Cargo Master yet."
    return None


def labels_check(*, company: Company, purchase_order_ids: list[int]) -> LabelRun:
    """Which POs can have labels, from what we know, without asking Cargo Master."""
    _guard(company)
    ready, skipped = _partition(_orders(company, purchase_order_ids))
    return LabelRun(
        ready=[order.pk for order, _ in ready],
        boxes=sum(_total_boxes(order) for order, _ in ready),
        skipped=skipped,
    )


def labels_print(
    *,
    company: Company,
    purchase_order_ids: list[int],
    user: AbstractBaseUser | None,
    allow_partial: bool,
) -> LabelRun:
    """Labels for the POs, as one PDF, and a LabelPrint per reservation printed.

    With ``allow_partial`` False, nothing is printed unless every PO can be, so
    the person can decide what to do about the others first.
    """
    cargo_master = _guard(company)
    ready, skipped = _partition(_orders(company, purchase_order_ids))
    fetched = _fetch(cargo_master, ready, skipped)

    ready_ids = [item.purchase_order.pk for item in fetched]
    if not fetched or (skipped and not allow_partial):
        boxes = sum(len(item.boxes) for item in fetched)
        return LabelRun(ready=ready_ids, boxes=boxes, skipped=skipped)

    with transaction.atomic():
        printable = _still_reserved(fetched, skipped)
        if not printable:
            return LabelRun(skipped=skipped)
        pdf, boxes = _render_and_record(company, cargo_master, printable, user=user)
    logger.info(
        "labels printed company=%s reservations=%s boxes=%s",
        company.pk,
        [item.reservation.pk for item in printable],
        boxes,
    )
    return LabelRun(
        pdf=pdf,
        printed=[item.purchase_order.number for item in printable],
        boxes=boxes,
        ready=[item.purchase_order.pk for item in printable],
        skipped=skipped,
    )


def _guard(company: Company) -> CargoMasterSettings:
    cargo_master = cargo_master_settings_for(company)
    reason = labels_unavailable_reason(cargo_master, company=company)
    if reason is not None:
        raise LabelsUnavailable(reason)
    return cargo_master


def _orders(company: Company, ids: list[int]) -> list[PurchaseOrder]:
    return list(
        PurchaseOrder.objects.filter(company=company, pk__in=ids)
        .select_related("vendor", "company")
        .prefetch_related("lines")
        .order_by("number")
    )


def _active_reservations(orders: list[PurchaseOrder]) -> dict[int, Reservation]:
    found = Reservation.objects.filter(purchase_order__in=orders, active=True)
    return {reservation.purchase_order_id: reservation for reservation in found}


def _partition(
    orders: list[PurchaseOrder],
) -> tuple[list[tuple[PurchaseOrder, Reservation]], dict[int, str]]:
    reservations = _active_reservations(orders)
    ready, skipped = [], {}
    for order in orders:
        reservation = reservations.get(order.pk)
        reason = why_no_labels(reservation)
        if reason is None:
            ready.append((order, reservation))
        else:
            skipped[order.number] = reason
    return ready, skipped


def _fetch(
    cargo_master: CargoMasterSettings,
    ready: list[tuple[PurchaseOrder, Reservation]],
    skipped: dict[int, str],
) -> list[_Fetched]:
    """Ask Cargo Master for each reservation's box codes; a failure skips the PO."""
    client = client_for(cargo_master)
    fetched = []
    for order, reservation in ready:
        try:
            boxes = client.get_labels(reservation.number)
        except CargoMasterError as error:
            logger.warning(
                "labels not fetched reservation=%s code=%s transient=%s",
                reservation.pk,
                error.code,
                error.transient,
            )
            skipped[order.number] = _plain_words(error)
            continue
        expected = _total_boxes(order)
        if len(boxes) != expected:
            skipped[order.number] = (
                f"Cargo Master has {len(boxes)} box(es) for reservation "
                f"{reservation.number} but the PO has {expected}; print once "
                f"the change is confirmed."
            )
            continue
        fetched.append(_Fetched(order, reservation, boxes))
    return fetched


def _plain_words(error: CargoMasterError) -> str:
    if error.rejected_credentials:
        return (
            "Cargo Master rejected the company's credentials; an administrator "
            f"updates them in {SETTINGS_PLACE}."
        )
    if error.transient:
        return (
            f"Cargo Master did not answer ({error.message}); try again in a few "
            "minutes."
        )
    return f"Cargo Master refused the labels: {error.message}"


def _still_reserved(fetched: list[_Fetched], skipped: dict[int, str]) -> list[_Fetched]:
    """Lock the reservations and keep those still confirmed since the fetch.

    The lock also makes two simultaneous prints take turns, so only one of
    them can be the first print.
    """
    locked = set(
        Reservation.objects.select_for_update()
        .filter(
            pk__in=[item.reservation.pk for item in fetched],
            active=True,
            status=ReservationStatus.RESERVED,
        )
        .values_list("pk", flat=True)
    )
    for item in fetched:
        if item.reservation.pk not in locked:
            skipped[item.purchase_order.number] = (
                "its reservation changed while the labels were being fetched."
            )
    return [item for item in fetched if item.reservation.pk in locked]


def _render_and_record(
    company: Company,
    cargo_master: CargoMasterSettings,
    printable: list[_Fetched],
    *,
    user: AbstractBaseUser | None,
) -> tuple[bytes, int]:
    """Render first, record after: a render error leaves no print recorded."""
    printed_before = set(
        LabelPrint.objects.filter(
            reservation__in=[item.reservation for item in printable]
        ).values_list("reservation_id", flat=True)
    )
    labels = [
        _label(company, item, box, reprint=item.reservation.pk in printed_before)
        for item in printable
        for box in item.boxes
    ]
    pdf = render_labels(labels, size=cargo_master.label_size)
    LabelPrint.objects.bulk_create(
        LabelPrint(
            reservation=item.reservation,
            printed_by=user if user is not None and user.is_authenticated else None,
            boxes=len(item.boxes),
            reprint=item.reservation.pk in printed_before,
        )
        for item in printable
    )
    return pdf, len(labels)


def _label(
    company: Company, item: _Fetched, box: BoxLabel, *, reprint: bool
) -> LabelData:
    order = item.purchase_order
    return LabelData(
        importer=company.name,
        vendor_name=order.vendor.name,
        vendor_code=item.reservation.vendor_code,
        po_number=order.number,
        reservation_number=item.reservation.number,
        ship_date=order.ship_date,
        origin=order.vendor.origin,
        destination=company.destination,
        product=box.product,
        box_type=box.box_type,
        mark_code=box.mark_code,
        box_number=box.sequence,
        box_total=len(item.boxes),
        box_code=box.box_code,
        reprint=reprint,
    )


def _total_boxes(order: PurchaseOrder) -> int:
    return sum(line.boxes for line in order.lines.all())
