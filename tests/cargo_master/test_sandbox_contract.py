"""The sandbox's side of the contract, spoken to with raw HTTP (no client)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.cargo_master.http import (
    TIMEOUT,
    call,
    error_code,
    reservation_body,
    sign_in,
)
from tests.fixtures.sandbox import SandboxHandle


def test_the_same_key_and_body_replays_the_first_reply_without_booking_again(
    sandbox: SandboxHandle,
) -> None:
    token = sign_in(sandbox.url)
    body = reservation_body()

    first = call(
        sandbox.url, "POST", "/v1/reservations", token=token, body=body, key="k"
    )
    again = call(
        sandbox.url, "POST", "/v1/reservations", token=token, body=body, key="k"
    )

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    counters = sandbox.counters()
    assert counters["reservations_by_reference"] == {"PO-RAW-1": 1}
    assert counters["idempotent_replays"] == 1


def test_the_same_key_with_a_different_body_is_refused(sandbox: SandboxHandle) -> None:
    token = sign_in(sandbox.url)
    call(
        sandbox.url,
        "POST",
        "/v1/reservations",
        token=token,
        body=reservation_body(),
        key="k",
    )

    reused = call(
        sandbox.url,
        "POST",
        "/v1/reservations",
        token=token,
        body=reservation_body("PO-RAW-2"),
        key="k",
    )

    assert reused.status_code == 422
    assert error_code(reused) == "idempotency_key_reused"


def test_a_write_without_an_idempotency_key_is_refused(sandbox: SandboxHandle) -> None:
    token = sign_in(sandbox.url)

    reply = call(
        sandbox.url, "POST", "/v1/reservations", token=token, body=reservation_body()
    )

    assert reply.status_code == 400
    assert error_code(reply) == "idempotency_key_missing"


def test_totals_that_do_not_match_the_lines_name_the_field(
    sandbox: SandboxHandle,
) -> None:
    token = sign_in(sandbox.url)
    body = reservation_body(totals={"boxes": 6, "fbe": "2.000"})

    reply = call(
        sandbox.url, "POST", "/v1/reservations", token=token, body=body, key="t"
    )

    assert reply.status_code == 400
    assert reply.json()["error"]["details"] == {
        "totals.fbe": ["The lines add up to 2.500 FBE."]
    }


def test_a_float_fbe_and_bad_lines_are_all_reported_at_once(
    sandbox: SandboxHandle,
) -> None:
    token = sign_in(sandbox.url)
    body = reservation_body(
        totals={"boxes": 6, "fbe": 2.5},
        lines=[{"box_type": "XB", "boxes": 0, "product": "", "mark_code": "A"}],
    )

    reply = call(
        sandbox.url, "POST", "/v1/reservations", token=token, body=body, key="f"
    )

    details = reply.json()["error"]["details"]
    assert reply.status_code == 400
    assert set(details) == {
        "totals.fbe",
        "lines[0].box_type",
        "lines[0].boxes",
        "lines[0].product",
    }


def test_a_body_for_another_importer_is_refused(sandbox: SandboxHandle) -> None:
    token = sign_in(sandbox.url)
    body = reservation_body(importer_code="OTHER02")

    reply = call(
        sandbox.url, "POST", "/v1/reservations", token=token, body=body, key="o"
    )

    assert reply.status_code == 403
    assert error_code(reply) == "importer_not_linked"


def test_another_importers_reservation_is_not_found(sandbox: SandboxHandle) -> None:
    token = sign_in(sandbox.url)
    number = call(
        sandbox.url,
        "POST",
        "/v1/reservations",
        token=token,
        body=reservation_body(),
        key="x",
    ).json()["number"]
    other = requests.post(
        f"{sandbox.url}/v1/auth/token",
        json={
            "username": "other-user",
            "password": "Otro-Clave-2027",
            "importer_code": "OTHER02",
        },
        timeout=TIMEOUT,
    ).json()["access_token"]

    reply = call(sandbox.url, "GET", f"/v1/reservations/{number}", token=other)

    assert reply.status_code == 404
    assert error_code(reply) == "reservation_not_found"


def test_missing_and_unknown_tokens_are_token_invalid(sandbox: SandboxHandle) -> None:
    missing = call(sandbox.url, "GET", "/v1/reservations/CM00000001")
    unknown = call(sandbox.url, "GET", "/v1/reservations/CM00000001", token="nope")

    assert (missing.status_code, error_code(missing)) == (401, "token_invalid")
    assert (unknown.status_code, error_code(unknown)) == (401, "token_invalid")


def test_expired_tokens_are_token_expired(sandbox: SandboxHandle) -> None:
    token = sign_in(sandbox.url)
    sandbox.expire_tokens()

    reply = call(sandbox.url, "GET", "/v1/reservations/CM00000001", token=token)

    assert (reply.status_code, error_code(reply)) == (401, "token_expired")


def test_ten_threads_creating_with_one_key_make_one_reservation(
    sandbox: SandboxHandle,
) -> None:
    token = sign_in(sandbox.url)
    body = reservation_body("PO-RACE")
    start = threading.Barrier(10)

    def create() -> tuple[int, str]:
        start.wait()
        reply = call(
            sandbox.url, "POST", "/v1/reservations", token=token, body=body, key="race"
        )
        return reply.status_code, reply.json()["number"]

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda _: create(), range(10)))

    assert {status for status, _ in results} == {201}
    assert len({number for _, number in results}) == 1
    counters = sandbox.counters()
    assert counters["reservations_by_reference"] == {"PO-RACE": 1}
    assert counters["idempotent_replays"] == 9


def test_counters_count_calls_by_kind_and_connections(sandbox: SandboxHandle) -> None:
    token = sign_in(sandbox.url)
    number = call(
        sandbox.url,
        "POST",
        "/v1/reservations",
        token=token,
        body=reservation_body(),
        key="c",
    ).json()["number"]
    call(sandbox.url, "GET", f"/v1/reservations/{number}", token=token)
    call(
        sandbox.url,
        "GET",
        "/v1/reservations",
        token=token,
        params={"reference": "PO-RAW-1"},
    )
    sandbox.set_faults(script=[{"fault": "server_error", "operation": "labels"}])
    call(sandbox.url, "GET", f"/v1/reservations/{number}/labels", token=token)

    counters = sandbox.counters()

    kinds = counters["calls_by_kind"]
    assert (kinds["sign_in"], kinds["create"], kinds["read"]) == (1, 1, 1)
    assert (kinds["find"], kinds["labels"], kinds["list"]) == (1, 1, 0)
    assert counters["sign_ins"] == 1
    # requests.request opens a new connection per call here (no shared Session).
    assert counters["connections"] == 5
    assert counters["faults_injected"] == {"server_error": 1}


def test_the_directory_can_be_extended_and_reset_restores_the_seed(
    sandbox: SandboxHandle,
) -> None:
    sandbox.add_directory(
        importers=[{"code": "NEW03", "name": "New"}],
        users=[
            {
                "username": "new-user",
                "password": "Pässwörd",
                "importer_codes": ["NEW03"],
            }
        ],
        vendors=[{"code": "BOG99999", "name": "Nueva", "importer_codes": ["NEW03"]}],
    )
    credentials = {
        "username": "new-user",
        "password": "Pässwörd",
        "importer_code": "NEW03",
    }

    added = requests.post(
        f"{sandbox.url}/v1/auth/token", json=credentials, timeout=TIMEOUT
    )
    sandbox.reset()
    after_reset = requests.post(
        f"{sandbox.url}/v1/auth/token", json=credentials, timeout=TIMEOUT
    )

    assert added.status_code == 200
    assert after_reset.status_code == 401


def test_unknown_routes_and_methods_use_the_error_shape(sandbox: SandboxHandle) -> None:
    missing = call(sandbox.url, "GET", "/v1/nothing")
    wrong_method = call(sandbox.url, "DELETE", "/v1/reservations")

    assert (missing.status_code, error_code(missing)) == (404, "not_found")
    assert (wrong_method.status_code, error_code(wrong_method)) == (
        405,
        "method_not_allowed",
    )


def test_fault_settings_are_validated(sandbox: SandboxHandle) -> None:
    reply = requests.put(
        f"{sandbox.url}/_sandbox/faults",
        json={"rates": {"meteor_strike": 0.5}},
        timeout=TIMEOUT,
    )

    assert reply.status_code == 400
    assert error_code(reply) == "invalid_request"
