"""Vendors and box types: one row is one record, found by its code, saved alone."""

import copy
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from purchase_orders.models import BoxType
from vendors.forms import VENDOR_CODE, VENDOR_CODE_MESSAGE
from vendors.models import Vendor
from vendors.validators import split_emails

from .. import cells
from ..models import Outcome
from ..reader import Row
from .base import PROGRESS_EVERY_ROWS, Cells, Importer

CODES_IGNORED = (
    "Ignored: only administrators set Cargo Master codes; the vendor's code "
    "stays {kept}. The rest of the row was imported."
)


class CatalogImporter(Importer):
    model: type[models.Model]
    code_max_length = 20
    # Model fields the file sets, and the column each comes from (for messages).
    columns_of_fields: dict[str, str] = {}

    def prefetch(self) -> None:
        self.existing = {
            record.code: record
            for record in self.model.objects.filter(company=self.company)
        }
        self.first_row_of: dict[str, int] = {}

    def import_rows(self, rows: Iterator[Row]) -> None:
        for row in rows:
            self.import_row(row)
            self.summary.rows_done += 1
            if self.summary.rows_done % PROGRESS_EVERY_ROWS == 0:
                self.report_progress()

    def import_row(self, row: Row) -> None:
        found = Cells(row)
        code = found.get("code", self.parse_code)
        record, changed = None, False
        if code in self.first_row_of:
            found.add(
                "code",
                f"{code} is also on row {self.first_row_of[code]}; "
                f"each code belongs on one row.",
            )
        elif code:
            # A copy, so a refused row leaves the known record as it is stored.
            known = self.existing.get(code)
            record = copy.copy(known) if known else self.model(company=self.company)
            record.code = code
            changed = self.fill(record, found)

        if found.errors:
            self.issues(row.number, found.errors)
            self.record(code or "", Outcome.REFUSED)
            return
        self.first_row_of[code] = row.number
        self.record(code, self.save(record, row) if changed else Outcome.UNCHANGED)

    def parse_code(self, value: str) -> str:
        return cells.code(value, max_length=self.code_max_length)

    def fill(self, record: models.Model, found: Cells) -> bool:
        """Set the record's fields from the row, checked by the model's validators.

        Returns whether anything changed. A value that could not be read (None)
        already has its message and is left out of the model's checks.
        """
        values = self.values(record, found)
        unread = [name for name, value in values.items() if value is None]
        changed = record.pk is None or any(
            getattr(record, name) != value for name, value in values.items()
        )
        for name, value in values.items():
            setattr(record, name, value)
        try:
            record.full_clean(
                exclude=["company", *unread],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                # One message a cell: the field's own validator says what the
                # value should look like; a length check after it adds nothing.
                found.add(self.columns_of_fields.get(name, name), messages[0])
        return changed

    def values(self, record: models.Model, found: Cells) -> dict[str, Any]:
        raise NotImplementedError

    def save(self, record: models.Model, row: Row) -> Outcome:
        outcome = Outcome.UPDATED if record.pk else Outcome.CREATED
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError:
            # Someone added the same code between our prefetch and this insert.
            self.issue(
                row.number,
                "code",
                f"Another user saved {record.code} at the same moment; "
                "import the file again to update it.",
            )
            return Outcome.REFUSED
        self.existing[record.code] = record
        return outcome


class VendorImporter(CatalogImporter):
    model = Vendor
    noun = "vendors"
    required_columns = ("code", "name", "country", "origin", "email")
    optional_columns = ("cargo_master_code",)
    columns_of_fields = {"order_emails": "email"}

    def parse_code(self, value: str) -> str:
        code = super().parse_code(value)
        if not VENDOR_CODE.match(code):
            raise cells.CellError(f"{VENDOR_CODE_MESSAGE} (found “{value}”)")
        return code

    def values(self, record: Vendor, found: Cells) -> dict[str, Any]:
        row = found.row.values
        values = {
            "name": row["name"],
            "country": row["country"].upper(),
            "origin": row["origin"].upper(),
            "order_emails": ", ".join(split_emails(row["email"])),
        }
        if "cargo_master_code" in row:
            code = row["cargo_master_code"].upper()
            if self.job.sets_cargo_master_codes:
                values["cargo_master_code"] = code
            elif code != record.cargo_master_code:
                # A buyer's file keeps the rest of the row: the codes are only
                # one column, and refusing the row would lose the other updates.
                self.issue(
                    found.row.number,
                    "cargo_master_code",
                    CODES_IGNORED.format(kept=record.cargo_master_code or "blank"),
                    warning=True,
                )
        return values


class BoxTypeImporter(CatalogImporter):
    model = BoxType
    noun = "box types"
    required_columns = ("code", "name", "fbe")
    code_max_length = 4

    def values(self, record: BoxType, found: Cells) -> dict[str, Any]:
        fbe = found.get(
            "fbe", cells.decimal, example="0.500", max_value=Decimal("99.999")
        )
        return {"name": found.row.values["name"], "fbe": fbe}
