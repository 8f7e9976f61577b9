"""List filters. Choices of records come from the caller's company only, so another
company's id is refused like an unknown one."""

import django_filters
from django.db.models import OuterRef, Q, QuerySet, Subquery

from integrations.models import Reservation, ReservationStatus
from purchase_orders.models import PurchaseOrder, Status
from vendors.models import Vendor

from .access import caller_of

NO_RESERVATION = "none"


def _company_vendors(request) -> QuerySet:
    if request is None:  # the schema generator builds filters without a request
        return Vendor.objects.none()
    return Vendor.objects.filter(company=caller_of(request).company)


def _company_purchase_orders(request) -> QuerySet:
    if request is None:
        return PurchaseOrder.objects.none()
    return PurchaseOrder.objects.filter(company=caller_of(request).company)


def with_reservation_status(purchase_orders: QuerySet) -> QuerySet:
    """Annotate the status of each PO's current reservation (the active one, else
    the newest), the one its page shows."""
    latest = Reservation.objects.filter(purchase_order=OuterRef("pk")).order_by(
        "-active", "-created_at", "-pk"
    )
    return purchase_orders.annotate(
        reservation_status=Subquery(latest.values("status")[:1])
    )


class VendorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label="Code, name or Cargo Master code contains"
    )
    active = django_filters.BooleanFilter()
    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact")

    class Meta:
        model = Vendor
        fields = ["q", "active", "code"]

    def search(self, vendors: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return vendors.filter(
            Q(code__icontains=value)
            | Q(name__icontains=value)
            | Q(cargo_master_code__icontains=value)
        )


class PurchaseOrderFilter(django_filters.FilterSet):
    ship_date_from = django_filters.DateFilter(
        field_name="ship_date", lookup_expr="gte", label="Ship date on or after"
    )
    ship_date_to = django_filters.DateFilter(
        field_name="ship_date", lookup_expr="lte", label="Ship date on or before"
    )
    vendor = django_filters.ModelChoiceFilter(queryset=_company_vendors)
    status = django_filters.ChoiceFilter(choices=Status.choices)
    reservation_status = django_filters.ChoiceFilter(
        choices=[*ReservationStatus.choices, (NO_RESERVATION, "No reservation")],
        method="filter_reservation_status",
        label="Status of the current reservation, or none",
    )
    reference = django_filters.CharFilter(field_name="reference")

    class Meta:
        model = PurchaseOrder
        fields = [
            "ship_date_from",
            "ship_date_to",
            "vendor",
            "status",
            "reservation_status",
            "reference",
        ]

    def filter_reservation_status(
        self, purchase_orders: QuerySet, name: str, value: str
    ) -> QuerySet:
        purchase_orders = with_reservation_status(purchase_orders)
        if value == NO_RESERVATION:
            return purchase_orders.filter(reservation_status__isnull=True)
        return purchase_orders.filter(reservation_status=value)


class ReservationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReservationStatus.choices)
    active = django_filters.BooleanFilter()
    purchase_order = django_filters.ModelChoiceFilter(queryset=_company_purchase_orders)

    class Meta:
        model = Reservation
        fields = ["status", "active", "purchase_order"]
