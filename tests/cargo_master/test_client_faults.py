"""Every sandbox fault, seen through the client: the right error, or a safe retry."""

import time
from datetime import timedelta

import pytest

from integrations.cargo_master import (
    CargoMasterClient,
    CargoMasterError,
    ClientConfig,
)
from tests.fixtures.sandbox import SandboxHandle


def _error_of(call) -> CargoMasterError:
    with pytest.raises(CargoMasterError) as caught:
        call()
    return caught.value


def test_a_5xx_is_transient_and_ambiguous_for_a_write(
    sandbox: SandboxHandle, client: CargoMasterClient, make_request
) -> None:
    client.sign_in()
    sandbox.set_faults(script=[{"fault": "server_error", "operation": "create"}])

    error = _error_of(
        lambda: client.create_reservation(make_request(), idempotency_key="5xx")
    )

    assert (error.code, error.status, error.transient) == ("internal_error", 500, True)
    assert error.ambiguous


def test_a_proxy_html_page_is_a_clear_transient_error_not_a_json_crash(
    sandbox: SandboxHandle, client: CargoMasterClient
) -> None:
    client.sign_in()
    sandbox.set_faults(script=[{"fault": "html_error"}])

    error = _error_of(lambda: client.lookup_vendor("UIO07100"))

    assert error.code == "bad_reply"
    assert error.transient
    assert error.message == (
        "Cargo Master answered with an HTML page (HTTP 502) instead of JSON"
    )


def test_rate_limit_carries_retry_after_in_seconds(
    sandbox: SandboxHandle, client: CargoMasterClient
) -> None:
    client.sign_in()
    sandbox.set_faults(retry_after=7, script=[{"fault": "rate_limited"}])

    error = _error_of(lambda: client.lookup_vendor("UIO07100"))

    assert (error.code, error.status, error.transient) == ("rate_limited", 429, True)
    assert error.retry_after == 7.0


def test_rate_limit_carries_retry_after_given_as_an_http_date(
    sandbox: SandboxHandle, client: CargoMasterClient
) -> None:
    client.sign_in()
    sandbox.set_faults(
        retry_after="http-date",
        retry_after_date_in=30,
        script=[{"fault": "rate_limited"}],
    )

    error = _error_of(lambda: client.lookup_vendor("UIO07100"))

    # HTTP-dates have one-second resolution, hence the window.
    assert error.retry_after is not None
    assert 27.0 <= error.retry_after <= 31.0


def test_an_expired_token_is_renewed_once_and_the_call_succeeds(
    sandbox: SandboxHandle, client: CargoMasterClient, audit_log, make_request
) -> None:
    created = client.create_reservation(make_request(), idempotency_key="exp")
    sandbox.set_faults(script=[{"fault": "expired_token", "operation": "read"}])

    found = client.get_reservation(created.number)

    assert found == created
    assert sandbox.counters()["sign_ins"] == 2
    assert [(r.operation, r.status) for r in audit_log[-3:]] == [
        ("read", 401),
        ("sign_in", 200),
        ("read", 200),
    ]


def test_a_token_refused_twice_in_a_row_is_reported_not_looped(
    sandbox: SandboxHandle, client: CargoMasterClient
) -> None:
    client.sign_in()
    sandbox.set_faults(
        script=[{"fault": "expired_token", "operation": "vendor_lookup", "times": 2}]
    )

    error = _error_of(lambda: client.lookup_vendor("UIO07100"))

    assert error.code == "token_expired"
    assert error.transient
    assert sandbox.counters()["sign_ins"] == 2


def test_a_connection_reset_is_a_transient_connection_error(
    sandbox: SandboxHandle, client: CargoMasterClient
) -> None:
    client.sign_in()
    sandbox.set_faults(script=[{"fault": "connection_reset"}])

    error = _error_of(lambda: client.lookup_vendor("UIO07100"))

    assert (error.code, error.status, error.transient) == (
        "connection_error",
        None,
        True,
    )
    assert client.lookup_vendor("UIO07100").exists  # the pool recovers


def test_no_reply_ends_in_a_transient_timeout_within_the_read_timeout(
    sandbox: SandboxHandle, config: ClientConfig, make_request
) -> None:
    impatient = CargoMasterClient(
        ClientConfig(
            base_url=config.base_url,
            username=config.username,
            password=config.password,
            importer_code=config.importer_code,
            read_timeout=0.3,
        )
    )
    impatient.sign_in()
    sandbox.set_faults(no_reply_seconds=1.0, script=[{"fault": "no_reply"}])
    started = time.monotonic()

    error = _error_of(
        lambda: impatient.create_reservation(make_request(), idempotency_key="silent")
    )

    assert (error.code, error.transient, error.ambiguous) == ("timeout", True, True)
    assert time.monotonic() - started < 1.0


def test_retry_after_commit_then_drop_returns_the_same_reservation_booked_once(
    sandbox: SandboxHandle, client: CargoMasterClient, make_request
) -> None:
    request = make_request()
    client.sign_in()
    sandbox.set_faults(script=[{"fault": "commit_then_drop", "operation": "create"}])

    error = _error_of(
        lambda: client.create_reservation(request, idempotency_key="po-1-create")
    )
    retried = client.create_reservation(request, idempotency_key="po-1-create")

    assert error.transient
    assert error.ambiguous
    counters = sandbox.counters()
    assert counters["reservations_by_reference"] == {request.reference: 1}
    assert counters["idempotent_replays"] == 1
    assert client.find_reservation(request.reference) == retried


def test_an_amend_dropped_after_commit_is_applied_once_on_retry(
    sandbox: SandboxHandle, client: CargoMasterClient, make_request
) -> None:
    created = client.create_reservation(make_request(), idempotency_key="a-0")
    sandbox.set_faults(script=[{"fault": "commit_then_drop", "operation": "amend"}])
    new_date = created.ship_date + timedelta(days=2)

    _error_of(
        lambda: client.amend_reservation(
            created.number, ship_date=new_date, idempotency_key="a-1"
        )
    )
    amended = client.amend_reservation(
        created.number, ship_date=new_date, idempotency_key="a-1"
    )

    assert amended.ship_date == new_date
    assert amended.revision == 2


def test_added_latency_shows_in_the_audit_duration(
    sandbox: SandboxHandle, client: CargoMasterClient, audit_log
) -> None:
    client.sign_in()
    sandbox.set_faults(latency_ms=120)

    client.lookup_vendor("UIO07100")

    assert audit_log[-1].duration_ms >= 120


def test_random_fault_rates_never_break_the_stored_state(
    sandbox: SandboxHandle, client: CargoMasterClient, make_request
) -> None:
    """Chaos: every write retried with its key until it lands books exactly once."""
    requests = [make_request() for _ in range(8)]
    sandbox.set_faults(
        no_reply_seconds=0.2,
        rates={
            "server_error": 0.1,
            "html_error": 0.05,
            "rate_limited": 0.05,
            "expired_token": 0.05,
            "connection_reset": 0.1,
            "commit_then_drop": 0.15,
        },
        retry_after=0,
    )

    for request in requests:
        _until_it_lands(
            lambda r=request: client.create_reservation(
                r, idempotency_key=f"chaos-{r.reference}"
            )
        )

    sandbox.set_faults()
    counts = sandbox.counters()["reservations_by_reference"]
    assert counts == {request.reference: 1 for request in requests}


def _until_it_lands(call, attempts: int = 40):
    for _ in range(attempts):
        try:
            return call()
        except CargoMasterError as error:
            if not error.transient:
                raise
    raise AssertionError("never succeeded")
