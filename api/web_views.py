"""Setup > Settings > Integrations > Tokens: administrators create and revoke the
company's API tokens."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from companies.access import company_view
from companies.roles import Capability

from . import services
from .forms import ApiTokenForm
from .models import ApiToken

# The new key waits in the (server-side) session for the one page that shows it,
# so a refresh of that page re-sends nothing and shows it no more.
ISSUED_SESSION_KEY = "api_token_issued"


@company_view(Capability.MANAGE_SETTINGS)
def token_list(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        issued = services.api_token_create(
            company=request.company,
            name=form.cleaned_data["name"],
            scopes=form.scopes(),
            created_by=request.user,
        )
        request.session[ISSUED_SESSION_KEY] = {
            "company": request.company.pk,
            "name": issued.token.name,
            "key": issued.key,
        }
        return redirect("api_tokens:list")

    # Shown only on the page of the company the token belongs to.
    issued = request.session.get(ISSUED_SESSION_KEY)
    if issued is not None and issued["company"] == request.company.pk:
        del request.session[ISSUED_SESSION_KEY]
    else:
        issued = None
    context = {
        "form": form,
        "issued": issued,
        "tokens": ApiToken.objects.for_company(request.company).select_related(
            "created_by", "revoked_by"
        ),
    }
    response = render(request, "api/tokens.html", context)
    if issued is not None:
        response["Cache-Control"] = "no-store"
    return response


@company_view(Capability.MANAGE_SETTINGS)
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, company=request.company)
    if services.api_token_revoke(token=token, revoked_by=request.user):
        messages.success(request, f"Token {token.name} revoked; it no longer works.")
    else:
        messages.warning(request, f"Token {token.name} was already revoked.")
    return redirect("api_tokens:list")
