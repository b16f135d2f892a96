"""Fixtures: an application on a fresh SQLite file, an async HTTP client, a logged-in user."""

from typing import AsyncIterator, Dict

import httpx
import pytest

from {{ package_name }}.main import create_app
from {{ package_name }}.settings import Settings


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'test.db'}",
        secret_key="test-secret-key-that-is-long-enough-for-hs256",
        _env_file=None,
    )


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    # ASGITransport does not send lifespan events: run the lifespan (tables, engine) here.
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


async def register_and_login(client: httpx.AsyncClient, username: str, password: str) -> Dict[str, str]:
    """Register ``username`` and return the Authorization header of its token."""
    response = await client.post("/auth/register", json={"username": username, "password": password})
    assert response.status_code == 201, response.text
    response = await client.post("/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
async def auth_headers(client: httpx.AsyncClient) -> Dict[str, str]:
    return await register_and_login(client, "alice", "correct-horse-battery")
