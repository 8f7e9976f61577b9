"""Cargo Master actions on pages: Send to Cargo Master, the live reservation panel,
Test connection in the settings window and Check code in the vendor window."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from companies.access import company_view
from companies.roles import Capability
from purchase_orders.models import PurchaseOrder
from vendors.validators import validate_cargo_master_code

from . import connection, services
from .crypto import UnreadableSecret
from .models import CargoMasterSettings, Environment
from .selectors import cargo_master_settings_for


@company_view(Capability.SEND_TO_CARGO_MASTER)
@require_POST
def send_to_cargo_master(request: HttpRequest) -> HttpResponse:
    ids = [value for value in request.POST.getlist("ids") if value.isdigit()]
    owned = list(
        PurchaseOrder.objects.filter(company=request.company, pk__in=ids).values_list(
            "pk", flat=True
        )
    )
    if not owned:
        raise Http404("No purchase order of yours was selected.")

    outcome = services.reservations_request(
        company=request.company, purchase_order_ids=owned
    )
    if outcome.queued:
        messages.success(
            request, f"{len(outcome.queued)} PO(s) queued for Cargo Master."
        )
    for number, reason in sorted(outcome.skipped.items()):
        messages.warning(request, f"PO {number} was not sent: {reason}")
    return redirect(_next_url(request))


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "purchase_orders:list"


@company_view(Capability.VIEW)
@require_GET
def reservation_panel(request: HttpRequest, pk: int) -> HttpResponse:
    purchase_order = get_object_or_404(
        PurchaseOrder.objects.select_related("vendor", "company").prefetch_related(
            "reservations"
        ),
        pk=pk,
        company=request.company,
    )
    return render(
        request, "integrations/reservation_panel.html", {"po": purchase_order}
    )


@company_view(Capability.MANAGE_SETTINGS)
@require_POST
def test_connection(request: HttpRequest) -> HttpResponse:
    """Sign in with what the settings window holds now, saved or not."""
    saved = cargo_master_settings_for(request.company)
    password = request.POST.get("password", "")
    if not password and saved:
        try:
            password = saved.get_password()
        except UnreadableSecret as error:
            verdict = connection.Verdict(ok=False, message=str(error))
            return render(request, "integrations/_verdict.html", {"verdict": verdict})
    fields = {
        "username": request.POST.get("username", "").strip(),
        "importer_code": request.POST.get("importer_code", "").strip(),
        "password": password,
    }
    missing = [name.replace("_", " ") for name, value in fields.items() if not value]
    too_long = _too_long(fields)
    if missing:
        verdict = connection.Verdict(
            ok=False, message=f"Enter the {', '.join(missing)} first."
        )
    elif too_long:
        verdict = connection.Verdict(ok=False, message=too_long)
    else:
        environment = request.POST.get("environment", Environment.SANDBOX)
        base_url = settings.CARGO_MASTER_URLS.get(
            environment, settings.CARGO_MASTER_URLS[Environment.SANDBOX]
        )
        verdict = connection.connection_test(
            company=request.company, base_url=base_url, **fields
        )
    return render(request, "integrations/_verdict.html", {"verdict": verdict})


def _too_long(fields: dict[str, str]) -> str:
    """Why a value cannot be saved in the settings, so Cargo Master need not be
    asked; "" when both fit."""
    for name in ("username", "importer_code"):
        limit = CargoMasterSettings._meta.get_field(name).max_length
        if len(fields[name]) > limit:
            return (
                f"The {name.replace('_', ' ')} is {len(fields[name]):,} characters "
                f"long; it can be at most {limit}."
            )
    return ""


@company_view(Capability.SET_CARGO_MASTER_CODES)
@require_POST
def check_code(request: HttpRequest) -> HttpResponse:
    cargo_master = cargo_master_settings_for(request.company)
    code = request.POST.get("cargo_master_code", "").strip().upper()
    if cargo_master is None:
        verdict = connection.Verdict(
            ok=False, message="Link the company with Cargo Master first."
        )
    elif not code:
        verdict = connection.Verdict(ok=False, message="Enter a Cargo Master code.")
    else:
        verdict = _checked(cargo_master, code)
    return render(request, "integrations/_verdict.html", {"verdict": verdict})


def _checked(cargo_master, code: str) -> connection.Verdict:
    try:
        validate_cargo_master_code(code)
    except ValidationError as error:
        return connection.Verdict(ok=False, message=error.messages[0])
    return connection.vendor_code_check(cargo_master=cargo_master, code=code)
