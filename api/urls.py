from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("vendors", views.VendorViewSet, basename="vendor")
router.register("box-types", views.BoxTypeViewSet, basename="box-type")
router.register("products", views.ProductViewSet, basename="product")
router.register(
    "purchase-orders", views.PurchaseOrderViewSet, basename="purchase-order"
)
router.register("reservations", views.ReservationViewSet, basename="reservation")

app_name = "api"
urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Any other address under /api/ (an id that is not a number, say) answers
    # with the API's error shape, not the site's HTML 404 page.
    re_path(r"^[\s\S]*$", views.not_found, name="not_found"),
]
