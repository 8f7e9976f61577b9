from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from companies.access import company_view
from companies.roles import Capability
from companies.windows import close_window, render_window

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
        form.save()
        messages.success(request, "Cargo Master settings saved.")
        return close_window(request, reverse("integrations:index"))

    context = {"form": form, "window_title": "Cargo Master Settings"}
    return render_window(request, "integrations/settings_window.html", context)
