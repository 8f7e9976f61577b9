"""Reads of Cargo Master state for pages: settings, and a PO's reservation."""

from dataclasses import dataclass, field

from companies.models import Company
from purchase_orders.models import PurchaseOrder, Status

from .models import CargoMasterSettings, Reservation, ReservationAttempt
from .services import why_not_reservable


def cargo_master_settings_for(company: Company) -> CargoMasterSettings | None:
    # The reverse one-to-one caches on the company object, one query per request.
    return getattr(company, "cargo_master_settings", None)


@dataclass(frozen=True)
class CargoMasterState:
    """What a PO page says about Cargo Master."""

    reservation: Reservation | None
    reason: str | None = None  # why there is no reservation, in plain words
    can_send: bool = False  # the Send to Cargo Master button applies
    attempts: list[ReservationAttempt] = field(default_factory=list)

    @property
    def polling(self) -> bool:
        return self.reservation is not None and self.reservation.in_flight


def _latest_reservation(purchase_order: PurchaseOrder) -> Reservation | None:
    # Works on a prefetched `reservations` list without another query.
    reservations = sorted(
        purchase_order.reservations.all(),
        key=lambda r: (r.active, r.created_at),
        reverse=True,
    )
    return reservations[0] if reservations else None


def cargo_master_state(
    purchase_order: PurchaseOrder, *, with_history: bool = True
) -> CargoMasterState:
    reservation = _latest_reservation(purchase_order)
    cargo_master = cargo_master_settings_for(purchase_order.company)
    if reservation is not None and (
        reservation.active or purchase_order.status == Status.CANCELLED
    ):
        attempts = (
            list(reservation.attempts.select_related("operation"))
            if with_history
            else []
        )
        return CargoMasterState(reservation=reservation, attempts=attempts)

    if purchase_order.status == Status.CANCELLED:
        return CargoMasterState(
            reservation=None, reason="Cancelled before it reached Cargo Master."
        )
    reason = why_not_reservable(purchase_order, cargo_master)
    if reason is None:
        return CargoMasterState(
            reservation=None, reason="Not sent to Cargo Master yet.", can_send=True
        )
    return CargoMasterState(reservation=None, reason=reason)
