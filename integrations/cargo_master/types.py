"""Typed values the Cargo Master client takes and returns.

Replies are parsed into these frozen dataclasses at the edge, so the rest of the app
never touches raw JSON. Dates are ``datetime.date``, FBE is ``Decimal``; on the wire
every decimal is a fixed-point string ("12.500"), never a float.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

BOX_TYPE_FBE: Mapping[str, Decimal] = {
    "FB": Decimal("1"),
    "HB": Decimal("0.5"),
    "QB": Decimal("0.25"),
    "EB": Decimal("0.125"),
}
FBE_PLACES = Decimal("0.001")

ReservationStatus = Literal["confirmed", "cancelled"]


def format_decimal(value: Decimal) -> str:
    """Fixed-point with three places, the contract's decimal format."""
    return format(value.quantize(FBE_PLACES), "f")


@dataclass(frozen=True)
class ClientConfig:
    base_url: str
    username: str
    password: str = field(repr=False)
    importer_code: str
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    user_agent: str = "komet-cargo/0.1.0"
    pool_size: int = 32


@dataclass(frozen=True)
class VendorLookup:
    code: str
    exists: bool
    ships_for_importer: bool
    name: str | None = None

    @property
    def usable(self) -> bool:
        """True when reservations for this vendor code will be accepted."""
        return self.exists and self.ships_for_importer

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "VendorLookup":
        return cls(
            code=_str(data, "code"),
            exists=_bool(data, "exists"),
            ships_for_importer=_bool(data, "ships_for_importer"),
            name=_optional_str(data, "name"),
        )


@dataclass(frozen=True)
class ReservationLine:
    box_type: str
    boxes: int
    product: str
    mark_code: str = ""

    @property
    def fbe(self) -> Decimal:
        return BOX_TYPE_FBE[self.box_type] * self.boxes

    def to_json(self) -> dict[str, Any]:
        return {
            "box_type": self.box_type,
            "boxes": self.boxes,
            "product": self.product,
            "mark_code": self.mark_code,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ReservationLine":
        return cls(
            box_type=_str(data, "box_type"),
            boxes=_int(data, "boxes"),
            product=_str(data, "product"),
            mark_code=_str(data, "mark_code"),
        )


@dataclass(frozen=True)
class ReservationTotals:
    boxes: int
    fbe: Decimal

    @classmethod
    def of(cls, lines: Iterable[ReservationLine]) -> "ReservationTotals":
        """Totals computed from lines with the box type FBE table."""
        lines = list(lines)
        return cls(
            boxes=sum(line.boxes for line in lines),
            fbe=sum((line.fbe for line in lines), Decimal()),
        )

    def to_json(self) -> dict[str, Any]:
        return {"boxes": self.boxes, "fbe": format_decimal(self.fbe)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ReservationTotals":
        return cls(boxes=_int(data, "boxes"), fbe=_decimal(data, "fbe"))


@dataclass(frozen=True)
class ReservationRequest:
    """What to reserve. The importer code comes from the client's config.

    ``totals`` defaults to the sum of the lines, which is what Cargo Master checks.
    """

    vendor_code: str
    reference: str
    ship_date: date
    origin: str
    lines: tuple[ReservationLine, ...]
    destination: str = "MIA"
    totals: ReservationTotals | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ReservationRequest":
        """Rebuild a request from its contract-shaped JSON (importer code ignored)."""
        totals = data.get("totals")
        return cls(
            vendor_code=_str(data, "vendor_code"),
            reference=_str(data, "reference"),
            ship_date=date.fromisoformat(_str(data, "ship_date")),
            origin=_str(data, "origin"),
            destination=_str(data, "destination"),
            lines=tuple(
                ReservationLine.from_json(line) for line in _list(data, "lines")
            ),
            totals=None if totals is None else ReservationTotals.from_json(totals),
        )

    def to_json(self, *, importer_code: str) -> dict[str, Any]:
        totals = self.totals or ReservationTotals.of(self.lines)
        return {
            "importer_code": importer_code,
            "vendor_code": self.vendor_code,
            "reference": self.reference,
            "ship_date": self.ship_date.isoformat(),
            "origin": self.origin,
            "destination": self.destination,
            "lines": [line.to_json() for line in self.lines],
            "totals": totals.to_json(),
        }


@dataclass(frozen=True)
class Reservation:
    number: str
    reference: str
    status: ReservationStatus
    vendor_code: str
    ship_date: date
    origin: str
    destination: str
    lines: tuple[ReservationLine, ...]
    totals: ReservationTotals
    created_at: datetime
    updated_at: datetime
    revision: int
    cancel_reason: str | None = None

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Reservation":
        status = _str(data, "status")
        if status not in ("confirmed", "cancelled"):
            raise ValueError(f"unknown reservation status {status!r}")
        return cls(
            number=_str(data, "number"),
            reference=_str(data, "reference"),
            status=status,
            vendor_code=_str(data, "vendor_code"),
            ship_date=date.fromisoformat(_str(data, "ship_date")),
            origin=_str(data, "origin"),
            destination=_str(data, "destination"),
            lines=tuple(
                ReservationLine.from_json(line) for line in _list(data, "lines")
            ),
            totals=ReservationTotals.from_json(_mapping(data, "totals")),
            created_at=datetime.fromisoformat(_str(data, "created_at")),
            updated_at=datetime.fromisoformat(_str(data, "updated_at")),
            revision=_int(data, "revision"),
            cancel_reason=_optional_str(data, "cancel_reason"),
        )


@dataclass(frozen=True)
class BoxLabel:
    """One box's label data; ``box_code`` is Code-128-safe ASCII for the barcode."""

    box_code: str
    sequence: int
    box_type: str
    product: str
    mark_code: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "BoxLabel":
        box_code = _str(data, "box_code")
        if not (box_code.isascii() and box_code.isprintable()):
            raise ValueError(f"box code {box_code!r} is not printable ASCII")
        return cls(
            box_code=box_code,
            sequence=_int(data, "sequence"),
            box_type=_str(data, "box_type"),
            product=_str(data, "product"),
            mark_code=_str(data, "mark_code"),
        )


@dataclass(frozen=True)
class CallRecord:
    """One HTTP exchange with Cargo Master, for the caller's audit trail.

    Bodies have secrets replaced by "[redacted]" and are cut to a bounded size.
    ``status`` is None when no HTTP reply arrived (timeout, reset).
    """

    operation: str
    method: str
    path: str
    status: int | None
    duration_ms: int
    started_at: datetime
    request_body: Any
    response_body: Any
    error_code: str | None = None
    idempotency_key: str | None = None


# Small strict readers: a reply that does not match the contract fails loudly here
# (the client turns these errors into CargoMasterError "unexpected_reply").


def _str(data: Mapping[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise TypeError(f"{key} must be a string")
    return value


def _optional_str(data: Mapping[str, Any], key: str) -> str | None:
    return None if data.get(key) is None else _str(data, key)


def _int(data: Mapping[str, Any], key: str) -> int:
    value = data[key]
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{key} must be an integer")
    return value


def _bool(data: Mapping[str, Any], key: str) -> bool:
    value = data[key]
    if not isinstance(value, bool):
        raise TypeError(f"{key} must be a boolean")
    return value


def _decimal(data: Mapping[str, Any], key: str) -> Decimal:
    value = data[key]
    # A Decimal here came from a JSON number parsed with parse_float=Decimal:
    # accepted without float rounding, though the contract says string.
    if isinstance(value, Decimal):
        return value
    if not isinstance(value, str):
        raise TypeError(f"{key} must be a decimal string")
    return Decimal(value)


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data[key]
    if not isinstance(value, list):
        raise TypeError(f"{key} must be a list")
    return value


def _mapping(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data[key]
    if not isinstance(value, Mapping):
        raise TypeError(f"{key} must be an object")
    return value
