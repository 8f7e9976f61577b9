import logging

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from .services import api_token_for_key, api_token_touch

logger = logging.getLogger(__name__)

KEYWORD = "Bearer"


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <key>` with a key from the Tokens page.

    The user stays anonymous: a token is a company credential, not a person, and
    its scopes alone say what it may do (see api.access).
    """

    def authenticate(self, request: Request) -> tuple | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the header as “Authorization: Bearer <token>”."
            )
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            key = ""

        token = api_token_for_key(key)
        if token is None:
            # The prefix alone identifies nothing secret; the key is never logged.
            logger.info("Refused an unknown or revoked API token")
            raise exceptions.AuthenticationFailed("The token is unknown or revoked.")
        api_token_touch(token=token)
        return _TokenUser(), token

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="api"'


class _TokenUser:
    """Stands in for request.user on token calls: authenticated, but no person."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    pk = None

    def __str__(self) -> str:
        return "API token"
