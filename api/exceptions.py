"""One error shape for every failure the API reports:

    {"error": {"code": "invalid", "message": "...",
               "fields": {"lines[0].boxes": ["..."]}}}

`fields` appears only when the fault lies in named fields of the request.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

NON_FIELD = "non_field_errors"


class Conflict(exceptions.APIException):
    """The record's state does not allow the step (a PurchaseOrderError, say)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The record's state does not allow this."
    default_code = "conflict"


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None

    response.data = {"error": error_body(exc)}
    return response


def error_body(exc: exceptions.APIException) -> dict:
    if not isinstance(exc, exceptions.ValidationError):
        return {"code": _code(exc), "message": _text(exc.detail)}

    fields: dict[str, list[str]] = {}
    _flatten(exc.detail, "", fields)
    general = fields.get(NON_FIELD)
    message = " ".join(general) if general else "Correct the fields listed."
    return {"code": "invalid", "message": message, "fields": fields}


def _flatten(detail, path: str, into: dict[str, list[str]]) -> None:
    """Turn DRF's nested errors into {"lines[0].boxes": [...]}."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):
                child = f"{path}[{key}]"
            elif key == NON_FIELD and path:
                child = path
            else:
                child = f"{path}.{key}" if path else str(key)
            _flatten(value, child, into)
    elif isinstance(detail, list) and any(
        isinstance(item, (dict, list)) for item in detail
    ):
        for index, item in enumerate(detail):
            if item:
                _flatten(item, f"{path}[{index}]", into)
    else:
        messages = into.setdefault(path or NON_FIELD, [])
        # Two validators may say the same thing (too long, and not a code).
        for message in detail if isinstance(detail, list) else [detail]:
            if str(message) not in messages:
                messages.append(str(message))


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def _text(detail) -> str:
    if isinstance(detail, list):
        return " ".join(str(item) for item in detail)
    if isinstance(detail, dict):
        return " ".join(_text(value) for value in detail.values())
    return str(detail)
