import pytest
from django.contrib import admin
from django.urls import reverse

from {{ package_name }}.items.models import Item

pytestmark = pytest.mark.django_db


def test_item_is_registered_in_the_admin():
    assert admin.site.is_registered(Item)


def test_admin_changelist_and_search(admin_client):
    Item.objects.create(title="Findable")
    Item.objects.create(title="Other")
    url = reverse("admin:items_item_changelist")
    response = admin_client.get(url, {"q": "Findable"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_admin_adds_an_item(admin_client):
    response = admin_client.post(reverse("admin:items_item_add"), {"title": "From admin", "body": ""})
    assert response.status_code == 302
    assert Item.objects.filter(title="From admin").exists()


def test_admin_needs_a_login(client):
    response = client.get(reverse("admin:items_item_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
