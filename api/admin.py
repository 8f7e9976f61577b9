from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: tokens are created and revoked on the Tokens page, where the key
    is shown once; the admin never sees a key."""

    list_display = ["name", "company", "prefix", "created_at", "last_used_at"]
    list_filter = ["company"]
    list_select_related = ["company"]
    search_fields = ["name", "prefix"]
    readonly_fields = [
        "company",
        "name",
        "prefix",
        "scopes",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    exclude = ["key_digest"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
