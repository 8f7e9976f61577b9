from django.http import HttpRequest

from .roles import CAPABILITIES


def current_company(request: HttpRequest) -> dict:
    membership = getattr(request, "membership", None)
    capabilities = CAPABILITIES.get(membership.role, frozenset()) if membership else ()
    return {
        "current_company": getattr(request, "company", None),
        "current_membership": membership,
        "can": {capability.value: True for capability in capabilities},
    }
