"""Raw HTTP helpers for contract tests that must see exactly what the sandbox sends."""

import json
from datetime import date, timedelta
from typing import Any

import requests

from sandbox.seed import (
    DEMO_IMPORTER_CODE,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    DEMO_VENDOR_CODE,
)

TIMEOUT = (2.0, 5.0)


def sign_in(base_url: str) -> str:
    reply = requests.post(
        f"{base_url}/v1/auth/token",
        json={
            "username": DEMO_USERNAME,
            "password": DEMO_PASSWORD,
            "importer_code": DEMO_IMPORTER_CODE,
        },
        timeout=TIMEOUT,
    )
    reply.raise_for_status()
    return reply.json()["access_token"]


def call(
    base_url: str,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: Any = None,
    key: str | None = None,
    params: dict[str, str] | None = None,
) -> requests.Response:
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if key is not None:
        headers["Idempotency-Key"] = key
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
    return requests.request(
        method,
        base_url + path,
        headers=headers,
        data=data,
        params=params,
        timeout=TIMEOUT,
    )


def reservation_body(reference: str = "PO-RAW-1", **overrides: Any) -> dict[str, Any]:
    body = {
        "importer_code": DEMO_IMPORTER_CODE,
        "vendor_code": DEMO_VENDOR_CODE,
        "reference": reference,
        "ship_date": (date.today() + timedelta(days=5)).isoformat(),
        "origin": "UIO",
        "destination": "MIA",
        "lines": [
            {"box_type": "FB", "boxes": 2, "product": "Rosa", "mark_code": "A1"},
            {"box_type": "EB", "boxes": 4, "product": "Clavel", "mark_code": ""},
        ],
        "totals": {"boxes": 6, "fbe": "2.500"},
    }
    body.update(overrides)
    return body


def error_code(reply: requests.Response) -> str:
    return reply.json()["error"]["code"]
