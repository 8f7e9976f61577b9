"""Decorators that guard every company view: login, a company, and a capability."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .roles import Capability, role_can

View = Callable[..., HttpResponse]


def company_view(capability: Capability) -> Callable[[View], View]:
    """Allow a logged-in member of the current company whose role has `capability`.

    Anonymous users are sent to the login page; members without the capability get
    403; users with no company at all see a page saying so.
    """

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.membership is None:
                return render(request, "companies/no_company.html", status=403)
            if not role_can(request.membership.role, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
