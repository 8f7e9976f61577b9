"""Schemathesis against the OpenAPI document, through the Django app over WSGI.

It sends generated requests, valid and invalid, to every operation with a
read-write token of the seeded demo company, and requires no 500 and no response
that the document does not describe. Bounded by max_examples so the whole run
stays under about 90 seconds (about 65 s on SQLite here).
"""

import datetime as dt
import os

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis import checks

from api.services import api_token_create
from companies.models import Company
from komet.wsgi import application
from purchase_orders.models import BoxType, Product
from tests.api.conftest import EVERY_SCOPE
from tests.fixtures.personas import line_input, make_purchase_order

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@pytest.fixture
def seeded_key(db) -> str:
    """The demo data, a few POs, and a key with every scope of the demo company."""
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    company = Company.objects.get(code="miami-blooms")
    box_type = BoxType.objects.filter(company=company).first()
    for product in Product.objects.filter(company=company)[:3]:
        make_purchase_order(
            company,
            vendor=company.vendors.first(),
            lines=[line_input(product, box_type)],
            ship_date=timezone.localdate() + dt.timedelta(days=2),
        )
    issued = api_token_create(
        company=company, name="Schemathesis", scopes=EVERY_SCOPE, created_by=None
    )
    return issued.key


# Loaded at collection: the schema view needs no database. (The lazy
# schemathesis.pytest.from_fixture loader would be the natural choice, but
# schemathesis 4.32.5 reads pytest's removed Node._nodeid and fails on pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def wsgi_keeps_connection():
    """Django's handler closes the database connection after each request; in a
    test that would end the test's transaction. Django's test client detaches the
    same receivers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    # The same examples every run, so CI never flickers; set
    # SCHEMATHESIS_EXPLORE=1 to draw new ones (and find new trouble).
    derandomize=os.environ.get("SCHEMATHESIS_EXPLORE") != "1",
)
def test_every_operation_answers_within_its_documented_responses(
    case, wsgi_keeps_connection, seeded_key
):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {seeded_key}"}, checks=CHECKS
    )
