from django.conf import settings
from django.db import models


class Company(models.Model):
    """An importer. Every business record belongs to exactly one company."""

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=120)
    destination = models.CharField(
        max_length=3,
        default="MIA",
        help_text="Airport code the company's boxes fly to.",
    )
    next_po_number = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name_plural = "companies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    BUYER = "buyer", "Buyer"
    OPERATIONS = "operations", "Operations"


class Membership(models.Model):
    """A user's place in one company. A user works in one company at a time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "company"], name="one_membership_per_user_and_company"
            )
        ]
        ordering = ["company__name"]

    def __str__(self) -> str:
        return f"{self.user} in {self.company} ({self.get_role_display()})"
