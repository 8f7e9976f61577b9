"""Shape checks for reservation bodies: everything that is a 400 invalid_request.

Business rules that need the directory or the clock (vendor links, past ship dates,
box limits) live in the store; this module only answers "is this well formed?".
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sandbox.errors import ApiError

BOX_TYPE_FBE = {
    "FB": Decimal("1"),
    "HB": Decimal("0.5"),
    "QB": Decimal("0.25"),
    "EB": Decimal("0.125"),
}
MAX_LINES = 500
FIXED_POINT = re.compile(r"^\d{1,7}(\.\d{1,3})?$")
AIRPORT = re.compile(r"^[A-Z]{3}$")
CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")


@dataclass(frozen=True)
class Line:
    box_type: str
    boxes: int
    product: str
    mark_code: str

    def to_json(self) -> dict[str, Any]:
        return {
            "box_type": self.box_type,
            "boxes": self.boxes,
            "product": self.product,
            "mark_code": self.mark_code,
        }


@dataclass(frozen=True)
class Totals:
    boxes: int
    fbe: Decimal


@dataclass(frozen=True)
class CleanCreate:
    importer_code: str
    vendor_code: str
    reference: str
    ship_date: date
    origin: str
    destination: str
    lines: tuple[Line, ...]
    totals: Totals


@dataclass(frozen=True)
class CleanAmend:
    ship_date: date | None
    lines: tuple[Line, ...] | None
    totals: Totals | None


class _Errors:
    """Collects field messages so one reply can name every problem at once."""

    def __init__(self) -> None:
        self.details: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.details.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.details:
            raise ApiError(
                400,
                "invalid_request",
                "The request body is not valid.",
                details=self.details,
            )


def format_fbe(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.001")), "f")


def require_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_request", "The body must be a JSON object.")
    return body


def clean_create(body: Any) -> CleanCreate:
    body = require_object(body)
    errors = _Errors()
    importer_code = _text(body, "importer_code", errors, pattern=CODE)
    vendor_code = _text(body, "vendor_code", errors, pattern=CODE)
    reference = _text(body, "reference", errors, max_length=50)
    ship_date = _date(body, "ship_date", errors)
    origin = _text(body, "origin", errors, pattern=AIRPORT)
    destination = _text(body, "destination", errors, pattern=AIRPORT)
    lines = _lines(body.get("lines"), errors)
    totals = _totals(body.get("totals"), errors)
    if lines is not None and totals is not None:
        _check_totals(lines, totals, errors)
    errors.raise_if_any()
    return CleanCreate(
        importer_code=importer_code,
        vendor_code=vendor_code,
        reference=reference,
        ship_date=ship_date,
        origin=origin,
        destination=destination,
        lines=lines,
        totals=totals,
    )


def clean_amend(body: Any) -> CleanAmend:
    body = require_object(body)
    errors = _Errors()
    unknown = set(body) - {"ship_date", "lines", "totals"}
    for field in sorted(unknown):
        errors.add(field, "This field cannot be amended.")
    ship_date = _date(body, "ship_date", errors) if "ship_date" in body else None
    lines = totals = None
    if ("lines" in body) != ("totals" in body):
        errors.add("totals", "Lines and totals are amended together.")
    elif "lines" in body:
        lines = _lines(body["lines"], errors)
        totals = _totals(body["totals"], errors)
        if lines is not None and totals is not None:
            _check_totals(lines, totals, errors)
    if not body:
        errors.add("ship_date", "Give a ship date, or lines with totals, to amend.")
    errors.raise_if_any()
    return CleanAmend(ship_date=ship_date, lines=lines, totals=totals)


def clean_cancel(body: Any) -> str:
    body = require_object(body)
    errors = _Errors()
    reason = _text(body, "reason", errors, max_length=500)
    errors.raise_if_any()
    return reason


def _text(
    body: dict[str, Any],
    field: str,
    errors: _Errors,
    *,
    pattern: re.Pattern[str] | None = None,
    max_length: int = 200,
    allow_empty: bool = False,
) -> Any:
    value = body.get(field)
    if not isinstance(value, str):
        errors.add(field, "This field is required and must be a string.")
    elif not value.strip() and not allow_empty:
        errors.add(field, "This field may not be blank.")
    elif len(value) > max_length:
        errors.add(field, f"At most {max_length} characters.")
    elif pattern is not None and value and not pattern.match(value):
        errors.add(field, f"Must match {pattern.pattern}.")
    return value


def _date(body: dict[str, Any], field: str, errors: _Errors) -> Any:
    value = body.get(field)
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        errors.add(field, "Must be a date as YYYY-MM-DD.")
        return None


def _lines(raw: Any, errors: _Errors) -> tuple[Line, ...] | None:
    if not isinstance(raw, list) or not raw:
        errors.add("lines", "Give at least one line.")
        return None
    if len(raw) > MAX_LINES:
        errors.add("lines", f"At most {MAX_LINES} lines.")
        return None
    lines = []
    before = len(errors.details)
    for index, item in enumerate(raw):
        prefix = f"lines[{index}]"
        if not isinstance(item, dict):
            errors.add(prefix, "Each line must be an object.")
            continue
        box_type = item.get("box_type")
        if box_type not in BOX_TYPE_FBE:
            errors.add(f"{prefix}.box_type", f"One of {', '.join(BOX_TYPE_FBE)}.")
        boxes = item.get("boxes")
        # bool is an int in Python; JSON true must not count as one box.
        if not isinstance(boxes, int) or isinstance(boxes, bool) or boxes < 1:
            errors.add(f"{prefix}.boxes", "A whole number of boxes, at least 1.")
        product = _text(item, "product", _Prefixed(errors, prefix))
        mark_code = _text(
            item,
            "mark_code",
            _Prefixed(errors, prefix),
            max_length=20,
            allow_empty=True,
        )
        lines.append(Line(box_type, boxes, product, mark_code))
    return tuple(lines) if len(errors.details) == before else None


def _totals(raw: Any, errors: _Errors) -> Totals | None:
    if not isinstance(raw, dict):
        errors.add("totals", "Give totals as {boxes, fbe}.")
        return None
    boxes = raw.get("boxes")
    fbe = raw.get("fbe")
    valid = True
    if not isinstance(boxes, int) or isinstance(boxes, bool) or boxes < 1:
        errors.add("totals.boxes", "A whole number of boxes, at least 1.")
        valid = False
    # FBE travels as a fixed-point string so no float rounding can creep in.
    if not isinstance(fbe, str) or not FIXED_POINT.match(fbe):
        errors.add("totals.fbe", 'A fixed-point decimal string such as "12.500".')
        valid = False
    return Totals(boxes, Decimal(fbe)) if valid else None


def _check_totals(lines: tuple[Line, ...], totals: Totals, errors: _Errors) -> None:
    boxes = sum(line.boxes for line in lines)
    fbe = sum((BOX_TYPE_FBE[line.box_type] * line.boxes for line in lines), Decimal())
    if boxes != totals.boxes:
        errors.add("totals.boxes", f"The lines add up to {boxes} boxes.")
    if fbe != totals.fbe:
        errors.add("totals.fbe", f"The lines add up to {format_fbe(fbe)} FBE.")


class _Prefixed(_Errors):
    """Adds a line prefix to field names while writing into the parent's details."""

    def __init__(self, parent: _Errors, prefix: str) -> None:
        self.details = parent.details
        self._prefix = prefix

    def add(self, field: str, message: str) -> None:
        self.details.setdefault(f"{self._prefix}.{field}", []).append(message)
