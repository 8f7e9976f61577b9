"""Vendor and box type files: one row per record, found again by its code."""

from decimal import Decimal

import pytest

from imports.models import JobStatus, Kind
from purchase_orders.models import BoxType
from vendors.models import Vendor

from .helpers import DATA, issues, run_import, write_csv

pytestmark = pytest.mark.django_db

VENDOR_HEADER = ["code", "name", "country", "origin", "email", "cargo_master_code"]
IGNORED = (
    "Ignored: only administrators set Cargo Master codes; the vendor's code stays "
    "{kept}. The rest of the row was imported."
)


def test_the_shared_vendors_file_creates_every_vendor_with_its_code(acme):
    job = run_import(acme, Kind.VENDORS, DATA / "vendors.csv")

    assert (job.created_count, job.errors) == (40, [])
    flota = Vendor.objects.get(company=acme, code="FLOTA")
    assert (flota.name, flota.country, flota.origin) == ("Flores La Ñusta", "EC", "UIO")
    assert flota.order_emails == "orders@flota.example.com"
    assert flota.cargo_master_code == "UIO07100"
    assert Vendor.objects.filter(company=acme, cargo_master_code="").count() == 3


def test_a_buyers_vendor_file_keeps_cargo_master_codes_and_warns(acme, tmp_path):
    Vendor.objects.create(
        company=acme,
        code="FLOTA",
        name="Old name",
        country="EC",
        origin="UIO",
        order_emails="old@flota.example.com",
        cargo_master_code="UIO07100",
    )
    rows = [
        VENDOR_HEADER,
        ["FLOTA", "Flores La Ñusta", "EC", "UIO", "new@flota.example.com", "HACKED1"],
        ["ROSXI", "Rosas del Cotopaxi", "ec", "uio", "o@rosxi.example.com", "UIO07137"],
    ]

    job = run_import(acme, Kind.VENDORS, write_csv(tmp_path, rows), sets_codes=False)

    assert (job.created_count, job.updated_count, job.rows_refused) == (1, 1, 0)
    assert issues(job) == [
        (2, "cargo_master_code", IGNORED.format(kept="UIO07100")),
        (3, "cargo_master_code", IGNORED.format(kept="blank")),
    ]
    assert all(issue["warning"] for issue in job.errors)
    flota = Vendor.objects.get(code="FLOTA")
    assert (flota.name, flota.order_emails, flota.cargo_master_code) == (
        "Flores La Ñusta",
        "new@flota.example.com",
        "UIO07100",
    )
    rosxi = Vendor.objects.get(code="ROSXI")
    assert (rosxi.country, rosxi.origin, rosxi.cargo_master_code) == ("EC", "UIO", "")


def test_bad_vendor_rows_are_refused_one_by_one(acme, tmp_path):
    rows = [
        VENDOR_HEADER,
        ["FLOTA", "Flores La Ñusta", "EC", "UIO", "orders@flota.example.com", ""],
        ["RO SX", "Rosas", "Ecuador", "UIO", "not-an-address", "uio 07"],
        ["FLOTA", "Again", "EC", "UIO", "orders@flota.example.com", ""],
    ]

    job = run_import(acme, Kind.VENDORS, write_csv(tmp_path, rows))

    assert (job.created_count, job.refused_count) == (1, 2)
    assert issues(job) == [
        (
            3,
            "code",
            "A vendor code is 2 to 20 capital letters and digits, with no spaces or "
            "symbols (for example FLOTA). (found “RO SX”)",
        ),
        (4, "code", "FLOTA is also on row 2; each code belongs on one row."),
    ]
    assert list(Vendor.objects.values_list("code", flat=True)) == ["FLOTA"]
    assert job.outcomes == {"FLOTA": "created"}


def test_a_vendor_row_with_bad_fields_lists_each_of_them(acme, tmp_path):
    rows = [VENDOR_HEADER, ["ROSXI", "Rosas", "Ecuador", "UIO", "nope", "uio 07"]]

    job = run_import(acme, Kind.VENDORS, write_csv(tmp_path, rows))

    assert sorted(issues(job)) == [
        (
            2,
            "cargo_master_code",
            "A Cargo Master code is 3 to 20 capital letters and digits, with no "
            "spaces or symbols (for example UIO07100).",
        ),
        (2, "country", "Enter a two-letter country code such as CO or EC."),
        (2, "email", "“nope” is not a valid e-mail address."),
    ]
    assert not Vendor.objects.exists()


def test_box_types_import_and_update_by_code(acme, tmp_path):
    first = run_import(acme, Kind.BOX_TYPES, DATA / "box_types.csv")
    rows = [["Code", "Name", "FBE"], ["hb", "Half box", "0.5"], ["JB", "Jumbo", "1,5"]]

    again = run_import(acme, Kind.BOX_TYPES, write_csv(tmp_path, rows))

    assert first.created_count == 4
    assert (again.unchanged_count, again.refused_count) == (1, 1)
    assert issues(again) == [
        (
            3,
            "fbe",
            "Write the number with a decimal point, such as 0.500 (found “1,5”, with "
            "a decimal comma).",
        )
    ]
    assert dict(BoxType.objects.values_list("code", "fbe")) == {
        "FB": Decimal("1.000"),
        "HB": Decimal("0.500"),
        "QB": Decimal("0.250"),
        "EB": Decimal("0.125"),
    }


def test_reimporting_vendors_changes_nothing(acme):
    run_import(acme, Kind.VENDORS, DATA / "vendors.csv")

    again = run_import(acme, Kind.VENDORS, DATA / "vendors.csv")

    assert (again.status, again.unchanged_count, again.created_count) == (
        JobStatus.FINISHED,
        40,
        0,
    )
