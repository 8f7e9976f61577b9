"""The sandbox WSGI application: routing, handlers, fault delivery, control API.

Plain WSGI on purpose: the contract is small and a framework would hide the parts
this server exists to exercise (raw sockets for resets, exact status lines, headers).
"""

import contextlib
import errno
import hashlib
import ipaddress
import json
import logging
import os
import socket
import struct
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qs

from sandbox import validation
from sandbox.errors import ApiError
from sandbox.faults import FaultPlan, FaultSettings
from sandbox.store import Store, Token

logger = logging.getLogger(__name__)

JSON_TYPE = "application/json; charset=utf-8"
MAX_BODY_BYTES = 1_000_000
MAX_PAGE = 1000
DEFAULT_PAGE = 500
HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    "<body><h1>502 Bad Gateway</h1><p>The upstream server did not answer."
    "</p><hr><p>edge-proxy</p></body></html>"
)
REASONS = {
    200: "OK",
    201: "Created",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Reply = tuple[int, dict[str, Any], list[tuple[str, str]]]


class DropConnection(ConnectionResetError):
    """Raised by a fault to end the exchange without writing any reply.

    gunicorn treats ECONNRESET raised by the app as a client that vanished: it
    closes the connection quietly instead of logging a traceback.
    """

    def __init__(self) -> None:
        super().__init__(errno.ECONNRESET, "sandbox fault: connection dropped")


class ProxyErrorPage(Exception):
    """What a misbehaving proxy in front of Cargo Master sends: a 502 web page."""


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    raw_body: bytes
    remote: tuple[str, str]
    environ: dict[str, Any]

    @classmethod
    def from_environ(cls, environ: dict[str, Any]) -> "Request":
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_BODY_BYTES:
            raise ApiError(413, "invalid_request", "The body is too large.")
        raw_body = environ["wsgi.input"].read(length) if length else b""
        # PEP 3333 hands the path over as latin-1 decoded bytes; undo that.
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
        return cls(
            method=environ["REQUEST_METHOD"].upper(),
            path=path,
            query=parse_qs(environ.get("QUERY_STRING", "")),
            headers=headers,
            raw_body=raw_body,
            remote=(
                environ.get("REMOTE_ADDR", ""),
                str(environ.get("REMOTE_PORT", "")),
            ),
            environ=environ,
        )

    def json(self) -> Any:
        try:
            return json.loads(self.raw_body.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise ApiError(400, "invalid_request", "The body is not UTF-8.") from error
        except json.JSONDecodeError as error:
            raise ApiError(
                400, "invalid_request", f"The body is not JSON: {error.msg}."
            ) from error

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    operation: str
    handler_name: str

    def match(self, path: str) -> dict[str, str] | None:
        want = self.template.strip("/").split("/")
        have = path.strip("/").split("/")
        if len(want) != len(have):
            return None
        params = {}
        for pattern, part in zip(want, have, strict=True):
            if pattern.startswith("{"):
                if not part:
                    return None
                params[pattern[1:-1]] = part
            elif pattern != part:
                return None
        return params


# The public contract; tests compare this table with contract/openapi.yaml.
ROUTES = (
    Route("POST", "/v1/auth/token", "sign_in", "sign_in"),
    Route(
        "GET",
        "/v1/importers/{importer_code}/vendors/{vendor_code}",
        "vendor_lookup",
        "lookup_vendor",
    ),
    Route("POST", "/v1/reservations", "create", "create"),
    Route("GET", "/v1/reservations", "list", "search"),
    Route("GET", "/v1/reservations/{number}", "read", "read"),
    Route("PATCH", "/v1/reservations/{number}", "amend", "amend"),
    Route("POST", "/v1/reservations/{number}/cancel", "cancel", "cancel"),
    Route("GET", "/v1/reservations/{number}/labels", "labels", "labels"),
)
CONTROL_ROUTES = (
    ("GET", "/_sandbox/health"),
    ("GET", "/_sandbox/counters"),
    ("GET", "/_sandbox/faults"),
    ("PUT", "/_sandbox/faults"),
    ("POST", "/_sandbox/reset"),
    ("POST", "/_sandbox/directory"),
    ("POST", "/_sandbox/expire-tokens"),
    ("PUT", "/_sandbox/clock"),
)


class SandboxApp:
    def __init__(self, *, defaults: FaultSettings, today: date | None = None) -> None:
        self.store = Store()
        self.faults = FaultPlan(defaults)
        self._startup_today = self._fixed_today = today

    def today(self) -> date:
        return self._fixed_today or date.today()

    def _set_clock(self, request: Request) -> Reply:
        """Fix the day ship dates are checked against; null follows the real date."""
        value = validation.require_object(request.json()).get("today")
        try:
            self._fixed_today = None if value is None else date.fromisoformat(value)
        except (TypeError, ValueError):
            raise ApiError(
                400,
                "invalid_request",
                "today must be a date as YYYY-MM-DD, or null.",
                details={"today": ["Enter a date as YYYY-MM-DD."]},
            ) from None
        return 200, {"today": self.today().isoformat()}, []

    def __call__(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        try:
            request = Request.from_environ(environ)
            if request.path.startswith("/_sandbox/"):
                status, body, headers = self._control(request)
            else:
                status, body, headers = self._serve(request)
        except ApiError as error:
            status, body, headers = error.status, error.body(), error.headers
        except ProxyErrorPage:
            return _respond_html(start_response)
        except DropConnection:
            raise
        except Exception:
            logger.exception("Sandbox handler failed")
            status, body, headers = _internal_error()
        return _respond(start_response, status, body, headers)

    # Public contract ----------------------------------------------------------

    def _serve(self, request: Request) -> Reply:
        route, params = _find_route(request)
        operation = route.operation
        # One route serves both: a reference filter makes it a find, not a list.
        if operation == "list" and request.param("reference") is not None:
            operation = "find"
        self.store.count_call(operation, remote=request.remote)

        settings = self.faults.settings
        if settings.latency_ms:
            time.sleep(settings.latency_ms / 1000)
        fault = self.faults.pick(operation)
        if fault is not None and fault != "commit_then_drop":
            return self._inject(fault, request, settings)

        try:
            reply = getattr(self, "_" + route.handler_name)(request, **params)
        except ApiError as error:
            reply = (error.status, error.body(), error.headers)
        if fault == "commit_then_drop":
            # The write (if any) is stored; only the answer is lost on the way.
            _reset_connection(request)
        return reply

    def _inject(self, fault: str, request: Request, settings: FaultSettings) -> Reply:
        if fault == "server_error":
            return _internal_error()
        if fault == "html_error":
            raise ProxyErrorPage()
        if fault == "rate_limited":
            return (
                429,
                ApiError(429, "rate_limited", "Too many requests; slow down.").body(),
                [("Retry-After", _retry_after(settings))],
            )
        if fault == "expired_token":
            raise ApiError(401, "token_expired", "The access token has expired.")
        if fault == "connection_reset":
            _reset_connection(request)
        if fault == "no_reply":
            time.sleep(settings.no_reply_seconds)
            _close_connection(request)
        raise AssertionError(f"unhandled fault {fault}")

    def _authorize(self, request: Request) -> Token:
        return self.store.authenticate(request.headers.get("authorization", ""))

    def _sign_in(self, request: Request) -> Reply:
        body = validation.require_object(request.json())
        fields = ("username", "password", "importer_code")
        missing = [name for name in fields if not isinstance(body.get(name), str)]
        if missing:
            raise ApiError(
                400,
                "invalid_request",
                "Give username, password and importer_code as strings.",
                details={name: ["This field is required."] for name in missing},
            )
        reply = self.store.sign_in(
            username=body["username"],
            password=body["password"],
            importer_code=body["importer_code"],
            ttl=self.faults.settings.token_ttl,
        )
        return 200, reply, [("Cache-Control", "no-store")]

    def _lookup_vendor(
        self, request: Request, *, importer_code: str, vendor_code: str
    ) -> Reply:
        token = self._authorize(request)
        _same_importer(token, importer_code)
        reply = self.store.lookup_vendor(importer_code=importer_code, code=vendor_code)
        return 200, reply, []

    def _create(self, request: Request) -> Reply:
        token = self._authorize(request)
        key = _idempotency_key(request)
        body = request.json()

        def create() -> tuple[int, dict[str, Any]]:
            clean = validation.clean_create(body)
            _same_importer(token, clean.importer_code)
            return self.store.create(clean, today=self.today())

        return self._once(request, token, key, body, create)

    def _read(self, request: Request, *, number: str) -> Reply:
        token = self._authorize(request)
        reservation = self.store.get(importer_code=token.importer_code, number=number)
        return 200, reservation.to_json(), []

    def _search(self, request: Request) -> Reply:
        token = self._authorize(request)
        reference = request.param("reference")
        ship_date_from = _query_date(request, "ship_date_from")
        ship_date_to = _query_date(request, "ship_date_to")
        if reference is None and (ship_date_from is None or ship_date_to is None):
            raise ApiError(
                400,
                "invalid_request",
                "Give reference, or both ship_date_from and ship_date_to.",
            )
        page, next_cursor = self.store.search(
            importer_code=token.importer_code,
            reference=reference,
            ship_date_from=ship_date_from,
            ship_date_to=ship_date_to,
            after=request.param("cursor"),
            limit=_query_limit(request),
        )
        return 200, {"reservations": page, "next_cursor": next_cursor}, []

    def _amend(self, request: Request, *, number: str) -> Reply:
        token = self._authorize(request)
        key = _idempotency_key(request)
        body = request.json()

        def amend() -> tuple[int, dict[str, Any]]:
            return self.store.amend(
                importer_code=token.importer_code,
                number=number,
                clean=validation.clean_amend(body),
                today=self.today(),
            )

        return self._once(request, token, key, body, amend)

    def _cancel(self, request: Request, *, number: str) -> Reply:
        token = self._authorize(request)
        key = _idempotency_key(request)
        body = request.json()

        def cancel() -> tuple[int, dict[str, Any]]:
            return self.store.cancel(
                importer_code=token.importer_code,
                number=number,
                reason=validation.clean_cancel(body),
            )

        return self._once(request, token, key, body, cancel)

    def _labels(self, request: Request, *, number: str) -> Reply:
        token = self._authorize(request)
        reply = self.store.labels(importer_code=token.importer_code, number=number)
        return 200, reply, []

    def _once(
        self,
        request: Request,
        token: Token,
        key: str,
        body: Any,
        action: Callable[[], tuple[int, dict[str, Any]]],
    ) -> Reply:
        # The key is checked before the body is validated: a replay must return the
        # first reply even if, say, its ship date has since become "past".
        # Canonical JSON, so key order and whitespace do not make a "different" body.
        canonical = json.dumps(
            [request.method, request.path, body], sort_keys=True, ensure_ascii=False
        )
        status, reply, replayed = self.store.run_once(
            importer_code=token.importer_code,
            key=key,
            fingerprint=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
            action=action,
        )
        return status, reply, [("Idempotent-Replayed", "true" if replayed else "false")]

    # Control API --------------------------------------------------------------

    def _control(self, request: Request) -> Reply:
        if not _is_loopback(request.remote[0]):
            raise ApiError(403, "forbidden", "The control API answers loopback only.")
        route = (request.method, request.path.rstrip("/"))
        if route not in CONTROL_ROUTES:
            raise ApiError(404, "not_found", f"No control endpoint {request.path}.")
        if route == ("GET", "/_sandbox/health"):
            return 200, {"status": "ok", "today": self.today().isoformat()}, []
        if route == ("GET", "/_sandbox/counters"):
            counters = self.store.counters()
            counters["faults_injected"] = dict(self.faults.injected)
            return 200, counters, []
        if route == ("GET", "/_sandbox/faults"):
            return 200, self.faults.settings.to_json(), []
        if route == ("PUT", "/_sandbox/faults"):
            return 200, self.faults.configure(request.json()).to_json(), []
        if route == ("POST", "/_sandbox/reset"):
            options = request.json() if request.raw_body else {}
            keep = bool(validation.require_object(options).get("keep_directory"))
            self.store.reset(keep_directory=keep)
            self.faults.reset()
            self._fixed_today = self._startup_today
            return 200, {"status": "reset", "kept_directory": keep}, []
        if route == ("POST", "/_sandbox/directory"):
            return self._add_directory(request)
        if route == ("PUT", "/_sandbox/clock"):
            return self._set_clock(request)
        expired = self.store.expire_tokens()
        return 200, {"expired_tokens": expired}, []

    def _add_directory(self, request: Request) -> Reply:
        payload = validation.require_object(request.json())
        try:
            with self.store.lock:
                self.store.directory.add(payload)
        except (KeyError, TypeError, AttributeError) as error:
            raise ApiError(
                400, "invalid_request", f"Malformed directory entry: {error}"
            ) from error
        directory = self.store.directory
        return (
            200,
            {
                "importers": sorted(directory.importers),
                "users": sorted(directory.users),
                "vendors": len(directory.vendors),
            },
            [],
        )


def _find_route(request: Request) -> tuple[Route, dict[str, str]]:
    allowed = []
    for route in ROUTES:
        params = route.match(request.path)
        if params is None:
            continue
        if route.method == request.method:
            return route, params
        allowed.append(route.method)
    if allowed:
        raise ApiError(
            405,
            "method_not_allowed",
            f"{request.method} is not allowed here.",
            headers=[("Allow", ", ".join(allowed))],
        )
    raise ApiError(404, "not_found", f"No endpoint {request.path}.")


def _same_importer(token: Token, importer_code: str) -> None:
    if importer_code != token.importer_code:
        raise ApiError(
            403,
            "importer_not_linked",
            f"This token is for importer {token.importer_code}, not {importer_code}.",
        )


def _idempotency_key(request: Request) -> str:
    key = request.headers.get("idempotency-key", "").strip()
    if not key:
        raise ApiError(
            400, "idempotency_key_missing", "Writes need an Idempotency-Key header."
        )
    if len(key) > 255 or not key.isascii() or not key.isprintable():
        raise ApiError(
            400,
            "invalid_request",
            "An Idempotency-Key is 1 to 255 printable ASCII characters.",
        )
    return key


def _query_date(request: Request, name: str) -> date | None:
    value = request.param(name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ApiError(
            400,
            "invalid_request",
            f"{name} must be a date as YYYY-MM-DD.",
            details={name: ["Must be a date as YYYY-MM-DD."]},
        ) from error


def _query_limit(request: Request) -> int:
    value = request.param("limit")
    if value is None:
        return DEFAULT_PAGE
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise ApiError(
            400,
            "invalid_request",
            f"limit is a whole number from 1 to {MAX_PAGE}.",
            details={"limit": [f"From 1 to {MAX_PAGE}."]},
        )
    return int(value)


def _retry_after(settings: FaultSettings) -> str:
    if settings.retry_after == "http-date":
        moment = time.time() + settings.retry_after_date_in
        return format_datetime(datetime.fromtimestamp(moment, UTC), usegmt=True)
    return str(settings.retry_after)


def _internal_error() -> Reply:
    error = ApiError(500, "internal_error", "Cargo Master had an internal error.")
    return 500, error.body(), []


def _respond(
    start_response: StartResponse,
    status: int,
    body: dict[str, Any],
    headers: list[tuple[str, str]],
) -> list[bytes]:
    payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
    start_response(
        f"{status} {REASONS.get(status, 'Unknown')}",
        [("Content-Type", JSON_TYPE), ("Content-Length", str(len(payload))), *headers],
    )
    return [payload]


def _respond_html(start_response: StartResponse) -> list[bytes]:
    payload = HTML_PAGE.encode("utf-8")
    start_response(
        "502 Bad Gateway",
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(payload))),
        ],
    )
    return [payload]


def _client_socket(request: Request) -> socket.socket:
    sock = request.environ.get("gunicorn.socket")
    if sock is None:
        raise RuntimeError("socket faults need gunicorn (environ['gunicorn.socket'])")
    return sock


def _reset_connection(request: Request) -> None:
    """Send a TCP RST to the client, then tell gunicorn the peer is gone.

    SO_LINGER 0 makes the kernel answer close() with RST instead of FIN. The real
    descriptor is closed by overwriting it (dup2) with a fresh unconnected socket,
    so gunicorn keeps a valid object to clean up and its bookkeeping stays intact.
    """
    sock = _client_socket(request)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with socket.socket(sock.family, socket.SOCK_STREAM) as placeholder:
        os.dup2(placeholder.fileno(), sock.fileno())
    raise DropConnection()


def _close_connection(request: Request) -> None:
    """Close without answering: the client sees the connection end, no status line."""
    sock = _client_socket(request)
    # The client may already have gone; closing is all that matters then.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    raise DropConnection()


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
