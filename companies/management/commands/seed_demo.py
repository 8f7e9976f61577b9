"""Demo data for `make run`: two importers, three logins, vendors, boxes, products."""

import csv
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from companies.models import Company, Membership, Role
from purchase_orders.models import BoxType, Product, UnitType
from vendors.models import Vendor

# Demo logins, printed at the end. These accounts exist only in the demo database.
USERS = [
    ("admin", "komet-admin-2027", Role.ADMINISTRATOR),
    ("buyer", "komet-buyer-2027", Role.BUYER),
    ("ops", "komet-ops-2027", Role.OPERATIONS),
]

BOX_TYPES = [
    ("FB", "Full box", Decimal("1.000")),
    ("HB", "Half box", Decimal("0.500")),
    ("QB", "Quarter box", Decimal("0.250")),
    ("EB", "Eighth box", Decimal("0.125")),
]

PRODUCTS = [
    ("RO-FREE-50", "Rose Freedom 50cm", UnitType.STEM, 25),
    ("RO-FREE-60", "Rose Freedom 60cm", UnitType.STEM, 25),
    ("RO-EXPL-60", "Rose Explorer 60cm", UnitType.STEM, 25),
    ("RO-MOND-50", "Rose Mondial 50cm", UnitType.STEM, 25),
    ("RO-VEND-50", "Rose Vendela 50cm", UnitType.STEM, 25),
    ("RO-PKFL-50", "Rose Pink Floyd 50cm", UnitType.STEM, 25),
    ("SR-MIXD-50", "Spray Rose Assorted 50cm", UnitType.STEM, 10),
    ("CA-DONP-FA", "Carnation Don Pedro Fancy", UnitType.STEM, 20),
    ("CA-MOON-FA", "Carnation Moonlight Fancy", UnitType.STEM, 20),
    ("CA-MINI-SE", "Mini Carnation Assorted Select", UnitType.BUNCH, 10),
    ("GY-XLEN-80", "Gypsophila Xlence 80cm 750g", UnitType.BUNCH, 1),
    ("GY-MSTR-80", "Gypsophila Million Star 80cm", UnitType.BUNCH, 1),
]

VENDORS_CSV = Path(apps.get_app_config("vendors").path) / "fixtures" / "vendors.csv"
# The demo administrator sets this vendor's Cargo Master code in the Vendor window.
VENDOR_LEFT_WITHOUT_CODE = "FLOTA"


class Command(BaseCommand):
    help = "Create or refresh the demo companies, users, vendors and catalog."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        company, _ = Company.objects.update_or_create(
            code="miami-blooms", defaults={"name": "Miami Blooms Import"}
        )
        other, _ = Company.objects.update_or_create(
            code="other-importer", defaults={"name": "Other Importer"}
        )
        for username, password, role in USERS:
            self._user(company, username, password, role)
        for each in (company, other):
            self._catalog(each)
        vendors = self._vendors(company)
        # A few farms for the other importer, so isolation can be shown.
        self._vendors(other, limit=5)

        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {company.name} ({vendors} vendors) and {other.name}."
            )
        )
        self.stdout.write("Log in at http://127.0.0.1:8000/ as:")
        for username, password, role in USERS:
            self.stdout.write(f"  {username:6} / {password}  ({role.label})")

    def _user(self, company: Company, username: str, password: str, role: Role):
        user, _ = get_user_model().objects.update_or_create(
            username=username,
            defaults={
                "email": f"{username}@miami-blooms.example.com",
                # Administrators and operations work in the Django admin too,
                # where they see their own company only: neither is a superuser.
                "is_staff": role != Role.BUYER,
                "is_superuser": False,
            },
        )
        user.set_password(password)
        user.save()
        Membership.objects.update_or_create(
            user=user, company=company, defaults={"role": role}
        )

    def _catalog(self, company: Company) -> None:
        for code, name, fbe in BOX_TYPES:
            BoxType.objects.update_or_create(
                company=company, code=code, defaults={"name": name, "fbe": fbe}
            )
        for code, description, unit_type, stems_per_bunch in PRODUCTS:
            Product.objects.update_or_create(
                company=company,
                code=code,
                defaults={
                    "description": description,
                    "unit_type": unit_type,
                    "stems_per_bunch": stems_per_bunch,
                },
            )

    def _vendors(self, company: Company, limit: int | None = None) -> int:
        with VENDORS_CSV.open(encoding="utf-8", newline="") as file:
            rows = list(csv.DictReader(file))[:limit]
        for row in rows:
            code = row["cargo_master_code"]
            if row["code"] == VENDOR_LEFT_WITHOUT_CODE:
                code = ""
            # get_or_create: running the seed again keeps codes set in the demo.
            Vendor.objects.get_or_create(
                company=company,
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "country": row["country"],
                    "origin": row["origin"],
                    "order_emails": row["email"],
                    "cargo_master_code": code,
                    "active": True,
                },
            )
        return len(rows)
