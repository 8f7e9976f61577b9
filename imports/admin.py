from django.contrib import admin

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "company",
        "kind",
        "file_name",
        "status",
        "rows_total",
        "created_count",
        "updated_count",
        "refused_count",
        "created_at",
    ]
    list_filter = ["kind", "status"]
    list_select_related = ["company"]
    raw_id_fields = ["company", "created_by", "send_requested_by"]
    readonly_fields = ["errors", "outcomes"]
    exclude = ["purchase_orders"]
    search_fields = ["file_name", "company__code"]
