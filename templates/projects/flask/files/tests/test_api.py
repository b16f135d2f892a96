from {{ package_name }} import __version__


def test_health(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "version": __version__}


def test_crud_round_trip(client):
    created = client.post("/api/items", json={"title": "First", "body": "hello"})
    assert created.status_code == 201
    item = created.get_json()
    assert item["title"] == "First" and item["body"] == "hello"

    assert client.get("/api/items").get_json() == [item]
    assert client.get(f"/api/items/{item['id']}").get_json() == item

    updated = client.patch(f"/api/items/{item['id']}", json={"title": "Renamed"})
    assert updated.status_code == 200
    assert updated.get_json()["title"] == "Renamed"
    assert updated.get_json()["body"] == "hello"

    assert client.delete(f"/api/items/{item['id']}").status_code == 204
    assert client.get(f"/api/items/{item['id']}").status_code == 404
    assert client.get("/api/items").get_json() == []


def test_invalid_input_is_a_json_400(client):
    for payload in ({}, {"title": ""}, {"title": 3}, {"title": "ok", "body": 5}):
        response = client.post("/api/items", json=payload)
        assert response.status_code == 400, payload
        assert response.get_json()["error"] == "Bad Request"
    response = client.post("/api/items", data="not json", content_type="text/plain")
    assert response.status_code == 400


def test_missing_item_is_a_json_404(client):
    response = client.get("/api/items/999")
    assert response.status_code == 404
    assert response.get_json()["error"] == "Not Found"
