from django.urls import path

from . import views

app_name = "purchase_orders"
urlpatterns = [
    path("", views.purchase_order_list, name="list"),
    path("new/", views.purchase_order_create, name="create"),
    path("send/", views.purchase_orders_send, name="send"),
    path("<int:pk>/", views.purchase_order_detail, name="detail"),
    path("<int:pk>/edit/", views.purchase_order_edit, name="edit"),
    path("<int:pk>/cancel/", views.purchase_order_cancel, name="cancel"),
]
