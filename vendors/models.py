from django.db import models

from companies.models import Company

from .validators import (
    split_emails,
    validate_airport_code,
    validate_cargo_master_code,
    validate_country_code,
    validate_order_emails,
)


class VendorQuerySet(models.QuerySet):
    def for_company(self, company: Company) -> "VendorQuerySet":
        return self.filter(company=company)


class Vendor(models.Model):
    """A farm the company buys from."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="vendors"
    )
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=120)
    country = models.CharField(max_length=2, validators=[validate_country_code])
    origin = models.CharField(
        "origin airport", max_length=3, validators=[validate_airport_code]
    )
    order_emails = models.CharField(
        "order e-mail addresses",
        max_length=500,
        validators=[validate_order_emails],
        help_text="Separate several addresses with commas.",
    )
    active = models.BooleanField(default=True)
    cargo_master_code = models.CharField(
        max_length=20,
        blank=True,
        validators=[validate_cargo_master_code],
        help_text="Issued by Cargo Master. Blank: the vendor does not ship with it.",
    )

    objects = VendorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "code"], name="vendor_code_unique_per_company"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def order_email_list(self) -> list[str]:
        return split_emails(self.order_emails)

    @property
    def ships_with_cargo_master(self) -> bool:
        return bool(self.cargo_master_code)
