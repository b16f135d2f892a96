from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("api/health", views.health, name="health"),
    path("api/items", views.items, name="items"),
    path("api/items/<int:pk>", views.item, name="item"),
]
