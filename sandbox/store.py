"""The sandbox's in-memory state: directory, tokens, reservations, replays, counters.

One lock guards everything. The sandbox runs as a single gunicorn worker process with
many threads (gthread), so a process-local lock is enough to make two simultaneous
writes with one idempotency key produce one reservation. Several worker processes
would each hold their own store; that is why ``python -m sandbox`` pins workers to 1.
"""

import hmac
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sandbox.errors import ApiError
from sandbox.seed import load_seed
from sandbox.validation import (
    CleanAmend,
    CleanCreate,
    Line,
    Totals,
    format_fbe,
)


def _run_prefix(seconds: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    prefix = ""
    for _ in range(5):
        seconds, digit = divmod(seconds, 36)
        prefix = digits[digit] + prefix
    return prefix


# Numbers carry a prefix from the second the process started, so a restarted
# sandbox (which forgets its store) never hands out a number an app already holds.
RUN_PREFIX = _run_prefix(int(time.time()))

MAX_BOXES = 5000
CALL_KINDS = (
    "sign_in",
    "vendor_lookup",
    "create",
    "read",
    "find",
    "amend",
    "cancel",
    "list",
    "labels",
)


@dataclass
class Token:
    importer_code: str
    username: str
    expires_at: float


@dataclass
class StoredReservation:
    number: str
    importer_code: str
    vendor_code: str
    reference: str
    ship_date: date
    origin: str
    destination: str
    lines: tuple[Line, ...]
    totals: Totals
    created_at: datetime
    updated_at: datetime
    status: str = "confirmed"
    revision: int = 1
    cancel_reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "importer_code": self.importer_code,
            "reference": self.reference,
            "status": self.status,
            "vendor_code": self.vendor_code,
            "ship_date": self.ship_date.isoformat(),
            "origin": self.origin,
            "destination": self.destination,
            "lines": [line.to_json() for line in self.lines],
            "totals": {
                "boxes": self.totals.boxes,
                "fbe": format_fbe(self.totals.fbe),
            },
            "created_at": _timestamp(self.created_at),
            "updated_at": _timestamp(self.updated_at),
            "revision": self.revision,
            "cancel_reason": self.cancel_reason,
        }


@dataclass(frozen=True)
class _Remembered:
    """The first successful reply to one idempotency key."""

    fingerprint: str
    status: int
    body: dict[str, Any]


@dataclass
class Directory:
    importers: dict[str, str] = field(default_factory=dict)
    users: dict[str, tuple[str, set[str]]] = field(default_factory=dict)
    vendors: dict[str, tuple[str, set[str]]] = field(default_factory=dict)

    def add(self, payload: dict[str, Any]) -> None:
        """Upsert importers, users and vendors; raises on a malformed payload."""
        for importer in payload.get("importers", []):
            self.importers[importer["code"]] = importer.get("name", importer["code"])
        for user in payload.get("users", []):
            codes = set(user["importer_codes"])
            self.users[user["username"]] = (user["password"], codes)
        for vendor in payload.get("vendors", []):
            codes = set(vendor["importer_codes"])
            self.vendors[vendor["code"]] = (vendor["name"], codes)


class Store:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.directory = Directory()
        self.directory.add(load_seed())
        self._clear()

    def _clear(self) -> None:
        self.tokens: dict[str, Token] = {}
        self.reservations: dict[str, StoredReservation] = {}
        self.remembered: dict[tuple[str, str], _Remembered] = {}
        self.next_number = 1
        self.reservations_by_reference: Counter[str] = Counter()
        self.calls_by_kind: Counter[str] = Counter(dict.fromkeys(CALL_KINDS, 0))
        self.idempotent_replays = 0
        self.sign_ins = 0
        self.connections: set[tuple[str, str]] = set()

    def reset(self, *, keep_directory: bool) -> None:
        with self.lock:
            self._clear()
            if not keep_directory:
                self.directory = Directory()
                self.directory.add(load_seed())

    # Counters -----------------------------------------------------------------

    def count_call(self, kind: str, *, remote: tuple[str, str]) -> None:
        with self.lock:
            self.calls_by_kind[kind] += 1
            self.connections.add(remote)

    def counters(self) -> dict[str, Any]:
        with self.lock:
            return {
                "reservations_by_reference": dict(self.reservations_by_reference),
                "idempotent_replays": self.idempotent_replays,
                "calls_by_kind": dict(self.calls_by_kind),
                "sign_ins": self.sign_ins,
                "connections": len(self.connections),
            }

    # Auth ---------------------------------------------------------------------

    def sign_in(
        self, *, username: str, password: str, importer_code: str, ttl: int
    ) -> dict[str, Any]:
        with self.lock:
            known = self.directory.users.get(username)
            # Compare as UTF-8 bytes in constant time; "Ñ" must match exactly.
            if known is None or not hmac.compare_digest(
                known[0].encode("utf-8"), password.encode("utf-8")
            ):
                raise ApiError(
                    401, "invalid_credentials", "Wrong username or password."
                )
            if importer_code not in known[1]:
                raise ApiError(
                    403,
                    "importer_not_linked",
                    f"Importer {importer_code} is not linked to this user.",
                )
            value = secrets.token_urlsafe(32)
            expires_at = time.time() + ttl
            self.tokens[value] = Token(importer_code, username, expires_at)
            self.sign_ins += 1
        return {
            "access_token": value,
            "token_type": "Bearer",
            "expires_in": ttl,
            "expires_at": _timestamp(datetime.fromtimestamp(expires_at, UTC)),
        }

    def authenticate(self, authorization: str) -> Token:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer" or not value:
            raise ApiError(401, "token_invalid", "Send Authorization: Bearer <token>.")
        with self.lock:
            token = self.tokens.get(value.strip())
        if token is None:
            raise ApiError(401, "token_invalid", "The access token is not valid.")
        if token.expires_at <= time.time():
            raise ApiError(401, "token_expired", "The access token has expired.")
        return token

    def expire_tokens(self) -> int:
        with self.lock:
            for token in self.tokens.values():
                token.expires_at = 0
            return len(self.tokens)

    # Idempotency --------------------------------------------------------------

    def run_once(
        self,
        *,
        importer_code: str,
        key: str,
        fingerprint: str,
        action: Callable[[], tuple[int, dict[str, Any]]],
    ) -> tuple[int, dict[str, Any], bool]:
        """Run ``action`` once per key; replay its reply for the same request.

        Only successful replies are remembered: a refused request changed nothing,
        so retrying it (even with the same key and a corrected body) is safe.
        The whole check-act-remember runs under the store lock, which is what makes
        two simultaneous requests with one key book once.
        """
        with self.lock:
            remembered = self.remembered.get((importer_code, key))
            if remembered is not None:
                if remembered.fingerprint != fingerprint:
                    raise ApiError(
                        422,
                        "idempotency_key_reused",
                        "This Idempotency-Key was used for a different request.",
                    )
                self.idempotent_replays += 1
                return remembered.status, remembered.body, True
            status, body = action()
            if 200 <= status < 300:
                self.remembered[(importer_code, key)] = _Remembered(
                    fingerprint, status, body
                )
            return status, body, False

    # Vendors ------------------------------------------------------------------

    def lookup_vendor(self, *, importer_code: str, code: str) -> dict[str, Any]:
        with self.lock:
            vendor = self.directory.vendors.get(code)
        if vendor is None:
            return {"code": code, "exists": False, "ships_for_importer": False}
        name, importer_codes = vendor
        return {
            "code": code,
            "exists": True,
            "ships_for_importer": importer_code in importer_codes,
            "name": name,
        }

    def _check_vendor(self, *, importer_code: str, code: str) -> None:
        vendor = self.directory.vendors.get(code)
        if vendor is None:
            raise ApiError(422, "unknown_vendor", f"No vendor has code {code}.")
        if importer_code not in vendor[1]:
            raise ApiError(
                422,
                "vendor_not_linked",
                f"Vendor {code} does not ship for importer {importer_code}.",
            )

    # Reservations -------------------------------------------------------------

    def create(self, clean: CleanCreate, *, today: date) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self._check_vendor(
                importer_code=clean.importer_code, code=clean.vendor_code
            )
            _check_ship_date(clean.ship_date, today=today)
            _check_box_limit(clean.totals)
            now = datetime.now(UTC)
            reservation = StoredReservation(
                number=f"CM{RUN_PREFIX}{self.next_number:06d}",
                importer_code=clean.importer_code,
                vendor_code=clean.vendor_code,
                reference=clean.reference,
                ship_date=clean.ship_date,
                origin=clean.origin,
                destination=clean.destination,
                lines=clean.lines,
                totals=clean.totals,
                created_at=now,
                updated_at=now,
            )
            self.next_number += 1
            self.reservations[reservation.number] = reservation
            self.reservations_by_reference[clean.reference] += 1
            return 201, reservation.to_json()

    def get(self, *, importer_code: str, number: str) -> StoredReservation:
        with self.lock:
            reservation = self.reservations.get(number)
        # Another importer's reservation is as good as missing: never confirm it.
        if reservation is None or reservation.importer_code != importer_code:
            raise ApiError(
                404, "reservation_not_found", f"No reservation numbered {number}."
            )
        return reservation

    def search(
        self,
        *,
        importer_code: str,
        reference: str | None,
        ship_date_from: date | None,
        ship_date_to: date | None,
        after: str | None,
        limit: int,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Matching reservations ordered by number, one page after ``after``."""
        with self.lock:
            matches = [
                reservation
                for number, reservation in sorted(self.reservations.items())
                if reservation.importer_code == importer_code
                and (reference is None or reservation.reference == reference)
                and (ship_date_from is None or reservation.ship_date >= ship_date_from)
                and (ship_date_to is None or reservation.ship_date <= ship_date_to)
                and (after is None or number > after)
            ]
            page = [reservation.to_json() for reservation in matches[:limit]]
        next_cursor = page[-1]["number"] if len(matches) > limit else None
        return page, next_cursor

    def amend(
        self, *, importer_code: str, number: str, clean: CleanAmend, today: date
    ) -> tuple[int, dict[str, Any]]:
        with self.lock:
            reservation = self.get(importer_code=importer_code, number=number)
            _refuse_if_cancelled(reservation)
            if clean.ship_date is not None:
                _check_ship_date(clean.ship_date, today=today)
            if clean.totals is not None:
                _check_box_limit(clean.totals)
            if clean.ship_date is not None:
                reservation.ship_date = clean.ship_date
            if clean.lines is not None and clean.totals is not None:
                reservation.lines = clean.lines
                reservation.totals = clean.totals
            reservation.revision += 1
            reservation.updated_at = datetime.now(UTC)
            return 200, reservation.to_json()

    def cancel(
        self, *, importer_code: str, number: str, reason: str
    ) -> tuple[int, dict[str, Any]]:
        with self.lock:
            reservation = self.get(importer_code=importer_code, number=number)
            # Cancelling twice is not an error: the caller's wish is already true.
            if reservation.status != "cancelled":
                reservation.status = "cancelled"
                reservation.cancel_reason = reason
                reservation.revision += 1
                reservation.updated_at = datetime.now(UTC)
            return 200, reservation.to_json()

    def labels(self, *, importer_code: str, number: str) -> dict[str, Any]:
        with self.lock:
            reservation = self.get(importer_code=importer_code, number=number)
            _refuse_if_cancelled(reservation)
            lines = reservation.lines
        boxes = []
        sequence = 0
        for line in lines:
            for _ in range(line.boxes):
                sequence += 1
                boxes.append(
                    {
                        "box_code": box_code(number, sequence),
                        "sequence": sequence,
                        "box_type": line.box_type,
                        "product": line.product,
                        "mark_code": line.mark_code,
                    }
                )
        return {"reservation_number": number, "boxes": boxes}


def box_code(number: str, sequence: int) -> str:
    """Uppercase letters, digits and "-": safe in every Code 128 code set.

    Deterministic, so a reprint carries the same barcode as the first print.
    """
    return f"{number}-{sequence:05d}"


def _check_ship_date(ship_date: date, *, today: date) -> None:
    if ship_date < today:
        raise ApiError(
            422,
            "ship_date_past",
            f"Ship date {ship_date.isoformat()} is before today ({today.isoformat()}).",
        )


def _check_box_limit(totals: Totals) -> None:
    if totals.boxes > MAX_BOXES:
        raise ApiError(
            422,
            "too_many_boxes",
            f"A reservation holds at most {MAX_BOXES} boxes, not {totals.boxes}.",
        )


def _refuse_if_cancelled(reservation: StoredReservation) -> None:
    if reservation.status == "cancelled":
        raise ApiError(
            409,
            "reservation_cancelled",
            f"Reservation {reservation.number} is cancelled.",
        )


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")
