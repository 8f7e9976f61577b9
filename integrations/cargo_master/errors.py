"""The one exception the Cargo Master client raises."""

REJECTED_CREDENTIAL_CODES = frozenset({"invalid_credentials", "importer_not_linked"})


class CargoMasterError(Exception):
    """A failed call to Cargo Master, transport or protocol alike.

    ``transient`` says whether trying again later can succeed (timeouts, resets,
    5xx, 429, a proxy's HTML page). Permanent errors (validation, unknown vendor,
    rejected credentials) need a person or a code change, not a retry.

    ``code`` is Cargo Master's error code when it sent one, otherwise ours:
    "timeout", "connection_error", "bad_reply" (not JSON), "unexpected_reply"
    (JSON that does not fit the contract), "request_failed" (could not send),
    or "http_<status>" for an error reply without a code.

    ``ambiguous`` is True for a write whose outcome is unknown (no reply, or a
    5xx/unreadable reply after the request was sent): Cargo Master may have
    applied it. Retry with the SAME idempotency key; the retry returns the first
    result instead of applying the write twice.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str,
        transient: bool,
        status: int | None = None,
        retry_after: float | None = None,
        ambiguous: bool = False,
        details: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.transient = transient
        self.status = status
        self.retry_after = retry_after
        self.ambiguous = ambiguous
        self.details = details or {}

    @property
    def rejected_credentials(self) -> bool:
        """True when Cargo Master refused the username, password or importer code."""
        return self.code in REJECTED_CREDENTIAL_CODES

    def __str__(self) -> str:
        status = f"HTTP {self.status}" if self.status is not None else "no reply"
        return f"{self.message} ({self.code}, {status})"

    def __repr__(self) -> str:
        return (
            f"CargoMasterError(code={self.code!r}, status={self.status!r}, "
            f"transient={self.transient!r}, message={self.message!r})"
        )
