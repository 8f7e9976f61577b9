"""Turning one cell's text into a value, or into a message that says what is wrong.

Messages quote what the cell held, so the user finds it in the spreadsheet.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from purchase_orders.validators import (
    validate_ship_date_not_past,
    validate_ship_date_within_a_year,
)

# Bounds that keep every count inside the database's integer columns.
MAX_COUNT = 1_000_000
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CellError(Exception):
    """What is wrong with one cell; the message is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def text(value: str, *, max_length: int, required: bool = True) -> str:
    if required and not value:
        raise CellError("This cell is empty; it needs a value.")
    if len(value) > max_length:
        raise CellError(
            f"“{value[:30]}…” is {len(value)} characters long; "
            f"the limit is {max_length}."
        )
    return value


def code(value: str, *, max_length: int, required: bool = True) -> str:
    """Codes compare in capitals, as the app stores them."""
    return text(value.upper(), max_length=max_length, required=required)


def whole(
    value: str, *, message: str, max_value: int = MAX_COUNT, too_large: str = ""
) -> int:
    """A whole number from 1 to max_value; `too_large` names the limit."""
    if not value:
        raise CellError(f"{message} This cell is empty.")
    if not value.isdecimal() or int(value) < 1:
        raise CellError(f"{message.removesuffix('.')} (found “{value}”).")
    if int(value) > max_value:
        limit = too_large or f"Enter at most {max_value:,}."
        raise CellError(f"{limit.removesuffix('.')} (found “{value}”).")
    return int(value)


def decimal(value: str, *, example: str, max_value: Decimal) -> Decimal:
    if not value:
        raise CellError(f"This cell is empty; enter a number such as {example}.")
    if "," in value:
        raise CellError(
            f"Write the number with a decimal point, such as {example} "
            f"(found “{value}”, with a decimal comma)."
        )
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise CellError(
            f"Enter a number such as {example} (found “{value}”)."
        ) from None
    if not number.is_finite() or number > max_value:
        raise CellError(f"Enter a number below {max_value:,} (found “{value}”).")
    return number


def iso_date(value: str) -> dt.date:
    """A date written YYYY-MM-DD, as Excel writes a cell formatted yyyy-mm-dd."""
    if not ISO_DATE.match(value):
        raise CellError(
            "Write the ship date as YYYY-MM-DD, such as 2027-02-04 "
            f"(found “{value}”). In Excel, format the column as yyyy-mm-dd."
            if value
            else "This cell is empty; enter the ship date as YYYY-MM-DD."
        )
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CellError(
            f"There is no date {value}: check the day and the month."
        ) from None


def ship_date_allowed(date: dt.date) -> dt.date:
    """Not past and not more than a year ahead, as the PO form and the API check."""
    try:
        validate_ship_date_not_past(date)
        validate_ship_date_within_a_year(date)
    except ValidationError as error:
        raise CellError(error.messages[0]) from None
    return date


def choice(value: str, *, choices: list[str], label: str) -> str:
    if value.lower() not in choices:
        raise CellError(
            f"Unknown {label} “{value}”: use {' or '.join(choices)}."
            if value
            else f"This cell is empty; use {' or '.join(choices)}."
        )
    return value.lower()
