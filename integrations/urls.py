from django.urls import path

from . import action_views, label_views, views

app_name = "integrations"
urlpatterns = [
    path("", views.integrations_index, name="index"),
    path("cargo-master/", views.cargo_master_settings, name="cargo_master_settings"),
    path(
        "cargo-master/test-connection/",
        action_views.test_connection,
        name="test_connection",
    ),
    path("cargo-master/check-code/", action_views.check_code, name="check_code"),
    path(
        "cargo-master/send/",
        action_views.send_to_cargo_master,
        name="send_to_cargo_master",
    ),
    path(
        "cargo-master/purchase-orders/<int:pk>/reservation/",
        action_views.reservation_panel,
        name="reservation_panel",
    ),
    path("cargo-master/labels/", label_views.labels, name="labels"),
]
