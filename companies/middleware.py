from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .models import Membership

SESSION_KEY = "company_id"


class CurrentCompanyMiddleware:
    """Set request.company and request.membership for the company the user works in.

    The choice lives in the session. A stale or foreign id falls back to the user's
    first membership, so typing another company's id never reaches its data.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = current_membership(request)
        request.company = request.membership.company if request.membership else None
        return self.get_response(request)


def current_membership(request: HttpRequest) -> Membership | None:
    if not request.user.is_authenticated:
        return None

    memberships = Membership.objects.filter(user=request.user).select_related("company")
    chosen = request.session.get(SESSION_KEY)
    membership = None
    if chosen is not None:
        membership = memberships.filter(company_id=chosen).first()
    return membership or memberships.first()
