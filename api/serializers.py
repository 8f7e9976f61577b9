"""What the API reads and writes. Writes validate as the web forms do, with the same
validators and messages; the views then call the same services."""

from decimal import Decimal

from django.db.models import Q
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from integrations.models import Reservation
from purchase_orders.forms import (
    MAX_BOXES,
    MAX_NOTES,
    MAX_PER_BOX,
    NOTES_TOO_LONG,
    TOO_MANY_BOXES,
    TOO_MANY_BUNCHES,
    TOO_MANY_STEMS,
    WHOLE_BOXES,
    WHOLE_COUNT,
)
from purchase_orders.models import (
    BoxType,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
    UnitType,
)
from purchase_orders.selectors import purchase_order_totals
from purchase_orders.services import LineInput
from purchase_orders.validators import (
    validate_ship_date_not_past,
    validate_ship_date_within_a_year,
    validate_unit_cost,
)
from vendors.forms import (
    AIRPORT_MESSAGE,
    CARGO_MASTER_CODE_MESSAGE,
    COUNTRY_MESSAGE,
    VENDOR_CODE,
    VENDOR_CODE_MESSAGE,
)
from vendors.models import Vendor
from vendors.validators import (
    validate_airport_code,
    validate_cargo_master_code,
    validate_country_code,
    validate_order_emails,
)

from .fields import CompanyRecordField, NormalizedCodeField

# Bounds no real PO line comes near, the web form's (MAX_BOXES, MAX_PER_BOX). They
# keep a line's cost (stems x unit cost, below 10^18) inside the money columns and
# Decimal's precision, so an absurd number is a clear 400, not a database overflow.
MAX_UNIT_COST = Decimal("99999999.9999")
MAX_LINES = 500


# Vendors ---------------------------------------------------------------------


class VendorSerializer(serializers.ModelSerializer):
    code = NormalizedCodeField(
        max_length=20, error_messages={"max_length": VENDOR_CODE_MESSAGE}
    )
    name = serializers.CharField(max_length=120)
    country = NormalizedCodeField(
        max_length=2,
        validators=[validate_country_code],
        error_messages={"max_length": COUNTRY_MESSAGE},
    )
    origin = NormalizedCodeField(
        max_length=3,
        validators=[validate_airport_code],
        error_messages={"max_length": AIRPORT_MESSAGE},
        help_text="Origin airport code, such as BOG, MDE or UIO.",
    )
    order_emails = serializers.CharField(
        max_length=500,
        validators=[validate_order_emails],
        help_text="Order e-mail addresses, separated by commas.",
    )
    active = serializers.BooleanField(default=True)
    cargo_master_code = NormalizedCodeField(
        max_length=20,
        required=False,
        allow_blank=True,
        validators=[validate_cargo_master_code],
        error_messages={"max_length": CARGO_MASTER_CODE_MESSAGE},
        help_text=(
            "Issued by Cargo Master; blank when the vendor does not ship with it. "
            "Only administrators (or a token with vendors:write) may set it, and "
            "only once the company is linked with Cargo Master."
        ),
    )

    class Meta:
        model = Vendor
        fields = [
            "id",
            "code",
            "name",
            "country",
            "origin",
            "order_emails",
            "active",
            "cargo_master_code",
        ]

    def validate_code(self, code: str) -> str:
        if not VENDOR_CODE.match(code):
            raise serializers.ValidationError(
                VENDOR_CODE_MESSAGE, code="invalid_vendor_code"
            )
        others = Vendor.objects.filter(company=self.context["company"], code=code)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(
                f"A vendor with code {code} already exists.",
                code="duplicate_vendor_code",
            )
        return code


# Catalog ---------------------------------------------------------------------


class BoxTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = BoxType
        fields = ["id", "code", "name", "fbe"]


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "code", "description", "unit_type", "stems_per_bunch"]


# Purchase orders: reading -----------------------------------------------------


class LineSerializer(serializers.ModelSerializer):
    stems = serializers.IntegerField(read_only=True)
    fbe = serializers.DecimalField(max_digits=20, decimal_places=3, read_only=True)
    cost = serializers.DecimalField(max_digits=30, decimal_places=2, read_only=True)

    class Meta:
        model = PurchaseOrderLine
        fields = [
            "id",
            "product",
            "mark_code",
            "box_type",
            "boxes",
            "unit_type",
            "bunches_per_box",
            "stems_per_bunch",
            "unit_cost",
            "stems",
            "fbe",
            "cost",
        ]


class TotalsSerializer(serializers.Serializer):
    boxes = serializers.IntegerField()
    stems = serializers.IntegerField()
    fbe = serializers.DecimalField(max_digits=30, decimal_places=3)
    cost = serializers.DecimalField(max_digits=30, decimal_places=2)


class ReservationSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Reservation
        fields = ["id", "status", "number", "active"]


class PurchaseOrderSerializer(serializers.ModelSerializer):
    lines = LineSerializer(many=True, read_only=True)
    totals = serializers.SerializerMethodField()
    reservation = serializers.SerializerMethodField(
        help_text="The PO's latest reservation at Cargo Master, if any."
    )

    class Meta:
        model = PurchaseOrder
        fields = [
            "id",
            "number",
            "reference",
            "vendor",
            "ship_date",
            "status",
            "notes",
            "created_at",
            "updated_at",
            "sent_at",
            "lines",
            "totals",
            "reservation",
        ]

    @extend_schema_field(TotalsSerializer)
    def get_totals(self, purchase_order: PurchaseOrder) -> dict:
        totals = purchase_order_totals(list(purchase_order.lines.all()))
        return TotalsSerializer(totals).data

    @extend_schema_field(ReservationSummarySerializer(allow_null=True))
    def get_reservation(self, purchase_order: PurchaseOrder) -> dict | None:
        # Same choice as the PO page: the active one, else the newest.
        reservations = sorted(
            purchase_order.reservations.all(),
            key=lambda r: (r.active, r.created_at),
            reverse=True,
        )
        if not reservations:
            return None
        return ReservationSummarySerializer(reservations[0]).data


# Purchase orders: writing -----------------------------------------------------


def line_inputs(lines: list[dict]) -> list[LineInput]:
    return [LineInput(**line) for line in lines]


class LineWriteSerializer(serializers.Serializer):
    product = CompanyRecordField(Product)
    mark_code = NormalizedCodeField(
        max_length=20, required=False, allow_blank=True, default=""
    )
    box_type = CompanyRecordField(BoxType)
    boxes = serializers.IntegerField(
        min_value=1,
        max_value=MAX_BOXES,
        error_messages={
            "invalid": WHOLE_BOXES,
            "min_value": WHOLE_BOXES,
            "max_value": TOO_MANY_BOXES,
        },
    )
    unit_type = serializers.ChoiceField(choices=UnitType.choices)
    bunches_per_box = serializers.IntegerField(
        min_value=1,
        max_value=MAX_PER_BOX,
        error_messages={
            "invalid": WHOLE_COUNT,
            "min_value": WHOLE_COUNT,
            "max_value": TOO_MANY_BUNCHES,
        },
    )
    stems_per_bunch = serializers.IntegerField(
        min_value=1,
        max_value=MAX_PER_BOX,
        error_messages={
            "invalid": WHOLE_COUNT,
            "min_value": WHOLE_COUNT,
            "max_value": TOO_MANY_STEMS,
        },
    )
    unit_cost = serializers.DecimalField(
        # Digits are checked by validate_unit_cost, with the web form's message.
        max_digits=None,
        decimal_places=None,
        max_value=MAX_UNIT_COST,
        validators=[validate_unit_cost],
        error_messages={
            "invalid": "Enter the unit cost as a number, such as 0.45.",
            "max_value": "The unit cost must be below 100,000,000.",
        },
        help_text='At most four decimals, not negative; a string such as "0.45".',
    )


def _selectable_vendors(context: dict) -> Q:
    active = Q(active=True)
    purchase_order = context.get("purchase_order")
    if purchase_order is not None:
        # A vendor made inactive later must not make its POs uneditable.
        active |= Q(pk=purchase_order.vendor_id)
    return active


class PurchaseOrderWriteSerializer(serializers.Serializer):
    """A PO's header and all its lines. A new PO needs a ship date from today on;
    an edit may keep an old one. PATCH may leave out any field, lines included."""

    vendor = CompanyRecordField(
        Vendor, limit=_selectable_vendors, help_text="An active vendor's id."
    )
    ship_date = serializers.DateField()
    notes = serializers.CharField(
        max_length=MAX_NOTES,
        required=False,
        allow_blank=True,
        default="",
        error_messages={"max_length": NOTES_TOO_LONG},
    )
    reference = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text="Your own reference, unique in the company; set on creation only.",
    )
    lines = LineWriteSerializer(
        many=True,
        allow_empty=False,
        max_length=MAX_LINES,
        error_messages={"empty": "Add at least one line to the PO."},
    )

    def validate_ship_date(self, ship_date):
        purchase_order = self.context.get("purchase_order")
        if purchase_order is None or ship_date != purchase_order.ship_date:
            validate_ship_date_not_past(ship_date)
            validate_ship_date_within_a_year(ship_date)
        return ship_date

    def validate_reference(self, reference: str) -> str:
        reference = reference.strip()
        purchase_order = self.context.get("purchase_order")
        if purchase_order is not None:
            if reference and reference != purchase_order.reference:
                raise serializers.ValidationError(
                    "The reference is set when the PO is created and cannot change."
                )
            return purchase_order.reference
        taken = PurchaseOrder.objects.filter(
            company=self.context["company"], reference=reference
        )
        if reference and taken.exists():
            raise serializers.ValidationError(
                f"Another PO already has the reference {reference}."
            )
        return reference


# Reservations ----------------------------------------------------------------


class ReservationSerializer(serializers.ModelSerializer):
    purchase_order_number = serializers.IntegerField(
        source="purchase_order.number", read_only=True
    )

    class Meta:
        model = Reservation
        fields = [
            "id",
            "purchase_order",
            "purchase_order_number",
            "vendor_code",
            "status",
            "active",
            "number",
            "last_error",
            "last_error_code",
            "created_at",
            "updated_at",
            "reserved_at",
        ]


# Actions ---------------------------------------------------------------------


class PurchaseOrderIdsSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        allow_empty=False,
        max_length=MAX_LINES,
        help_text="Ids of the company's POs; only drafts are sent.",
    )


class SendResultSerializer(serializers.Serializer):
    sent = serializers.ListField(child=serializers.IntegerField())
    skipped = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Ids left as they were: only draft POs are sent.",
    )


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()
