"""Fault settings and the choice of which fault, if any, hits the next call.

Faults come from two places: random ``rates`` (chaos for demos and load runs) and a
``script`` of steps for deterministic tests ("the next 2 create calls get a 503").
Script steps win over rates. Faults only change what goes over the wire; the store
is touched by the real handler or not at all, so injection never corrupts state.
"""

import random
import threading
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from sandbox.errors import ApiError

FAULT_KINDS = (
    "server_error",
    "html_error",
    "rate_limited",
    "expired_token",
    "connection_reset",
    "no_reply",
    "commit_then_drop",
)
OPERATIONS = (
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
class ScriptStep:
    fault: str
    operation: str | None
    times: int


@dataclass(frozen=True)
class FaultSettings:
    latency_ms: int = 0
    token_ttl: int = 3600
    rates: dict[str, float] = field(default_factory=dict)
    # An int sends delta-seconds; "http-date" sends a date retry_after_date_in ahead.
    retry_after: int | str = 1
    retry_after_date_in: int = 2
    no_reply_seconds: float = 5.0

    def to_json(self) -> dict[str, Any]:
        return {
            "latency_ms": self.latency_ms,
            "token_ttl": self.token_ttl,
            "rates": dict(self.rates),
            "retry_after": self.retry_after,
            "retry_after_date_in": self.retry_after_date_in,
            "no_reply_seconds": self.no_reply_seconds,
        }


def applies(fault: str, operation: str) -> bool:
    # Sign-in carries no token, so it cannot be refused for an expired one.
    return not (fault == "expired_token" and operation == "sign_in")


class FaultPlan:
    def __init__(self, defaults: FaultSettings, *, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._defaults = defaults
        self._random = random.Random(seed)
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.settings = self._defaults
            self._script: list[ScriptStep] = []
            self.injected: Counter[str] = Counter()

    def configure(self, payload: Any) -> FaultSettings:
        """Replace settings and script; keys left out return to startup values."""
        settings, script = _parse(payload, self._defaults)
        with self._lock:
            self.settings = settings
            self._script = script
        return settings

    def pick(self, operation: str) -> str | None:
        with self._lock:
            fault = self._from_script(operation) or self._from_rates(operation)
            if fault is not None:
                self.injected[fault] += 1
            return fault

    def _from_script(self, operation: str) -> str | None:
        for step in self._script:
            if step.operation not in (None, operation):
                continue
            if not applies(step.fault, operation):
                continue
            step.times -= 1
            if step.times == 0:
                self._script.remove(step)
            return step.fault
        return None

    def _from_rates(self, operation: str) -> str | None:
        draw = self._random.random()
        for fault in FAULT_KINDS:
            rate = self.settings.rates.get(fault, 0.0)
            if not applies(fault, operation):
                continue
            if draw < rate:
                return fault
            draw -= rate
        return None


def _parse(payload: Any, defaults: FaultSettings) -> tuple[FaultSettings, list]:
    if not isinstance(payload, dict):
        raise _invalid("faults", "Send a JSON object.")
    try:
        rates = {str(k): float(v) for k, v in payload.get("rates", {}).items()}
        settings = replace(
            defaults,
            latency_ms=int(payload.get("latency_ms", defaults.latency_ms)),
            token_ttl=int(payload.get("token_ttl", defaults.token_ttl)),
            rates=rates or dict(defaults.rates),
            retry_after=payload.get("retry_after", defaults.retry_after),
            retry_after_date_in=int(
                payload.get("retry_after_date_in", defaults.retry_after_date_in)
            ),
            no_reply_seconds=float(
                payload.get("no_reply_seconds", defaults.no_reply_seconds)
            ),
        )
        script = [
            ScriptStep(
                fault=step["fault"],
                operation=step.get("operation"),
                times=int(step.get("times", 1)),
            )
            for step in payload.get("script", [])
        ]
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise _invalid("faults", f"Malformed fault settings: {error}") from error
    _check(settings, script)
    return settings, script


def _check(settings: FaultSettings, script: list[ScriptStep]) -> None:
    unknown = set(settings.rates) - set(FAULT_KINDS)
    if unknown:
        raise _invalid("rates", f"Unknown fault kinds: {sorted(unknown)}.")
    if sum(settings.rates.values()) > 1 or min(settings.rates.values(), default=0) < 0:
        raise _invalid("rates", "Rates are probabilities that add up to at most 1.")
    if not (
        isinstance(settings.retry_after, int) or settings.retry_after == "http-date"
    ):
        raise _invalid("retry_after", 'Whole seconds or "http-date".')
    for step in script:
        if step.fault not in FAULT_KINDS:
            raise _invalid("script", f"Unknown fault {step.fault!r}.")
        if step.operation not in (None, *OPERATIONS):
            raise _invalid("script", f"Unknown operation {step.operation!r}.")
        if step.times < 1:
            raise _invalid("script", "times is at least 1.")


def _invalid(field_name: str, message: str) -> ApiError:
    return ApiError(400, "invalid_request", message, details={field_name: [message]})
