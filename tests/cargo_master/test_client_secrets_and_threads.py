"""Secrets stay out of logs and audit rows; UTF-8 survives; threads share a token."""

import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from integrations.cargo_master import (
    CallRecord,
    CargoMasterClient,
    CargoMasterError,
    ClientConfig,
)
from integrations.cargo_master.client import audit_body, redact
from sandbox.seed import DEMO_PASSWORD
from tests.fixtures.sandbox import SandboxHandle


def _current_token(client: CargoMasterClient) -> str:
    token = client._slot.token
    assert token is not None
    return token.value


def test_no_password_or_token_reaches_the_logs_or_the_audit_rows(
    sandbox: SandboxHandle,
    client: CargoMasterClient,
    audit_log: list[CallRecord],
    make_request,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    client.sign_in()
    first_token = _current_token(client)
    sandbox.set_faults(script=[{"fault": "expired_token", "operation": "create"}])

    client.create_reservation(make_request(), idempotency_key="secret-check")

    tokens = {first_token, _current_token(client)}
    dumped = json.dumps(
        [(r.request_body, r.response_body, r.path) for r in audit_log],
        ensure_ascii=False,
    )
    for secret in (DEMO_PASSWORD, *tokens):
        assert secret not in caplog.text
        assert secret not in dumped
    sign_in_rows = [r for r in audit_log if r.operation == "sign_in"]
    assert sign_in_rows[0].request_body["password"] == "[redacted]"
    assert sign_in_rows[0].response_body["access_token"] == "[redacted]"
    assert sign_in_rows[0].request_body["username"] == "komet-demo"


def test_each_call_logs_one_info_line_with_method_path_status_and_duration(
    client: CargoMasterClient, caplog: pytest.LogCaptureFixture
) -> None:
    client.sign_in()
    caplog.clear()
    caplog.set_level(logging.INFO, logger="integrations.cargo_master.client")

    client.lookup_vendor("UIO07100")

    (line,) = [r.getMessage() for r in caplog.records]
    assert line.startswith(
        "Cargo Master GET /v1/importers/KOMET01/vendors/UIO07100 -> 200"
    )
    assert line.endswith("ms")


def test_audit_rows_carry_the_idempotency_key_and_error_code(
    sandbox: SandboxHandle,
    client: CargoMasterClient,
    audit_log: list[CallRecord],
    make_request,
) -> None:
    client.sign_in()
    sandbox.set_faults(script=[{"fault": "server_error", "operation": "create"}])

    with pytest.raises(CargoMasterError):
        client.create_reservation(make_request(), idempotency_key="audit-key")

    row = audit_log[-1]
    assert (row.operation, row.method, row.path) == (
        "create",
        "POST",
        "/v1/reservations",
    )
    assert (row.status, row.error_code, row.idempotency_key) == (
        500,
        "internal_error",
        "audit-key",
    )
    assert row.request_body["totals"] == {"boxes": 7, "fbe": "2.750"}


def test_redaction_works_by_key_at_any_depth_and_large_bodies_are_cut() -> None:
    nested = {"a": [{"Password": "p", "b": {"access_token": "t", "ok": 1}}]}

    assert redact(nested) == {
        "a": [{"Password": "[redacted]", "b": {"access_token": "[redacted]", "ok": 1}}]
    }
    cut = audit_body({"lines": ["x" * 100] * 200})
    assert isinstance(cut, str)
    assert cut.endswith("chars]")
    assert len(cut) < 8_100


def test_a_non_ascii_password_goes_out_as_utf8_bytes_and_signs_in(
    sandbox: SandboxHandle, config: ClientConfig, monkeypatch
) -> None:
    password = "Contraseña-Ñandú-€"
    sandbox.add_directory(
        users=[
            {"username": "ñusta", "password": password, "importer_codes": ["KOMET01"]}
        ]
    )
    client = CargoMasterClient(
        ClientConfig(
            base_url=config.base_url,
            username="ñusta",
            password=password,
            importer_code="KOMET01",
        )
    )
    sent: list[bytes] = []
    original = client._session.request

    def spy(*args, **kwargs):
        sent.append(kwargs["data"])
        return original(*args, **kwargs)

    monkeypatch.setattr(client._session, "request", spy)

    client.test_connection()

    assert password.encode("utf-8") in sent[0]
    assert b"\\u" not in sent[0]


def test_the_demo_password_with_accents_signs_in(client: CargoMasterClient) -> None:
    assert "Ñ" in DEMO_PASSWORD
    client.test_connection()


def test_threads_meeting_an_expired_token_together_sign_in_once(
    sandbox: SandboxHandle, config: ClientConfig
) -> None:
    CargoMasterClient(config).sign_in()
    sandbox.expire_tokens()
    sandbox.set_faults(latency_ms=50)  # widen the window in which threads overlap
    start = threading.Barrier(8)

    def lookup() -> bool:
        client = CargoMasterClient(config)  # separate instances share the token
        start.wait()
        return client.lookup_vendor("UIO07100").exists

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: lookup(), range(8)))

    counters = sandbox.counters()
    assert results == [True] * 8
    assert counters["sign_ins"] == 2  # the first sign-in, then exactly one renewal
    assert counters["calls_by_kind"]["vendor_lookup"] >= 8


def test_a_token_near_expiry_is_renewed_before_use(
    sandbox: SandboxHandle, client: CargoMasterClient
) -> None:
    sandbox.set_faults(token_ttl=1)
    client.sign_in()
    first = _current_token(client)
    # A 1 s token is renewed 0.1 s early; wait into that margin.
    threading.Event().wait(0.95)

    client.lookup_vendor("UIO07100")

    assert _current_token(client) != first
    assert sandbox.counters()["calls_by_kind"]["vendor_lookup"] == 1  # no 401 first


def test_calls_reuse_pooled_keep_alive_connections(
    sandbox: SandboxHandle, client: CargoMasterClient
) -> None:
    for _ in range(20):
        client.lookup_vendor("UIO07100")

    assert sandbox.counters()["connections"] <= 2
