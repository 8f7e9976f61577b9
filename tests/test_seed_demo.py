"""`manage.py seed_demo` builds the demo and can run again without duplicating it."""

import io

from django.contrib.auth import authenticate
from django.core.management import call_command

from companies.models import Company, Membership, Role
from purchase_orders.models import BoxType, Product
from vendors.models import Vendor


def test_seed_demo_builds_the_demo_and_is_idempotent(db, capsys):
    call_command("seed_demo")
    call_command("seed_demo")

    output = capsys.readouterr().out
    company = Company.objects.get(code="miami-blooms")
    assert company.name == "Miami Blooms Import"
    assert Company.objects.filter(name="Other Importer").exists()
    assert Vendor.objects.filter(company=company).count() == 40
    assert BoxType.objects.filter(company=company).count() == 4
    assert Product.objects.filter(company=company).count() == 12
    assert "buyer  / komet-buyer-2027" in output
    flota = Vendor.objects.get(company=company, code="FLOTA")
    assert (flota.name, flota.cargo_master_code) == ("Flores La Ñusta", "")
    assert Vendor.objects.get(company=company, code="ROSXI").cargo_master_code


def test_seed_demo_logins_work_with_their_roles(db):
    call_command("seed_demo")

    for username, password, role in [
        ("admin", "komet-admin-2027", Role.ADMINISTRATOR),
        ("buyer", "komet-buyer-2027", Role.BUYER),
        ("ops", "komet-ops-2027", Role.OPERATIONS),
    ]:
        user = authenticate(username=username, password=password)
        assert user is not None
        assert Membership.objects.get(user=user).role == role
    assert authenticate(username="ops", password="komet-ops-2027").is_staff


def test_seed_demo_keeps_a_cargo_master_code_set_in_the_demo(db):
    call_command("seed_demo")
    Vendor.objects.filter(code="FLOTA").update(cargo_master_code="UIO07100")

    call_command("seed_demo")

    assert (
        Vendor.objects.get(company__code="miami-blooms", code="FLOTA").cargo_master_code
        == "UIO07100"
    )


def test_the_demo_administrator_sees_only_its_own_company_in_django_admin(db, client):
    call_command("seed_demo", stdout=io.StringIO())
    client.login(username="admin", password="komet-admin-2027")

    companies = client.get("/admin/companies/company/").content.decode()

    assert "Miami Blooms Import" in companies
    assert "Other Importer" not in companies
