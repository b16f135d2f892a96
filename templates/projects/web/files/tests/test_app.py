import pytest

from {{ package_name }} import __version__
from {{ package_name }}.app import create_app
from {{ package_name }}.config import Settings


@pytest.fixture
def client(tmp_path):
    app = create_app(Settings(database=str(tmp_path / "test.db")))
    app.config["TESTING"] = True
    return app.test_client()


def test_health(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "version": __version__}


def test_crud_round_trip(client):
    created = client.post("/api/items", json={"title": "First", "body": "hello"})
    assert created.status_code == 201
    item = created.get_json()
    assert client.get("/api/items").get_json() == [item]
    assert client.get(f"/api/items/{item['id']}").get_json() == item
    updated = client.patch(f"/api/items/{item['id']}", json={"title": "Renamed"})
    assert updated.get_json() == {**item, "title": "Renamed"}
    assert client.delete(f"/api/items/{item['id']}").status_code == 204
    assert client.get(f"/api/items/{item['id']}").status_code == 404


def test_invalid_input_is_a_json_400(client):
    for payload in ({}, {"title": ""}, {"title": "ok", "body": 3}):
        response = client.post("/api/items", json=payload)
        assert response.status_code == 400
        assert response.get_json()["error"] == "Bad Request"


def test_home_page_lists_items_escaped(client):
    assert b"No items yet" in client.get("/").data
    client.post("/api/items", json={"title": "<b>bold</b>"})
    assert b"&lt;b&gt;bold&lt;/b&gt;" in client.get("/").data
