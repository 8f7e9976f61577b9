"""Encryption at rest for Cargo Master passwords (Fernet, with key rotation)."""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class UnreadableSecret(Exception):
    """A stored secret was written with a key that is no longer configured."""


def _development_key() -> bytes:
    # Only for `make run` and tests: komet/production.py requires CARGO_MASTER_KEYS.
    digest = hashlib.sha256(b"cargo-master:" + settings.SECRET_KEY.encode()).digest()
    return base64.urlsafe_b64encode(digest)


@cache
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        raise ImproperlyConfigured(
            "CARGO_MASTER_KEYS must be Fernet keys (32 url-safe base64 bytes), "
            "separated by commas, newest first."
        ) from None


def _fernet() -> MultiFernet:
    keys = tuple(settings.CARGO_MASTER_KEYS) or (_development_key().decode(),)
    return _fernet_for(keys)


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UnreadableSecret(
            "The stored Cargo Master password cannot be read with the configured "
            "keys; enter it again in Cargo Master Settings."
        ) from None


def rotate(token: str) -> str:
    """Re-encrypt a stored value with the newest key."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise UnreadableSecret("The stored value cannot be read.") from None
