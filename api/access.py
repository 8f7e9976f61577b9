"""Who is calling, for which company, and whether they may do this.

A browser session acts with the user's role in their current company, exactly as
the web pages do (companies.roles). A token acts for its company with its scopes
only: it has no role, and who created it does not matter.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from rest_framework import exceptions, permissions
from rest_framework.request import Request

from companies.models import Company
from companies.roles import Capability, role_can

from .models import Access, ApiToken, Resource


@dataclass(frozen=True)
class Scope:
    """What an action needs: a token scope, or a capability for a session."""

    resource: Resource
    access: Access
    capability: Capability


@dataclass(frozen=True)
class Caller:
    company: Company
    user: AbstractBaseUser | None  # the session's user; None for a token
    role: str | None = None
    token: ApiToken | None = None

    def may(self, scope: Scope) -> bool:
        if self.token is not None:
            return self.token.allows(scope.resource, scope.access)
        return role_can(self.role, scope.capability)


def caller_of(request: Request) -> Caller:
    cached = getattr(request, "_api_caller", None)
    if cached is not None:
        return cached

    if isinstance(request.auth, ApiToken):
        caller = Caller(company=request.auth.company, user=None, token=request.auth)
    elif request.user and request.user.is_authenticated:
        membership = getattr(request._request, "membership", None)
        if membership is None:
            raise exceptions.PermissionDenied("You are not a member of any company.")
        caller = Caller(
            company=membership.company, user=request.user, role=membership.role
        )
    else:
        raise exceptions.NotAuthenticated()
    request._api_caller = caller
    return caller


class ScopedAccess(permissions.BasePermission):
    """Let the call through when the caller may do what the view's action needs.

    Views name a Scope per action in `scopes`; otherwise `read_scope` covers safe
    methods and `write_scope` the rest.
    """

    def has_permission(self, request: Request, view) -> bool:
        scope = required_scope(request, view)
        caller = caller_of(request)
        if not caller.may(scope):
            raise exceptions.PermissionDenied(_refusal(caller, scope))
        return True


def required_scope(request: Request, view) -> Scope:
    action = getattr(view, "action", None)
    scopes = getattr(view, "scopes", {})
    if action in scopes:
        return scopes[action]
    if request.method in permissions.SAFE_METHODS:
        return view.read_scope
    return view.write_scope


def _refusal(caller: Caller, scope: Scope) -> str:
    if caller.token is not None:
        return (
            f"This token lacks the {scope.resource.value}:{scope.access.value} scope."
        )
    return "Your role does not allow this."
