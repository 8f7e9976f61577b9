import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

MAX_COST_DECIMALS = 4
# A year and a day, so the same date next year (in a leap year too) is still
# allowed; anything later is almost always a typo in the year.
MAX_DAYS_AHEAD = 366


def validate_ship_date_not_past(value: dt.date) -> None:
    if value < timezone.localdate():
        raise ValidationError(
            "The ship date %(date)s is in the past.",
            params={"date": value.isoformat()},
            code="ship_date_past",
        )


def validate_ship_date_within_a_year(value: dt.date) -> None:
    if value > timezone.localdate() + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError(
            "The ship date is more than a year ahead; check the year.",
            code="ship_date_too_far",
        )


def validate_unit_cost(value: Decimal) -> None:
    if value < 0:
        raise ValidationError("The unit cost cannot be negative.", code="negative")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_COST_DECIMALS:
        raise ValidationError(
            "Use at most four decimals for the unit cost.", code="too_many_decimals"
        )
