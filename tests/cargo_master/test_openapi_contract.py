"""contract/openapi.yaml and the sandbox describe the same API."""

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from sandbox.app import ROUTES
from tests.cargo_master.http import call, reservation_body, sign_in
from tests.fixtures.sandbox import SandboxHandle

CONTRACT = (
    Path(__file__).resolve().parents[2]
    / "integrations/cargo_master/contract/openapi.yaml"
)
DOCUMENT_URI = "urn:cargo-master:openapi"
HTTP_METHODS = {"get", "put", "post", "patch", "delete"}


@pytest.fixture(scope="module")
def contract() -> dict[str, Any]:
    return yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))


def _validator(contract: dict[str, Any], schema: dict[str, Any]):
    resource = Resource.from_contents(contract, default_specification=DRAFT202012)
    registry = Registry().with_resource(DOCUMENT_URI, resource)
    # Refs inside the schema ("#/components/...") resolve against the document.
    wrapped = {"$ref": DOCUMENT_URI + "#" + _pointer_of(contract, schema)}
    return jsonschema.Draft202012Validator(
        wrapped,
        registry=registry,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def _pointer_of(contract: dict[str, Any], schema: dict[str, Any]) -> str:
    ref = schema.get("$ref")
    assert ref, "response schemas in the contract are $refs to components"
    return ref.removeprefix("#")


def _check(contract: dict[str, Any], path: str, method: str, reply) -> None:
    responses = contract["paths"][path][method]["responses"]
    documented = responses[str(reply.status_code)]
    if "$ref" in documented:
        name = documented["$ref"].rsplit("/", 1)[-1]
        documented = contract["components"]["responses"][name]
    schema = documented["content"]["application/json"]["schema"]
    _validator(contract, schema).validate(reply.json())


def test_every_documented_operation_is_served_and_nothing_else(
    contract: dict[str, Any],
) -> None:
    documented = {
        (method.upper(), path)
        for path, item in contract["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }
    served = {(route.method, route.template) for route in ROUTES}

    assert documented == served


def test_the_contract_is_openapi_3_1(contract: dict[str, Any]) -> None:
    assert contract["openapi"].startswith("3.1")


def test_sandbox_replies_match_the_documented_schemas(
    sandbox: SandboxHandle, contract: dict[str, Any]
) -> None:
    url = sandbox.url
    token = sign_in(url)
    checks = []

    def record(path: str, method: str, reply) -> None:
        checks.append((path, method, reply.status_code))
        _check(contract, path, method, reply)

    created = call(
        url, "POST", "/v1/reservations", token=token, body=reservation_body(), key="s1"
    )
    number = created.json()["number"]
    record("/v1/reservations", "post", created)
    record(
        "/v1/auth/token",
        "post",
        call(
            url,
            "POST",
            "/v1/auth/token",
            body={"username": "x", "password": "y", "importer_code": "z"},
        ),
    )
    record(
        "/v1/importers/{importer_code}/vendors/{vendor_code}",
        "get",
        call(url, "GET", "/v1/importers/KOMET01/vendors/UIO07100", token=token),
    )
    record(
        "/v1/importers/{importer_code}/vendors/{vendor_code}",
        "get",
        call(url, "GET", "/v1/importers/KOMET01/vendors/NOPE", token=token),
    )
    record(
        "/v1/reservations/{number}",
        "get",
        call(url, "GET", f"/v1/reservations/{number}", token=token),
    )
    record(
        "/v1/reservations/{number}",
        "get",
        call(url, "GET", "/v1/reservations/CM99999999", token=token),
    )
    record(
        "/v1/reservations",
        "get",
        call(
            url,
            "GET",
            "/v1/reservations",
            token=token,
            params={"reference": "PO-RAW-1"},
        ),
    )
    record(
        "/v1/reservations/{number}/labels",
        "get",
        call(url, "GET", f"/v1/reservations/{number}/labels", token=token),
    )
    record(
        "/v1/reservations/{number}",
        "patch",
        call(
            url,
            "PATCH",
            f"/v1/reservations/{number}",
            token=token,
            body={"ship_date": "2099-01-01"},
            key="s2",
        ),
    )
    record(
        "/v1/reservations",
        "post",
        call(
            url,
            "POST",
            "/v1/reservations",
            token=token,
            body=reservation_body(totals={}),
            key="s3",
        ),
    )
    record(
        "/v1/reservations/{number}/cancel",
        "post",
        call(
            url,
            "POST",
            f"/v1/reservations/{number}/cancel",
            token=token,
            body={"reason": "Ñ"},
            key="s4",
        ),
    )
    record(
        "/v1/reservations/{number}/labels",
        "get",
        call(url, "GET", f"/v1/reservations/{number}/labels", token=token),
    )
    sandbox.set_faults(retry_after=3, script=[{"fault": "rate_limited"}])
    limited = call(url, "GET", f"/v1/reservations/{number}", token=token)
    record("/v1/reservations/{number}", "get", limited)

    assert [status for *_, status in checks] == [
        201,
        401,
        200,
        200,
        200,
        404,
        200,
        200,
        200,
        400,
        200,
        409,
        429,
    ]
    assert limited.headers["Retry-After"] == "3"


def test_the_schema_check_catches_a_reply_that_breaks_the_contract(
    contract: dict[str, Any],
) -> None:
    schema = {"$ref": "#/components/schemas/Reservation"}
    wrong = {"number": "CM1", "totals": {"boxes": 1, "fbe": 1.0}}

    with pytest.raises(jsonschema.ValidationError):
        _validator(contract, schema).validate(wrong)
