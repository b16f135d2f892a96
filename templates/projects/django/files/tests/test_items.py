import pytest
from django.urls import reverse

from {{ package_name }} import __version__
from {{ package_name }}.items.models import Item

pytestmark = pytest.mark.django_db


def test_health(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__}


def test_model_str_and_url():
    item = Item.objects.create(title="First", body="hello")
    assert str(item) == "First"
    assert item.get_absolute_url() == f"/items/{item.pk}/"


def test_list_page_is_empty_at_first(client):
    response = client.get(reverse("items:list"))
    assert response.status_code == 200
    assert b"No items yet" in response.content


def test_list_page_shows_items_newest_first_escaped(client):
    Item.objects.create(title="older")
    Item.objects.create(title="<newer & escaped>")
    page = client.get(reverse("items:list")).content.decode()
    assert "&lt;newer &amp; escaped&gt;" in page
    assert page.index("&lt;newer") < page.index("older")


def test_list_page_paginates(client):
    Item.objects.bulk_create([Item(title=f"item {n}") for n in range(25)])
    first = client.get(reverse("items:list"))
    assert len(first.context["item_list"]) == 20
    second = client.get(reverse("items:list") + "?page=2")
    assert len(second.context["item_list"]) == 5


def test_detail_page(client):
    item = Item.objects.create(title="Detail", body="line one\nline two")
    response = client.get(item.get_absolute_url())
    assert response.status_code == 200
    assert "line one<br>line two" in response.content.decode()
    assert client.get(reverse("items:detail", args=[item.pk + 1000])).status_code == 404


def test_json_api(client):
    item = Item.objects.create(title="Api", body="json")
    listed = client.get(reverse("items:api-list")).json()
    assert [entry["id"] for entry in listed] == [item.pk]
    detail = client.get(reverse("items:api-detail", args=[item.pk])).json()
    assert detail["title"] == "Api" and detail["body"] == "json"
    assert client.get(reverse("items:api-detail", args=[item.pk + 1000])).status_code == 404
    assert client.post(reverse("items:api-list")).status_code == 405
