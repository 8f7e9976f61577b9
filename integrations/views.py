from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from companies.access import company_view
from companies.roles import Capability
from companies.windows import close_window, render_window

from .connection import connection_test
from .crypto import UnreadableSecret
from .forms import CargoMasterSettingsForm
from .models import CargoMasterSettings
from .selectors import cargo_master_settings_for


@company_view(Capability.MANAGE_SETTINGS)
def integrations_index(request: HttpRequest) -> HttpResponse:
    """Setup > Settings > Integrations: the integrations and whether they're linked."""
    context = {"cargo_master": cargo_master_settings_for(request.company)}
    return render(request, "integrations/index.html", context)


@company_view(Capability.MANAGE_SETTINGS)
def cargo_master_settings(request: HttpRequest) -> HttpResponse:
    """The Cargo Master Settings window."""
    instance = cargo_master_settings_for(request.company) or CargoMasterSettings(
        company=request.company
    )
    form = CargoMasterSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, "Cargo Master settings saved.")
        if saved.is_paused:
            _try_to_resume(request, saved)
        return close_window(request, reverse("integrations:index"))

    context = {"form": form, "window_title": "Cargo Master Settings"}
    return render_window(request, "integrations/settings_window.html", context)


def _try_to_resume(request: HttpRequest, saved: CargoMasterSettings) -> None:
    """A paused queue resumes as soon as the saved details sign in."""
    try:
        password = saved.get_password()
    except UnreadableSecret as error:
        messages.warning(request, f"Reservations stay paused: {error}")
        return
    verdict = connection_test(
        company=request.company,
        username=saved.username,
        password=password,
        importer_code=saved.importer_code,
        base_url=saved.base_url,
    )
    if verdict.ok:
        messages.success(request, verdict.message)
    else:
        messages.warning(request, f"Reservations stay paused: {verdict.message}")
