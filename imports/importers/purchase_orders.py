"""Purchase orders: the rows with one po_reference are the lines of one PO.

A PO is imported whole or not at all: one bad line refuses its PO, and the
other POs are imported. POs are written a batch at a time in one transaction:
the batch's new POs in two inserts (purchase_orders_create) inside a savepoint,
and each changed PO in a savepoint of its own (the update service's atomic
block). Should the inserts clash with a PO saved meanwhile, the new POs go in
one savepoint each instead, so no PO is ever half-written and the good ones
still go in.

The rows of a PO may be anywhere in the file. The first pass notes the last row
of each po_reference; the second pass keeps a PO's lines until that row, so a
file sorted by po_reference holds one PO in memory at a time.
"""

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from purchase_orders.forms import (
    MAX_BOXES,
    MAX_PER_BOX,
    TOO_MANY_BOXES,
    TOO_MANY_BUNCHES,
    TOO_MANY_STEMS,
    WHOLE_BOXES,
    WHOLE_COUNT,
)
from purchase_orders.models import BoxType, Product, PurchaseOrder, UnitType
from purchase_orders.services import (
    LineInput,
    PurchaseOrderError,
    PurchaseOrderInput,
    purchase_order_create,
    purchase_order_update,
    purchase_orders_create,
)
from purchase_orders.validators import validate_unit_cost
from vendors.models import Vendor

from .. import cells
from ..models import Outcome
from ..reader import Row
from .base import Cells, Importer

BATCH_SIZE = 100  # POs per transaction
MAX_UNIT_COST = Decimal("99999999.9999")  # the column's 8 digits and 4 decimals


@dataclass(frozen=True)
class Line:
    row: int
    product_code: str
    description: str
    mark_code: str
    box_type: BoxType
    boxes: int
    unit_type: str
    bunches_per_box: int
    stems_per_bunch: int
    unit_cost: Decimal


@dataclass
class Order:
    reference: str
    first_row: int
    vendor_code: str  # as the first row has them; every row must agree
    ship_date_text: str
    vendor: Vendor | None = None
    ship_date: dt.date | None = None
    lines: list[Line] = field(default_factory=list)
    rows: int = 0
    refused: bool = False


class PurchaseOrderImporter(Importer):
    noun = "POs"
    required_columns = (
        "po_reference",
        "vendor_code",
        "ship_date",
        "product_code",
        "box_type",
        "boxes",
        "unit_type",
        "bunches_per_box",
        "stems_per_bunch",
        "unit_cost",
    )
    optional_columns = ("product_description", "mark_code")

    def survey(self, table) -> Iterator[Row]:
        self.last_row: dict[str, int] = {}
        return super().survey(table)

    def survey_row(self, row: Row) -> None:
        reference = row.values["po_reference"]
        if reference:
            self.last_row[reference] = row.number

    def prefetch(self) -> None:
        company = self.company
        self.vendors = {v.code: v for v in Vendor.objects.for_company(company)}
        self.box_types = {b.code: b for b in BoxType.objects.for_company(company)}
        self.products = {
            p.code.upper(): p for p in Product.objects.for_company(company)
        }

    # Reading rows into orders -----------------------------------------------------

    def import_rows(self, rows: Iterator[Row]) -> None:
        open_orders: dict[str, Order] = {}
        batch: list[Order] = []
        for row in rows:
            self.summary.rows_done += 1
            order = self.read_row(row, open_orders)
            if order is not None and row.number == self.last_row[order.reference]:
                batch.append(open_orders.pop(order.reference))
            if len(batch) >= BATCH_SIZE:
                self.write(batch)
                batch = []
        self.write(batch)

    def read_row(self, row: Row, open_orders: dict[str, Order]) -> Order | None:
        found = Cells(row)
        reference = found.get("po_reference", cells.text, max_length=40)
        if not reference:
            self.issues(row.number, found.errors)
            self.summary.rows_refused += 1
            return None

        values = row.values
        order = open_orders.setdefault(
            reference,
            Order(
                reference,
                first_row=row.number,
                vendor_code=values["vendor_code"].upper(),
                ship_date_text=values["ship_date"],
            ),
        )
        order.rows += 1
        vendor = found.get("vendor_code", self.parse_vendor)
        ship_date = found.get("ship_date", cells.iso_date)
        self.check_same_header(order, found)
        line = self.parse_line(found)
        if found.errors:
            self.issues(row.number, found.errors)
            order.refused = True
        else:
            order.vendor, order.ship_date = vendor, ship_date
            order.lines.append(line)
        return order

    def check_same_header(self, order: Order, found: Cells) -> None:
        values = found.row.values
        if values["vendor_code"].upper() != order.vendor_code:
            found.add(
                "vendor_code",
                f"Row {order.first_row} gives PO {order.reference} the vendor "
                f"{order.vendor_code}; all the lines of a PO need the same vendor.",
            )
        if values["ship_date"] != order.ship_date_text:
            found.add(
                "ship_date",
                f"Row {order.first_row} gives PO {order.reference} the ship date "
                f"{order.ship_date_text}; all the lines of a PO need the same one.",
            )

    def parse_line(self, found: Cells) -> Line | None:
        product_code = found.get("product_code", cells.code, max_length=30)
        description = found.get(
            "product_description", cells.text, max_length=120, required=False
        )
        if product_code and product_code not in self.products and not description:
            found.add(
                "product_description",
                f"Product {product_code} is not in the catalog yet; write its "
                "description to create it.",
            )
        line = {
            "mark_code": found.get(
                "mark_code", cells.code, max_length=20, required=False
            ),
            "box_type": found.get("box_type", self.parse_box_type),
            "boxes": found.get(
                "boxes",
                cells.whole,
                message=WHOLE_BOXES,
                max_value=MAX_BOXES,
                too_large=TOO_MANY_BOXES,
            ),
            "unit_type": found.get(
                "unit_type", cells.choice, choices=UnitType.values, label="unit type"
            ),
            "bunches_per_box": found.get(
                "bunches_per_box",
                cells.whole,
                message=WHOLE_COUNT,
                max_value=MAX_PER_BOX,
                too_large=TOO_MANY_BUNCHES,
            ),
            "stems_per_bunch": found.get(
                "stems_per_bunch",
                cells.whole,
                message=WHOLE_COUNT,
                max_value=MAX_PER_BOX,
                too_large=TOO_MANY_STEMS,
            ),
            "unit_cost": found.get("unit_cost", parse_unit_cost),
        }
        if found.errors:
            return None
        return Line(
            row=found.row.number,
            product_code=product_code,
            description=description,
            **line,
        )

    def parse_vendor(self, value: str) -> Vendor:
        code = value.upper()
        vendor = self.vendors.get(code)
        if vendor is None:
            raise cells.CellError(
                f"No vendor has the code “{value}”. Add it in Setup > Vendors or "
                "import the vendors first."
                if value
                else "This cell is empty; write the vendor's code, such as FLOTA."
            )
        if not vendor.active:
            raise cells.CellError(
                f"Vendor {code} ({vendor.name}) is inactive; make it active in "
                "Setup > Vendors to order from it."
            )
        return vendor

    def parse_box_type(self, value: str) -> BoxType:
        box_type = self.box_types.get(value.upper())
        if box_type is None:
            known = ", ".join(sorted(self.box_types)) or "none yet"
            raise cells.CellError(
                f"No box type has the code “{value}” (the company's box types: "
                f"{known}). Add it by importing box types."
                if value
                else f"This cell is empty; write a box type ({known})."
            )
        return box_type

    # Writing orders ---------------------------------------------------------------

    def write(self, batch: list[Order]) -> None:
        if not batch:
            return
        with transaction.atomic():
            existing = {
                po.reference: po
                for po in PurchaseOrder.objects.filter(
                    company=self.company, reference__in=[o.reference for o in batch]
                ).prefetch_related("lines")
            }
            written, new = [], []
            for order in batch:
                current = existing.get(order.reference)
                if current is None and not order.refused and not self.problem(order):
                    new.append(order)
                else:
                    written.append((order, *self.write_order(order, current)))
            written += self.create_all(new)

            for order, outcome, _ in written:
                self.record(order.reference, outcome, rows=order.rows)
            kept = [po.pk for _, _, po in written if po is not None]
            self.job.purchase_orders.add(*kept)
        self.report_progress()

    def create_all(
        self, orders: list[Order]
    ) -> list[tuple[Order, Outcome, PurchaseOrder | None]]:
        """New POs in two inserts; should one clash, each alone in its savepoint."""
        if not orders:
            return []
        try:
            with transaction.atomic():
                products = self.create_products(self.new_products(orders))
                created = purchase_orders_create(
                    company=self.company,
                    orders=[self.purchase_order_input(o, products) for o in orders],
                    created_by=self.job.created_by,
                )
        except IntegrityError:
            # Someone saved one of these po_references since we looked.
            return [(order, *self.write_order(order, None)) for order in orders]
        self.products.update(products)
        return [
            (order, Outcome.CREATED, po)
            for order, po in zip(orders, created, strict=True)
        ]

    def write_order(
        self, order: Order, existing: PurchaseOrder | None
    ) -> tuple[Outcome, PurchaseOrder | None]:
        if order.refused:
            return Outcome.REFUSED, None
        if existing is not None and self.unchanged(existing, order):
            return Outcome.UNCHANGED, existing
        problem = self.problem(order, existing)
        if problem is not None:
            self.issue(order.first_row, *problem)
            return Outcome.REFUSED, None

        try:
            return self.save(order, existing)
        except IntegrityError:
            # Another import or user saved this po_reference since we looked.
            message = (
                f"PO {order.reference} was saved by someone else at the same moment; "
                "import the file again to update it."
            )
        except PurchaseOrderError as error:
            message = str(error)
        self.issue(order.first_row, "po_reference", message)
        return Outcome.REFUSED, None

    def problem(
        self, order: Order, existing: PurchaseOrder | None = None
    ) -> tuple[str, str] | None:
        """Why a PO that reads well still cannot be saved, as (column, message)."""
        if existing is not None and not existing.is_editable:
            return (
                "po_reference",
                f"PO {existing.number} ({order.reference}) is "
                f"{existing.get_status_display()} and can no longer be changed.",
            )
        # Like the PO form: a new date must be from today to a year ahead; a PO
        # may keep its own.
        if existing is None or existing.ship_date != order.ship_date:
            try:
                cells.ship_date_allowed(order.ship_date)
            except cells.CellError as error:
                return "ship_date", error.message
        return None

    def save(
        self, order: Order, existing: PurchaseOrder | None
    ) -> tuple[Outcome, PurchaseOrder]:
        new_products = self.new_products([order])
        # The services' own atomic blocks are this PO's savepoint; new products
        # need one around both, so they go if the PO does.
        block = transaction.atomic() if new_products else contextlib.nullcontext()
        with block:
            products = self.create_products(new_products)
            lines = [self.line_input(line, products) for line in order.lines]
            if existing is None:
                saved = purchase_order_create(
                    company=self.company,
                    vendor=order.vendor,
                    ship_date=order.ship_date,
                    lines=lines,
                    created_by=self.job.created_by,
                    reference=order.reference,
                )
            else:
                saved = purchase_order_update(
                    purchase_order=existing,
                    vendor=order.vendor,
                    ship_date=order.ship_date,
                    lines=lines,
                    notes=existing.notes,
                )
        self.products.update(products)
        return (Outcome.UPDATED if existing else Outcome.CREATED), saved

    def new_products(self, orders: list[Order]) -> dict[str, Product]:
        new = {}
        for line in (line for order in orders for line in order.lines):
            code = line.product_code
            if code not in self.products and code not in new:
                new[code] = Product(
                    company=self.company,
                    code=code,
                    description=line.description,
                    unit_type=line.unit_type,
                    stems_per_bunch=line.stems_per_bunch,
                )
        return new

    def create_products(self, new: dict[str, Product]) -> dict[str, Product]:
        if not new:
            return {}
        # Another import may add the same code meanwhile: keep theirs, use its id.
        Product.objects.bulk_create(new.values(), ignore_conflicts=True)
        return {
            p.code: p
            for p in Product.objects.for_company(self.company).filter(code__in=new)
        }

    def purchase_order_input(
        self, order: Order, products: dict[str, Product]
    ) -> PurchaseOrderInput:
        return PurchaseOrderInput(
            vendor=order.vendor,
            ship_date=order.ship_date,
            lines=[self.line_input(line, products) for line in order.lines],
            reference=order.reference,
        )

    def line_input(self, line: Line, products: dict[str, Product]) -> LineInput:
        return LineInput(
            product=products.get(line.product_code) or self.products[line.product_code],
            box_type=line.box_type,
            boxes=line.boxes,
            unit_type=line.unit_type,
            bunches_per_box=line.bunches_per_box,
            stems_per_bunch=line.stems_per_bunch,
            unit_cost=line.unit_cost,
            mark_code=line.mark_code,
        )

    def unchanged(self, existing: PurchaseOrder, order: Order) -> bool:
        """Whether the file says what the PO already holds, so it is left alone."""
        if (existing.vendor_id, existing.ship_date) != (
            order.vendor.pk,
            order.ship_date,
        ):
            return False
        if any(line.product_code not in self.products for line in order.lines):
            return False
        stored = sorted(
            (
                line.product_id,
                line.mark_code,
                line.box_type_id,
                line.boxes,
                line.unit_type,
                line.bunches_per_box,
                line.stems_per_bunch,
                line.unit_cost,
            )
            for line in existing.lines.all()
        )
        wanted = sorted(
            (
                self.products[line.product_code].pk,
                line.mark_code,
                line.box_type.pk,
                line.boxes,
                line.unit_type,
                line.bunches_per_box,
                line.stems_per_bunch,
                line.unit_cost,
            )
            for line in order.lines
        )
        return stored == wanted


def parse_unit_cost(value: str) -> Decimal:
    cost = cells.decimal(value, example="0.45", max_value=MAX_UNIT_COST)
    try:
        validate_unit_cost(cost)
    except ValidationError as error:
        raise cells.CellError(error.messages[0]) from None
    return cost
