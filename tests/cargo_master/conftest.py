"""Clients, requests and helpers for the Cargo Master tests (no database needed)."""

import itertools
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from integrations.cargo_master import (
    CallRecord,
    CargoMasterClient,
    ClientConfig,
    ReservationLine,
    ReservationRequest,
)
from sandbox.seed import (
    DEMO_IMPORTER_CODE,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    DEMO_VENDOR_CODE,
)
from tests.fixtures.sandbox import SandboxHandle

_references = itertools.count(1)


@pytest.fixture
def config(sandbox: SandboxHandle) -> ClientConfig:
    return ClientConfig(
        base_url=sandbox.url,
        username=DEMO_USERNAME,
        password=DEMO_PASSWORD,
        importer_code=DEMO_IMPORTER_CODE,
        connect_timeout=2.0,
        read_timeout=3.0,
        user_agent="komet-cargo-tests/0.1.0",
    )


@pytest.fixture
def audit_log() -> list[CallRecord]:
    return []


@pytest.fixture
def client(config: ClientConfig, audit_log: list[CallRecord]) -> CargoMasterClient:
    return CargoMasterClient(config, audit=audit_log.append)


@pytest.fixture
def ship_date() -> date:
    return date.today() + timedelta(days=10)


@pytest.fixture
def make_request(ship_date: date) -> Callable[..., ReservationRequest]:
    """A valid two-line reservation request with a fresh PO reference each call."""

    def make(**overrides: object) -> ReservationRequest:
        fields: dict[str, object] = {
            "vendor_code": DEMO_VENDOR_CODE,
            "reference": f"PO-{next(_references):05d}",
            "ship_date": ship_date,
            "origin": "UIO",
            "lines": (
                ReservationLine("HB", 4, "Rosa Freedom 50cm Ñ", "GRC-ATL"),
                ReservationLine("QB", 3, "Hortensia Blanca", ""),
            ),
        }
        fields.update(overrides)
        return ReservationRequest(**fields)  # type: ignore[arg-type]

    return make
