import json

import pytest
from django.core.management import call_command

from {{ package_name }} import __version__
from {{ package_name }}.items.models import Item

pytestmark = pytest.mark.django_db


def post_json(client, url, data, method="post"):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


def test_health(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__}


def test_crud_round_trip(client):
    created = post_json(client, "/api/items", {"title": "First", "body": "hello"})
    assert created.status_code == 201
    item = created.json()
    assert Item.objects.get(pk=item["id"]).title == "First"
    assert client.get("/api/items").json() == [item]
    assert client.get(f"/api/items/{item['id']}").json() == item
    updated = post_json(client, f"/api/items/{item['id']}", {"title": "Renamed"}, method="patch")
    assert updated.json() == {**item, "title": "Renamed"}
    assert client.delete(f"/api/items/{item['id']}").status_code == 204
    assert client.get(f"/api/items/{item['id']}").status_code == 404


def test_invalid_input_is_a_json_400(client):
    for payload in ({}, {"title": ""}, {"title": "ok", "body": 3}):
        response = post_json(client, "/api/items", payload)
        assert response.status_code == 400
        assert response.json()["error"] == "Bad Request"
    assert Item.objects.count() == 0


def test_home_page_lists_items_escaped(client):
    assert b"No items yet" in client.get("/").content
    Item.objects.create(title="<b>bold</b>")
    assert b"&lt;b&gt;bold&lt;/b&gt;" in client.get("/").content


def test_item_is_in_the_admin(admin_client):
    Item.objects.create(title="Visible")
    response = admin_client.get("/admin/items/item/")
    assert response.status_code == 200
    assert b"Visible" in response.content


def test_no_missing_migrations():
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    except SystemExit:
        pytest.fail("models have changes without a migration: run `python manage.py makemigrations`")
