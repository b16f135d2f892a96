import httpx
import pytest

from {{ package_name }} import __version__
from {{ package_name }}.api import create_app
from {{ package_name }}.config import Settings

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
async def client(tmp_path):
    app = create_app(Settings(database=str(tmp_path / "test.db")))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_health(client):
    response = await client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__}


async def test_crud_round_trip(client):
    created = await client.post("/api/items", json={"title": "First", "body": "hello"})
    assert created.status_code == 201
    item = created.json()
    assert (await client.get("/api/items")).json() == [item]
    assert (await client.get(f"/api/items/{item['id']}")).json() == item
    updated = await client.patch(f"/api/items/{item['id']}", json={"title": "Renamed"})
    assert updated.json() == {**item, "title": "Renamed"}
    assert (await client.delete(f"/api/items/{item['id']}")).status_code == 204
    assert (await client.get(f"/api/items/{item['id']}")).status_code == 404
    assert (await client.delete(f"/api/items/{item['id']}")).status_code == 404


async def test_invalid_input_is_422(client):
    assert (await client.post("/api/items", json={"title": ""})).status_code == 422
    assert (await client.post("/api/items", json={})).status_code == 422


async def test_openapi_documents_the_api(client):
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert "/api/items" in paths and "/api/items/{item_id}" in paths
