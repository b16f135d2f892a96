"""URL configuration: the admin, a health check and the items app."""

from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path

from . import __version__


def health(request):
    return JsonResponse({"status": "ok", "version": __version__})


urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("", include("{{ package_name }}.items.urls")),
]
