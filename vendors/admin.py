from django.contrib import admin

from companies.admin import COMPANY_FILTER, CompanyScopedAdmin

from .models import Vendor


@admin.register(Vendor)
class VendorAdmin(CompanyScopedAdmin):
    list_display = [
        "code",
        "name",
        "company",
        "country",
        "origin",
        "cargo_master_code",
        "active",
    ]
    list_filter = ["active", "country", "origin", COMPANY_FILTER]
    list_select_related = ["company"]
    search_fields = ["code", "name", "cargo_master_code"]
