"""Reads of purchase orders: totals and the company-scoped querysets views use."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Sum, Value, When
from django.db.models.functions import Coalesce, Round

from companies.models import Company

from .models import PurchaseOrder, PurchaseOrderLine, UnitType

MONEY = DecimalField(max_digits=20, decimal_places=2)
FBE = DecimalField(max_digits=12, decimal_places=3)


@dataclass(frozen=True)
class Totals:
    boxes: int
    stems: int
    fbe: Decimal
    cost: Decimal


def purchase_order_totals(lines: list[PurchaseOrderLine]) -> Totals:
    """Totals of lines whose box_type is already loaded (select_related)."""
    return Totals(
        boxes=sum(line.boxes for line in lines),
        stems=sum(line.stems for line in lines),
        fbe=sum((line.fbe for line in lines), Decimal("0.000")),
        cost=sum((line.cost for line in lines), Decimal("0.00")),
    )


def purchase_orders_for(company: Company):
    return PurchaseOrder.objects.filter(company=company).select_related("vendor")


def purchase_order_lines(purchase_order: PurchaseOrder) -> list[PurchaseOrderLine]:
    return list(purchase_order.lines.select_related("product", "box_type"))


def purchase_orders_with_totals(company: Company):
    """The company's POs with boxes, FBE and cost summed in the query, for lists.

    Each line's cost is rounded to cents before summing, as PurchaseOrderLine.cost
    does, so a list agrees with the PO's detail page.
    """
    bunches = F("lines__boxes") * F("lines__bunches_per_box")
    line_cost = Round(
        Case(
            When(
                lines__unit_type=UnitType.STEM,
                then=bunches * F("lines__stems_per_bunch") * F("lines__unit_cost"),
            ),
            default=bunches * F("lines__unit_cost"),
            output_field=MONEY,
        ),
        2,
    )
    # GROUP BY queries drop Meta.ordering, so pages need the order spelled out.
    return (
        purchase_orders_for(company)
        .order_by("-number")
        .annotate(
            total_boxes=Coalesce(Sum("lines__boxes"), 0),
            total_fbe=Coalesce(
                Sum(F("lines__boxes") * F("lines__box_type__fbe"), output_field=FBE),
                Value(Decimal(0)),
                output_field=FBE,
            ),
            total_cost=Coalesce(
                Sum(line_cost, output_field=MONEY),
                Value(Decimal(0)),
                output_field=MONEY,
            ),
        )
    )
