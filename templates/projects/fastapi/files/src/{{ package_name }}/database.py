"""Async SQLAlchemy 2 engine, session factory and declarative base."""

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Base class of every table."""


def make_engine(url: str) -> AsyncEngine:
    """An async engine for ``url`` (for example ``sqlite+aiosqlite:///./app.db``)."""
    return create_async_engine(url)


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker:
    """Sessions bound to ``engine``; objects stay usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


async def create_tables(engine: AsyncEngine) -> None:
    """Create the tables that do not exist yet."""
    from . import models  # noqa: F401  (registers the tables on Base.metadata)

    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
