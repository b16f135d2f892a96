import pytest

from .conftest import register_and_login

pytestmark = pytest.mark.anyio


async def test_crud_round_trip(client, auth_headers):
    created = await client.post(
        "/items", json={"title": "First", "description": "the first item"}, headers=auth_headers
    )
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["title"] == "First"

    listed = await client.get("/items")
    assert [i["id"] for i in listed.json()] == [item["id"]]

    fetched = await client.get(f"/items/{item['id']}")
    assert fetched.json() == item

    updated = await client.patch(f"/items/{item['id']}", json={"title": "Renamed"}, headers=auth_headers)
    assert updated.status_code == 200
    assert updated.json()["title"] == "Renamed"
    assert updated.json()["description"] == "the first item"

    deleted = await client.delete(f"/items/{item['id']}", headers=auth_headers)
    assert deleted.status_code == 204
    assert (await client.get(f"/items/{item['id']}")).status_code == 404
    assert (await client.get("/items")).json() == []


async def test_writing_needs_authentication(client):
    response = await client.post("/items", json={"title": "Anonymous"})
    assert response.status_code == 401


async def test_only_the_owner_may_change_an_item(client, auth_headers):
    item = (await client.post("/items", json={"title": "Mine"}, headers=auth_headers)).json()
    other = await register_and_login(client, "mallory", "another-password")
    assert (await client.patch(f"/items/{item['id']}", json={"title": "Yours"}, headers=other)).status_code == 403
    assert (await client.delete(f"/items/{item['id']}", headers=other)).status_code == 403
    assert (await client.get(f"/items/{item['id']}")).json()["title"] == "Mine"


async def test_missing_item_is_404(client, auth_headers):
    assert (await client.get("/items/999")).status_code == 404
    assert (await client.patch("/items/999", json={"title": "x"}, headers=auth_headers)).status_code == 404


async def test_invalid_item_is_422(client, auth_headers):
    response = await client.post("/items", json={"title": ""}, headers=auth_headers)
    assert response.status_code == 422
