"""The one module that talks to Cargo Master over HTTP.

It owns the pooled session, timeouts, User-Agent, sign-in and token renewal, and
turns every transport or protocol failure into ``CargoMasterError`` with a
``transient`` flag. It does not retry on its own (apart from renewing an expired
token once): the caller's task queue owns the retry schedule, so there is exactly
one retry ladder in the app. Writes carry the caller's idempotency key, which makes
any retry of an ambiguous write safe.

No Django imports: configuration arrives as a ``ClientConfig``.
"""

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, urlencode

import requests
from requests.adapters import HTTPAdapter

from integrations.cargo_master.errors import CargoMasterError
from integrations.cargo_master.types import (
    BoxLabel,
    CallRecord,
    ClientConfig,
    Reservation,
    ReservationLine,
    ReservationRequest,
    ReservationTotals,
    VendorLookup,
)

logger = logging.getLogger(__name__)

AuditCallback = Callable[[CallRecord], None]

API_PREFIX = "/v1"
SECRET_KEYS = frozenset(
    {
        "password",
        "access_token",
        "refresh_token",
        "authorization",
        "token",
        "secret",
        "client_secret",
    }
)
REDACTED = "[redacted]"
MAX_AUDIT_CHARS = 8_000
# Renew this long before expiry so a token never dies between check and use.
MAX_RENEW_MARGIN_SECONDS = 60.0
TOKEN_ERROR_CODES = frozenset({"token_expired", "token_invalid"})
TRANSIENT_STATUSES = frozenset({408, 429})
PAGE_SIZE = 500


@dataclass(frozen=True)
class _Token:
    value: str
    expires_at: datetime
    renew_after: float  # time.monotonic() deadline; immune to wall-clock jumps


class _TokenSlot:
    """The current token for one account, shared by every thread in the process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.token: _Token | None = None


@dataclass(frozen=True)
class _Call:
    operation: str
    method: str
    path: str
    params: dict[str, str] | None = None
    body: dict[str, Any] | None = None
    idempotency_key: str | None = None

    @property
    def is_write(self) -> bool:
        return self.method in ("POST", "PATCH") and self.operation != "sign_in"

    @property
    def audit_path(self) -> str:
        return f"{self.path}?{urlencode(self.params)}" if self.params else self.path


_registry_lock = threading.Lock()
_token_slots: dict[tuple[str, str, str, str], _TokenSlot] = {}
_sessions: dict[tuple[str, int], requests.Session] = {}


class CargoMasterClient:
    """Cargo Master API client for one account (username + importer code).

    Thread-safe. Instances are cheap: the HTTP session is shared per base URL and
    the token per account, process-wide.
    """

    def __init__(
        self, config: ClientConfig, *, audit: AuditCallback | None = None
    ) -> None:
        self._config = config
        self._base_url = config.base_url.rstrip("/")
        self._audit = audit
        self._session = _session_for(self._base_url, pool_size=config.pool_size)
        self._slot = _token_slot_for(config)

    # Sign-in ----------------------------------------------------------------

    def sign_in(self) -> datetime:
        """Get a fresh token now; returns when it expires (UTC)."""
        with self._slot.lock:
            self._slot.token = self._request_token()
            return self._slot.token.expires_at

    def test_connection(self) -> None:
        """Raise CargoMasterError unless the configured credentials sign in."""
        self.sign_in()

    # Vendors ----------------------------------------------------------------

    def lookup_vendor(self, code: str) -> VendorLookup:
        importer = _segment(self._config.importer_code)
        call = _Call(
            "vendor_lookup",
            "GET",
            f"{API_PREFIX}/importers/{importer}/vendors/{_segment(code)}",
        )
        return self._call(call, VendorLookup.from_json)

    # Reservations -----------------------------------------------------------

    def create_reservation(
        self, request: ReservationRequest, *, idempotency_key: str
    ) -> Reservation:
        call = _Call(
            "create",
            "POST",
            f"{API_PREFIX}/reservations",
            body=request.to_json(importer_code=self._config.importer_code),
            idempotency_key=_checked_key(idempotency_key),
        )
        return self._call(call, Reservation.from_json)

    def get_reservation(self, number: str) -> Reservation:
        call = _Call("read", "GET", f"{API_PREFIX}/reservations/{_segment(number)}")
        return self._call(call, Reservation.from_json)

    def find_reservations(self, reference: str) -> list[Reservation]:
        """Every reservation with this reference (PO number), oldest first."""
        return self._search("find", {"reference": reference})

    def find_reservation(self, reference: str) -> Reservation | None:
        """The newest confirmed reservation with this reference, if any.

        After an ambiguous create, this answers "did it go through?". Cancelled
        ones are skipped: a PO that changed vendor has an old cancelled one.
        """
        confirmed = [r for r in self.find_reservations(reference) if not r.is_cancelled]
        return confirmed[-1] if confirmed else None

    def list_reservations(
        self, *, ship_date_from: date, ship_date_to: date
    ) -> list[Reservation]:
        """Reservations shipping in the inclusive date range, by number."""
        params = {
            "ship_date_from": ship_date_from.isoformat(),
            "ship_date_to": ship_date_to.isoformat(),
        }
        return self._search("list", params)

    def amend_reservation(
        self,
        number: str,
        *,
        idempotency_key: str,
        ship_date: date | None = None,
        lines: Iterable[ReservationLine] | None = None,
        totals: ReservationTotals | None = None,
    ) -> Reservation:
        """Change the ship date and/or the lines.

        ``totals`` defaults to the sum of the lines by the standard FBE table; a
        company with box types of its own passes the totals it computed.
        """
        if ship_date is None and lines is None:
            raise ValueError("amend_reservation needs ship_date or lines")
        body: dict[str, Any] = {}
        if ship_date is not None:
            body["ship_date"] = ship_date.isoformat()
        if lines is not None:
            lines = tuple(lines)
            body["lines"] = [line.to_json() for line in lines]
            body["totals"] = (totals or ReservationTotals.of(lines)).to_json()
        call = _Call(
            "amend",
            "PATCH",
            f"{API_PREFIX}/reservations/{_segment(number)}",
            body=body,
            idempotency_key=_checked_key(idempotency_key),
        )
        return self._call(call, Reservation.from_json)

    def cancel_reservation(
        self, number: str, *, reason: str, idempotency_key: str
    ) -> Reservation:
        """Cancel; cancelling an already cancelled reservation returns it as is."""
        call = _Call(
            "cancel",
            "POST",
            f"{API_PREFIX}/reservations/{_segment(number)}/cancel",
            body={"reason": reason},
            idempotency_key=_checked_key(idempotency_key),
        )
        return self._call(call, Reservation.from_json)

    def get_labels(self, number: str) -> list[BoxLabel]:
        """One label per box, in box sequence order (only for confirmed ones)."""
        call = _Call(
            "labels", "GET", f"{API_PREFIX}/reservations/{_segment(number)}/labels"
        )
        return self._call(call, _parse_labels)

    def send_operation(
        self,
        *,
        kind: str,
        number: str | None,
        body: Mapping[str, Any],
        idempotency_key: str,
    ) -> Reservation:
        """Send a queued write whose body was frozen when it was first attempted.

        ``kind`` is "create", "amend" or "cancel". ``body`` is contract-shaped JSON:
        a create's reservation fields, an amend's ship_date and/or lines (other
        reservation fields are ignored, since an amend cannot change them), or a
        cancel's reason. Freezing the body keeps every retry byte-identical, which
        the idempotency key requires. Raises ValueError for a malformed body.
        """
        try:
            if kind == "create":
                request = ReservationRequest.from_json(body)
                return self.create_reservation(request, idempotency_key=idempotency_key)
            if number is None:
                raise ValueError(f"a {kind} needs the reservation number")
            if kind == "amend":
                return self.amend_reservation(
                    number,
                    idempotency_key=idempotency_key,
                    ship_date=_optional_date(body.get("ship_date")),
                    lines=_optional_lines(body.get("lines")),
                    totals=_optional_totals(body.get("totals")),
                )
            if kind == "cancel":
                return self.cancel_reservation(
                    number, reason=str(body["reason"]), idempotency_key=idempotency_key
                )
        except (KeyError, TypeError, InvalidOperation) as exc:
            raise ValueError(f"malformed {kind} body: {exc!r}") from exc
        raise ValueError(f"unknown operation kind {kind!r}")

    def _search(self, operation: str, params: dict[str, str]) -> list[Reservation]:
        found: list[Reservation] = []
        cursor: str | None = None
        while True:
            page_params = {**params, "limit": str(PAGE_SIZE)}
            if cursor is not None:
                page_params["cursor"] = cursor
            call = _Call(
                operation, "GET", f"{API_PREFIX}/reservations", params=page_params
            )
            page, cursor = self._call(call, _parse_page)
            found.extend(page)
            if cursor is None:
                return found

    # Plumbing ---------------------------------------------------------------

    def _call[T](self, call: _Call, parse: Callable[[Any], T]) -> T:
        """Send with the current token; on a token refusal renew once and resend."""
        token = self._current_token()
        try:
            return self._send(call, parse, token=token.value)
        except CargoMasterError as error:
            if error.code not in TOKEN_ERROR_CODES:
                raise
            logger.info("Cargo Master refused the token (%s); renewing", error.code)
        # A 401 means the write was not applied, so resending with the same
        # idempotency key is safe.
        return self._send(call, parse, token=self._renew(seen=token).value)

    def _current_token(self) -> _Token:
        token = self._slot.token
        if token is None or time.monotonic() >= token.renew_after:
            return self._renew(seen=token)
        return token

    def _renew(self, *, seen: _Token | None) -> _Token:
        """Sign in unless another thread already replaced the token we saw.

        Threads that meet one expired token together queue on the lock; the first
        signs in, the rest find a newer token than the one they saw and use it.
        """
        with self._slot.lock:
            current = self._slot.token
            fresh = current is not None and time.monotonic() < current.renew_after
            if current is not seen and fresh:
                return current
            self._slot.token = self._request_token()
            return self._slot.token

    def _request_token(self) -> _Token:
        call = _Call(
            "sign_in",
            "POST",
            f"{API_PREFIX}/auth/token",
            body={
                "username": self._config.username,
                "password": self._config.password,
                "importer_code": self._config.importer_code,
            },
        )
        started = time.monotonic()
        return self._send(call, lambda data: _parse_token(data, started=started))

    def _send[T](
        self, call: _Call, parse: Callable[[Any], T], *, token: str | None = None
    ) -> T:
        started = time.monotonic()
        started_at = datetime.now(UTC)
        response: requests.Response | None = None
        reply: Any = None
        try:
            response = self._post_or_get(call, token=token)
            reply = _decode(response, call)
            if response.status_code >= 400:
                raise _reply_error(response, reply, call)
            result = _parse_reply(reply, parse, call, status=response.status_code)
        except CargoMasterError as error:
            self._record(call, started, started_at, response, reply, error)
            raise
        except requests.RequestException as exc:
            error = _transport_error(exc, call, timeouts=self._timeouts())
            self._record(call, started, started_at, None, None, error)
            raise error from exc
        self._record(call, started, started_at, response, reply, None)
        return result

    def _post_or_get(self, call: _Call, *, token: str | None) -> requests.Response:
        headers = {"Accept": "application/json", "User-Agent": self._config.user_agent}
        data = None
        if call.body is not None:
            # ensure_ascii=False keeps "Ñ" as UTF-8 bytes on the wire, not \u escapes.
            data = json.dumps(call.body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json; charset=utf-8"
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if call.idempotency_key is not None:
            headers["Idempotency-Key"] = call.idempotency_key
        return self._session.request(
            call.method,
            self._base_url + call.path,
            params=call.params,
            data=data,
            headers=headers,
            timeout=self._timeouts(),
            allow_redirects=False,
        )

    def _timeouts(self) -> tuple[float, float]:
        return (self._config.connect_timeout, self._config.read_timeout)

    def _record(
        self,
        call: _Call,
        started: float,
        started_at: datetime,
        response: requests.Response | None,
        reply: Any,
        error: CargoMasterError | None,
    ) -> None:
        duration_ms = round((time.monotonic() - started) * 1000)
        status = response.status_code if response is not None else None
        logger.info(
            "Cargo Master %s %s -> %s in %sms%s",
            call.method,
            call.audit_path,
            status if status is not None else "no reply",
            duration_ms,
            f" ({error.code})" if error is not None else "",
        )
        if self._audit is None:
            return
        record = CallRecord(
            operation=call.operation,
            method=call.method,
            path=call.audit_path,
            status=status,
            duration_ms=duration_ms,
            started_at=started_at,
            request_body=audit_body(call.body),
            response_body=_audit_reply(call, response, reply),
            error_code=error.code if error is not None else None,
            idempotency_key=call.idempotency_key,
        )
        try:
            self._audit(record)
        except Exception:
            # Losing one audit row must not turn a successful booking into a failure.
            logger.exception("Cargo Master audit callback failed for %s", call.path)


# Redaction ----------------------------------------------------------------------


def redact(value: Any) -> Any:
    """Copy of ``value`` with every secret-named key's value replaced, at any depth."""
    if isinstance(value, dict):
        return {
            key: REDACTED if str(key).lower() in SECRET_KEYS else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def audit_body(value: Any) -> Any:
    """Redacted, JSON-able, and bounded: large bodies become a truncated string."""
    if value is None:
        return None
    clean = redact(value)
    text = json.dumps(clean, ensure_ascii=False)
    if len(text) <= MAX_AUDIT_CHARS:
        return clean
    return text[:MAX_AUDIT_CHARS] + f"... [truncated, {len(text)} chars]"


def _audit_reply(call: _Call, response: requests.Response | None, reply: Any) -> Any:
    if reply is not None or response is None:
        return audit_body(reply)
    # Not JSON, so keys cannot be redacted; a sign-in reply may hold a token.
    if call.operation == "sign_in":
        return f"[not JSON, {len(response.content)} bytes]"
    text = response.text
    if len(text) > MAX_AUDIT_CHARS:
        return text[:MAX_AUDIT_CHARS] + f"... [truncated, {len(text)} chars]"
    return text


# Shared state -------------------------------------------------------------------


def _session_for(base_url: str, *, pool_size: int) -> requests.Session:
    with _registry_lock:
        session = _sessions.get((base_url, pool_size))
        if session is None:
            session = requests.Session()
            # No transport retries: a silent resend of a write would hide an
            # ambiguous outcome from the caller, who must resend with the same key.
            adapter = HTTPAdapter(pool_maxsize=pool_size, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            _sessions[(base_url, pool_size)] = session
        return session


def _token_slot_for(config: ClientConfig) -> _TokenSlot:
    # The password is part of the key (a changed password must not reuse the old
    # account's token) but only as a digest, never as plain text.
    digest = hashlib.sha256(config.password.encode("utf-8")).hexdigest()
    key = (config.base_url.rstrip("/"), config.username, config.importer_code, digest)
    with _registry_lock:
        return _token_slots.setdefault(key, _TokenSlot())


def reset_shared_state() -> None:
    """Forget cached tokens and close pooled sessions (tests, settings changes)."""
    with _registry_lock:
        _token_slots.clear()
        for session in _sessions.values():
            session.close()
        _sessions.clear()


# Replies ------------------------------------------------------------------------


def _decode(response: requests.Response, call: _Call) -> Any:
    status = response.status_code
    content_type = response.headers.get("Content-Type", "").lower()
    transient = status >= 500 or status in TRANSIENT_STATUSES or status < 400
    if "json" not in content_type:
        looks_html = "html" in content_type or response.content.lstrip()[:1] == b"<"
        what = "an HTML page" if looks_html else f"'{content_type or 'no type'}'"
        raise CargoMasterError(
            f"Cargo Master answered with {what} (HTTP {status}) instead of JSON",
            code="bad_reply",
            transient=transient,
            status=status,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
            ambiguous=call.is_write and transient,
        )
    try:
        # parse_float=Decimal: even a stray JSON number never becomes a float.
        return json.loads(response.content.decode("utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, ValueError) as exc:
        raise CargoMasterError(
            f"Cargo Master answered with malformed JSON (HTTP {status})",
            code="bad_reply",
            transient=transient,
            status=status,
            ambiguous=call.is_write and transient,
        ) from exc


def _reply_error(
    response: requests.Response, reply: Any, call: _Call
) -> CargoMasterError:
    status = response.status_code
    error = reply.get("error") if isinstance(reply, dict) else None
    error = error if isinstance(error, dict) else {}
    code = str(error.get("code") or f"http_{status}")
    message = str(error.get("message") or f"Cargo Master answered HTTP {status}")
    details = error.get("details") if isinstance(error.get("details"), dict) else None
    transient = (
        status >= 500 or status in TRANSIENT_STATUSES or code in TOKEN_ERROR_CODES
    )
    return CargoMasterError(
        message,
        code=code,
        transient=transient,
        status=status,
        retry_after=parse_retry_after(response.headers.get("Retry-After")),
        ambiguous=call.is_write and status >= 500,
        details=details,
    )


def _parse_reply[T](
    reply: Any, parse: Callable[[Any], T], call: _Call, *, status: int
) -> T:
    try:
        return parse(reply)
    except (KeyError, TypeError, ValueError, AttributeError, InvalidOperation) as exc:
        raise CargoMasterError(
            f"Cargo Master's {call.operation} reply does not fit the contract: {exc!r}",
            code="unexpected_reply",
            transient=False,
            status=status,
        ) from exc


def _transport_error(
    exc: requests.RequestException, call: _Call, *, timeouts: tuple[float, float]
) -> CargoMasterError:
    if isinstance(exc, requests.ConnectTimeout):
        # Nothing reached Cargo Master, so even a write is unambiguous.
        return CargoMasterError(
            f"Could not connect to Cargo Master within {timeouts[0]}s",
            code="timeout",
            transient=True,
        )
    if isinstance(exc, requests.Timeout):
        return CargoMasterError(
            f"Cargo Master did not answer within {timeouts[1]}s",
            code="timeout",
            transient=True,
            ambiguous=call.is_write,
        )
    if isinstance(
        exc, requests.ConnectionError | requests.exceptions.ChunkedEncodingError
    ):
        return CargoMasterError(
            f"The connection to Cargo Master failed ({type(exc).__name__})",
            code="connection_error",
            transient=True,
            ambiguous=call.is_write,
        )
    return CargoMasterError(
        f"Could not send the request to Cargo Master ({type(exc).__name__})",
        code="request_failed",
        transient=False,
    )


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait, from delta-seconds ("7") or an HTTP-date; None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _parse_token(data: Any, *, started: float) -> _Token:
    expires_in = float(data["expires_in"])
    if not isinstance(data["access_token"], str) or not data["access_token"]:
        raise TypeError("access_token must be a non-empty string")
    margin = min(MAX_RENEW_MARGIN_SECONDS, expires_in * 0.1)
    # Counted from when the request left, so a slow reply errs toward renewing early.
    return _Token(
        value=data["access_token"],
        expires_at=datetime.fromisoformat(data["expires_at"]),
        renew_after=started + expires_in - margin,
    )


def _parse_page(data: Any) -> tuple[list[Reservation], str | None]:
    cursor = data.get("next_cursor")
    if cursor is not None and not isinstance(cursor, str):
        raise TypeError("next_cursor must be a string or null")
    return [Reservation.from_json(item) for item in data["reservations"]], cursor


def _parse_labels(data: Any) -> list[BoxLabel]:
    return [BoxLabel.from_json(item) for item in data["boxes"]]


def _optional_date(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _optional_totals(value: Any) -> ReservationTotals | None:
    return None if value is None else ReservationTotals.from_json(value)


def _optional_lines(value: Any) -> tuple[ReservationLine, ...] | None:
    if value is None:
        return None
    return tuple(ReservationLine.from_json(line) for line in value)


def _segment(value: str) -> str:
    """One URL path segment: "/" or "?" in a code must not change the route."""
    return quote(value, safe="")


def _checked_key(key: str) -> str:
    if not isinstance(key, str) or not key.strip() or len(key) > 255:
        raise ValueError("idempotency_key must be a non-empty string (<= 255 chars)")
    return key
