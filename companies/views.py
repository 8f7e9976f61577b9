from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .middleware import SESSION_KEY
from .models import Membership


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if request.membership is None:
        return render(request, "companies/no_company.html", status=403)
    return redirect("purchase_orders:list")


@login_required
def company_select(request: HttpRequest) -> HttpResponse:
    """Select your company: the user's memberships, and switching between them."""
    memberships = Membership.objects.filter(user=request.user).select_related("company")
    if request.method != "POST":
        return render(request, "companies/select.html", {"memberships": memberships})

    company_id = request.POST.get("company", "")
    if not company_id.isdigit() or not memberships.filter(company_id=company_id):
        raise Http404("You are not a member of that company.")
    request.session[SESSION_KEY] = int(company_id)
    return redirect("home")
