import pytest

from .conftest import register_and_login

pytestmark = pytest.mark.anyio


async def test_login_returns_a_token_that_identifies_the_user(client, auth_headers):
    response = await client.get("/auth/me", headers=auth_headers)
    assert response.status_code == 200
    assert response.json()["username"] == "alice"


async def test_wrong_password_is_refused(client, auth_headers):
    response = await client.post("/auth/token", data={"username": "alice", "password": "wrong-password"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_unknown_user_is_refused(client):
    response = await client.post("/auth/token", data={"username": "nobody", "password": "whatever-123"})
    assert response.status_code == 401


async def test_duplicate_username_is_a_conflict(client, auth_headers):
    response = await client.post("/auth/register", json={"username": "alice", "password": "another-password"})
    assert response.status_code == 409


async def test_short_password_is_rejected(client):
    response = await client.post("/auth/register", json={"username": "bob", "password": "short"})
    assert response.status_code == 422


async def test_me_needs_a_valid_token(client):
    assert (await client.get("/auth/me")).status_code == 401
    bad = {"Authorization": "Bearer not-a-token"}
    assert (await client.get("/auth/me", headers=bad)).status_code == 401


async def test_password_is_stored_hashed(client):
    headers = await register_and_login(client, "carol", "a-secret-password")
    assert (await client.get("/auth/me", headers=headers)).json()["username"] == "carol"
    from sqlalchemy import select

    from {{ package_name }}.models import User

    app = client._transport.app
    async with app.state.session_factory() as session:
        user = await session.scalar(select(User).where(User.username == "carol"))
    assert user is not None
    assert user.hashed_password != "a-secret-password"
    assert user.hashed_password.startswith("$argon2")
