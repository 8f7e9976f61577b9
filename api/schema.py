"""OpenAPI additions: the Bearer token scheme, and the one error shape on every
operation, so clients (and Schemathesis) can rely on it."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from .authentication import BearerTokenAuthentication


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A company's API token, created by an administrator in Setup > "
                "Settings > Integrations > Tokens: `Authorization: Bearer kc_…`. "
                "A token acts for its company with exactly the scopes chosen for "
                "it (read or read-write per resource), whoever created it."
            ),
        }


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "example": "invalid"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "description": 'Messages by field path, e.g. "lines[0].boxes".',
                    "additionalProperties": {
                        "type": "array",
                        "items": {"type": "string"},
                    },
                },
            },
        }
    },
}

ERRORS = {
    "400": "Invalid input; `fields` says which and why.",
    "401": "No credentials, or an unknown or revoked token.",
    "403": "The role or token scopes do not allow this, or a CSRF failure.",
    "404": "No such record in the caller's company.",
    "405": "Method not allowed.",
    "406": "The Accept header asks for a format the endpoint cannot give.",
    "409": "The record's state does not allow this step.",
    "415": "The body is not JSON (or another accepted type).",
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}


def add_error_responses(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: document the error shape on every API operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = (
        ERROR_SCHEMA
    )
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR_REF}},
                    },
                )
    return result


__all__ = ["BearerTokenScheme", "add_error_responses"]
