"""Imports write their files under MEDIA_ROOT: a temporary folder per test.

The shared data's ship dates are in Valentine's week 2027, so every test here runs
on 2027-01-20 (the clock keeps ticking), and so does the sandbox; "past" means
before that day.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from imports.models import Kind

from .helpers import DATA, run_import

TODAY = dt.datetime(2027, 1, 20, 9, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def before_valentines_week(request):
    with time_machine.travel(TODAY, tick=True):
        if "sandbox" in request.fixturenames:
            # The sandbox checks ship dates against its own clock: the same day.
            request.getfixturevalue("sandbox").set_today(TODAY.date())
        yield


@pytest.fixture
def catalog(acme):
    """Acme's vendors and box types, imported from the shared files as an admin."""
    vendors = run_import(acme, Kind.VENDORS, DATA / "vendors.csv")
    box_types = run_import(acme, Kind.BOX_TYPES, DATA / "box_types.csv")
    assert (vendors.created_count, box_types.created_count) == (40, 4)
    return acme
