from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from companies import views as company_views

urlpatterns = [
    path("", company_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("company/", company_views.company_select, name="company_select"),
    path("setup/vendors/", include("vendors.urls")),
    path("setup/settings/integrations/tokens/", include("api.web_urls")),
    path("setup/settings/integrations/", include("integrations.urls")),
    path("purchase-orders/", include("purchase_orders.urls")),
    path("imports/", include("imports.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Komet Cargo operations"
admin.site.site_title = "Komet Cargo"
