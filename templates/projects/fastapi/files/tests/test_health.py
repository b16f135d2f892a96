import pytest

from {{ package_name }} import __version__

pytestmark = pytest.mark.anyio


async def test_health_reports_ok_and_version(client):
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__, "database": "ok"}


async def test_openapi_documents_every_router(client):
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/health", "/auth/register", "/auth/token", "/auth/me", "/items", "/items/{item_id}"):
        assert path in paths
