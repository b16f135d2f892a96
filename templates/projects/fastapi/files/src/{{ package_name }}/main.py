"""The application factory. ``uvicorn {{ package_name }}.main:app`` serves ``app``."""

from contextlib import asynccontextmanager
from typing import AsyncIterator, Optional

from fastapi import FastAPI

from . import __version__
from .database import create_tables, make_engine, make_session_factory
from .routers import auth, health, items
from .settings import Settings, get_settings


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    """A new application using ``settings`` (default: read from the environment)."""
    settings = settings if settings is not None else get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await create_tables(app.state.engine)
        yield
        await app.state.engine.dispose()

    app = FastAPI(title=settings.app_name, version=__version__, debug=settings.debug, lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.session_factory = make_session_factory(app.state.engine)
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(items.router)
    return app


app = create_app()


def run() -> None:
    """Console script: serve the application with uvicorn on 127.0.0.1:8000."""
    import uvicorn

    uvicorn.run("{{ package_name }}.main:app", host="127.0.0.1", port=8000)
