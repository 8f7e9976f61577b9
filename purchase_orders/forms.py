import datetime as dt
from decimal import Decimal

from django import forms
from django.db.models import Q

from companies.models import Company
from vendors.models import Vendor

from .models import BoxType, Product, PurchaseOrder, Status, UnitType
from .services import LineInput
from .validators import (
    validate_ship_date_not_past,
    validate_ship_date_within_a_year,
    validate_unit_cost,
)

# The limits and messages the web form, the API and the imports share. The upper
# limits keep values inside the database's integer columns and a line's cost
# inside the money columns; no farm packs anywhere near them.
MAX_BOXES = 9_999
MAX_PER_BOX = 1_000
MAX_NOTES = 2_000
WHOLE_BOXES = "Enter the number of boxes as a whole number above zero."
WHOLE_COUNT = "Enter a whole number above zero."
TOO_MANY_BOXES = f"A line holds at most {MAX_BOXES:,} boxes."
TOO_MANY_BUNCHES = f"Enter at most {MAX_PER_BOX:,} bunches per box."
TOO_MANY_STEMS = f"Enter at most {MAX_PER_BOX:,} stems per bunch."
NOTES_TOO_LONG = f"Keep the notes to {MAX_NOTES:,} characters or fewer."
ISO_DATE_MESSAGE = "Enter the date as YYYY-MM-DD."


class PurchaseOrderForm(forms.Form):
    """The PO header. A new PO needs a ship date from today on; an edit may keep
    the date it has, so a sent PO whose date has passed can still be corrected."""

    vendor = forms.ModelChoiceField(queryset=Vendor.objects.none())
    # Only ISO: Django's default formats also take 2/4/2027, which is February 4
    # to some buyers and April 2 to others. The date input always sends ISO.
    ship_date = forms.DateField(
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": ISO_DATE_MESSAGE},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    notes = forms.CharField(
        max_length=MAX_NOTES,
        error_messages={"max_length": NOTES_TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(
        self, *args, company: Company, purchase_order: PurchaseOrder | None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.purchase_order = purchase_order
        active = Q(active=True)
        if purchase_order is not None:
            # A vendor made inactive later must not make its POs uneditable.
            active |= Q(pk=purchase_order.vendor_id)
        self.fields["vendor"].queryset = Vendor.objects.filter(active, company=company)

    def clean_ship_date(self) -> dt.date:
        ship_date = self.cleaned_data["ship_date"]
        unchanged = (
            self.purchase_order is not None
            and ship_date == self.purchase_order.ship_date
        )
        if not unchanged:
            validate_ship_date_not_past(ship_date)
            validate_ship_date_within_a_year(ship_date)
        return ship_date


class LineForm(forms.Form):
    product = forms.ModelChoiceField(queryset=Product.objects.none())
    mark_code = forms.CharField(max_length=20, required=False)
    box_type = forms.ModelChoiceField(queryset=BoxType.objects.none())
    boxes = forms.IntegerField(
        min_value=1,
        max_value=MAX_BOXES,
        error_messages={
            "invalid": WHOLE_BOXES,
            "min_value": WHOLE_BOXES,
            "max_value": TOO_MANY_BOXES,
        },
        widget=forms.NumberInput(attrs={"min": 1, "step": 1}),
    )
    unit_type = forms.ChoiceField(choices=UnitType.choices, initial=UnitType.STEM)
    bunches_per_box = forms.IntegerField(
        min_value=1,
        max_value=MAX_PER_BOX,
        error_messages={
            "invalid": WHOLE_COUNT,
            "min_value": WHOLE_COUNT,
            "max_value": TOO_MANY_BUNCHES,
        },
    )
    stems_per_bunch = forms.IntegerField(
        min_value=1,
        max_value=MAX_PER_BOX,
        error_messages={
            "invalid": WHOLE_COUNT,
            "min_value": WHOLE_COUNT,
            "max_value": TOO_MANY_STEMS,
        },
    )
    unit_cost = forms.DecimalField(
        # The column holds 8 digits before the point and 4 after.
        max_value=Decimal("99999999.9999"),
        validators=[validate_unit_cost],
        error_messages={
            "invalid": "Enter the unit cost as a number, such as 0.45.",
            "max_value": "The unit cost must be below 100,000,000.",
        },
        widget=forms.NumberInput(attrs={"step": "0.0001", "min": 0}),
    )

    def __init__(self, *args, company: Company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.for_company(company)
        self.fields["box_type"].queryset = BoxType.objects.for_company(company)

    def clean_mark_code(self) -> str:
        return self.cleaned_data["mark_code"].strip().upper()

    def line_input(self) -> LineInput:
        data = self.cleaned_data
        return LineInput(
            product=data["product"],
            box_type=data["box_type"],
            boxes=data["boxes"],
            unit_type=data["unit_type"],
            bunches_per_box=data["bunches_per_box"],
            stems_per_bunch=data["stems_per_bunch"],
            unit_cost=data["unit_cost"],
            mark_code=data["mark_code"],
        )


class BaseLineFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        if not self.line_inputs():
            raise forms.ValidationError(
                "Add at least one line to the PO.", code="no_lines"
            )

    def line_inputs(self) -> list[LineInput]:
        """The filled-in lines the user kept, in the order shown."""
        # Blank extra rows are skipped; a PO's existing lines count even untouched.
        return [
            form.line_input()
            for index, form in enumerate(self.forms)
            if (index < self.initial_form_count() or form.has_changed())
            and not self._should_delete_form(form)
        ]


def line_formset(
    data, *, company: Company, purchase_order: PurchaseOrder | None
) -> BaseLineFormSet:
    """Lines of a new PO (three blank rows) or of an existing one (its lines)."""
    initial = []
    if purchase_order is not None:
        initial = [
            {
                "product": line.product_id,
                "mark_code": line.mark_code,
                "box_type": line.box_type_id,
                "boxes": line.boxes,
                "unit_type": line.unit_type,
                "bunches_per_box": line.bunches_per_box,
                "stems_per_bunch": line.stems_per_bunch,
                "unit_cost": line.unit_cost,
            }
            for line in purchase_order.lines.all()
        ]
    formset_class = forms.formset_factory(
        LineForm, formset=BaseLineFormSet, can_delete=True, extra=1 if initial else 3
    )
    return formset_class(
        data, initial=initial, prefix="lines", form_kwargs={"company": company}
    )


class PurchaseOrderFilterForm(forms.Form):
    """Filters of the purchase order list; every field is optional."""

    ship_from = forms.DateField(
        label="Ship date from",
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": ISO_DATE_MESSAGE},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ship_to = forms.DateField(
        label="to",
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": ISO_DATE_MESSAGE},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    vendor = forms.ModelChoiceField(
        queryset=Vendor.objects.none(), required=False, empty_label="All vendors"
    )
    status = forms.ChoiceField(
        choices=[("", "All statuses"), *Status.choices], required=False
    )

    def __init__(self, *args, company: Company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = Vendor.objects.for_company(company)

    def filter(self, purchase_orders):
        if not self.is_valid():
            return purchase_orders
        data = self.cleaned_data
        if data["ship_from"]:
            purchase_orders = purchase_orders.filter(ship_date__gte=data["ship_from"])
        if data["ship_to"]:
            purchase_orders = purchase_orders.filter(ship_date__lte=data["ship_to"])
        if data["vendor"]:
            purchase_orders = purchase_orders.filter(vendor=data["vendor"])
        if data["status"]:
            purchase_orders = purchase_orders.filter(status=data["status"])
        return purchase_orders
