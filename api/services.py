"""API tokens: creating, revoking and recognising them.

A key is `kc_` + secrets.token_urlsafe(32). Only its SHA-256 digest is stored, with
the first characters as a prefix to find candidates by and to show on the Tokens
page; the digests are compared with hmac.compare_digest.
"""

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils import timezone

from companies.models import Company

from .models import Access, ApiToken, Resource

logger = logging.getLogger(__name__)

KEY_PREFIX = "kc_"
PREFIX_LENGTH = len(KEY_PREFIX) + 8
# Recording every request's time would write a row per call; once a minute is
# enough to tell a token in use from a forgotten one.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # shown to the administrator once, never stored


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(
    *,
    company: Company,
    name: str,
    scopes: dict[str, str],
    created_by: AbstractBaseUser | None,
) -> IssuedToken:
    unknown = {
        resource: access
        for resource, access in scopes.items()
        if resource not in Resource.values or access not in Access.values
    }
    if unknown:
        raise ValueError(f"Unknown scopes: {sorted(unknown)}")

    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        company=company,
        name=name,
        prefix=key[:PREFIX_LENGTH],
        key_digest=_digest(key),
        scopes=scopes,
        created_by=created_by,
    )
    logger.info("API token %s created for company %s", token.pk, company.pk)
    return IssuedToken(token=token, key=key)


def api_token_revoke(*, token: ApiToken, revoked_by: AbstractBaseUser | None) -> bool:
    """Revoke a token; the next request with it is refused. False if it already was."""
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=revoked_by
    )
    if revoked:
        logger.info("API token %s of company %s revoked", token.pk, token.company_id)
    return bool(revoked)


def api_token_for_key(key: str) -> ApiToken | None:
    """The usable token with this key, or None. Read on every request, so a
    revocation takes effect at once."""
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    digest = _digest(key)
    candidates = ApiToken.objects.usable().filter(prefix=key[:PREFIX_LENGTH])
    for token in candidates.select_related("company"):
        if hmac.compare_digest(token.key_digest, digest):
            return token
    return None


def api_token_touch(*, token: ApiToken) -> None:
    """Record that the token was used, at most once per LAST_USED_RESOLUTION."""
    now = timezone.now()
    if token.last_used_at and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ).update(last_used_at=now)
    token.last_used_at = now
