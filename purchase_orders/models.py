from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from companies.models import Company
from vendors.models import Vendor


class CompanyQuerySet(models.QuerySet):
    def for_company(self, company: Company):
        return self.filter(company=company)


class UnitType(models.TextChoices):
    STEM = "stem", "Stem"
    BUNCH = "bunch", "Bunch"


class BoxType(models.Model):
    """A box size and its full-box equivalent (FBE), which agencies charge space by."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="box_types"
    )
    code = models.CharField(max_length=4)
    name = models.CharField(max_length=40)
    fbe = models.DecimalField(
        "full-box equivalent",
        max_digits=5,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
    )

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["-fbe", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "code"], name="box_type_code_unique_per_company"
            ),
            models.CheckConstraint(
                condition=Q(fbe__gt=0), name="box_type_fbe_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Product(models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="products"
    )
    code = models.CharField(max_length=30)
    description = models.CharField(max_length=120)
    unit_type = models.CharField(
        max_length=5, choices=UnitType.choices, default=UnitType.STEM
    )
    stems_per_bunch = models.PositiveIntegerField(
        default=25, validators=[MinValueValidator(1)]
    )

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["description"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "code"], name="product_code_unique_per_company"
            )
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.code})"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    CONFIRMED = "confirmed", "Confirmed"
    PARTIALLY_CONFIRMED = "partially_confirmed", "Partially confirmed"
    SHIPPED = "shipped", "Shipped"
    CANCELLED = "cancelled", "Cancelled"


# Statuses in which the farm already has the PO, so a change must reach Cargo Master.
SENT_STATUSES = (Status.SENT, Status.CONFIRMED, Status.PARTIALLY_CONFIRMED)


class PurchaseOrder(models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="purchase_orders"
    )
    number = models.PositiveIntegerField(editable=False)
    reference = models.CharField(
        max_length=40,
        blank=True,
        help_text="The buyer's own reference, such as the po_reference of an import.",
    )
    vendor = models.ForeignKey(
        Vendor, on_delete=models.PROTECT, related_name="purchase_orders"
    )
    ship_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"], name="po_number_unique_per_company"
            ),
            models.UniqueConstraint(
                fields=["company", "reference"],
                condition=~Q(reference=""),
                name="po_reference_unique_per_company",
            ),
        ]
        indexes = [models.Index(fields=["company", "ship_date"])]

    def __str__(self) -> str:
        return f"PO {self.number}"

    @property
    def is_sent(self) -> bool:
        return self.status in SENT_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status in (Status.DRAFT, *SENT_STATUSES)


class PurchaseOrderLine(models.Model):
    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="lines"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    mark_code = models.CharField(max_length=20, blank=True)
    box_type = models.ForeignKey(BoxType, on_delete=models.PROTECT, related_name="+")
    boxes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    unit_type = models.CharField(max_length=5, choices=UnitType.choices)
    bunches_per_box = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    stems_per_bunch = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    unit_cost = models.DecimalField(
        max_digits=12, decimal_places=4, validators=[MinValueValidator(Decimal(0))]
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(boxes__gte=1), name="line_boxes_positive"
            ),
            models.CheckConstraint(
                condition=Q(unit_cost__gte=0), name="line_unit_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.boxes} {self.box_type_id and self.box_type.code} of {self.product}"
        )

    @property
    def bunches(self) -> int:
        return self.boxes * self.bunches_per_box

    @property
    def stems(self) -> int:
        return self.bunches * self.stems_per_bunch

    @property
    def fbe(self) -> Decimal:
        return self.boxes * self.box_type.fbe

    @property
    def cost(self) -> Decimal:
        units = self.stems if self.unit_type == UnitType.STEM else self.bunches
        return (units * self.unit_cost).quantize(Decimal("0.01"))
