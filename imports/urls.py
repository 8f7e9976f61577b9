from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("<slug:kind>/new/", views.import_new, name="new"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/progress/", views.import_progress, name="progress"),
    path("<int:pk>/results/", views.import_results, name="results"),
    path("<int:pk>/send/", views.import_send, name="send"),
]
