from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from companies.access import company_view
from companies.roles import Capability, role_can
from companies.windows import close_window, render_window

from .forms import VendorForm
from .models import Vendor

PAGE_SIZE = 50


@company_view(Capability.VIEW)
def vendor_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    vendors = Vendor.objects.for_company(request.company)
    if query:
        vendors = vendors.filter(
            Q(code__icontains=query)
            | Q(name__icontains=query)
            | Q(cargo_master_code__icontains=query)
        )
    page = Paginator(vendors, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "vendors/list.html", {"page": page, "query": query})


@company_view(Capability.MANAGE_VENDORS)
def vendor_create(request: HttpRequest) -> HttpResponse:
    return _vendor_window(request, Vendor())


@company_view(Capability.MANAGE_VENDORS)
def vendor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    vendor = get_object_or_404(Vendor, pk=pk, company=request.company)
    return _vendor_window(request, vendor)


def _vendor_window(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    """The Vendor Information window: a dialog under htmx, a full page without JS."""
    form = VendorForm(
        request.POST or None,
        instance=vendor,
        company=request.company,
        can_set_cargo_master_code=role_can(
            request.membership.role, Capability.SET_CARGO_MASTER_CODES
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                saved = form.save()
        except IntegrityError:
            # Another user saved the same code between our check and our insert.
            form.add_error(
                "code",
                f"A vendor with code {form.cleaned_data['code']} already exists.",
            )
        else:
            messages.success(request, f"Vendor {saved.name} ({saved.code}) saved.")
            return close_window(request, reverse("vendors:list"))

    context = {"form": form, "vendor": vendor, "window_title": "Vendor Information"}
    return render_window(request, "vendors/window.html", context)
