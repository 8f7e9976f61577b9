import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# Cargo Master issues codes of capital letters and digits, such as UIO07100.
CARGO_MASTER_CODE = re.compile(r"^[A-Z0-9]{3,20}$")
AIRPORT_CODE = re.compile(r"^[A-Z]{3}$")
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


def validate_cargo_master_code(value: str) -> None:
    if value and not CARGO_MASTER_CODE.match(value):
        raise ValidationError(
            "A Cargo Master code is 3 to 20 capital letters and digits, with no "
            "spaces or symbols (for example UIO07100).",
            code="invalid_cargo_master_code",
        )


def validate_airport_code(value: str) -> None:
    if not AIRPORT_CODE.match(value):
        raise ValidationError(
            "Enter a three-letter airport code such as BOG, MDE or UIO.",
            code="invalid_airport",
        )


def validate_country_code(value: str) -> None:
    if not COUNTRY_CODE.match(value):
        raise ValidationError(
            "Enter a two-letter country code such as CO or EC.", code="invalid_country"
        )


def split_emails(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\s]+", value or "") if part.strip()]


def validate_order_emails(value: str) -> None:
    addresses = split_emails(value)
    if not addresses:
        raise ValidationError("Enter at least one order e-mail address.")
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                "“%(address)s” is not a valid e-mail address.",
                params={"address": address},
                code="invalid_email",
            ) from None
