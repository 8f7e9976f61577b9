from django.urls import path

from . import web_views

app_name = "api_tokens"
urlpatterns = [
    path("", web_views.token_list, name="list"),
    path("<int:pk>/revoke/", web_views.token_revoke, name="revoke"),
]
