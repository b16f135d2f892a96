"""The FastAPI application. ``uvicorn {{ package_name }}.api:app`` serves ``app``."""

from typing import List, Optional

from fastapi import FastAPI, HTTPException, Request, Response, status
from pydantic import BaseModel, Field

from . import __version__
from .config import Settings
from .store import ItemStore


class ItemIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    body: str = ""


class ItemPatch(BaseModel):
    title: Optional[str] = Field(default=None, min_length=1, max_length=200)
    body: Optional[str] = None


class Item(BaseModel):
    id: int
    title: str
    body: str


def _store(request: Request) -> ItemStore:
    return request.app.state.store


def _found(item: Optional[dict]) -> dict:
    if item is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Item not found")
    return item


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    """A new application using ``settings`` (default: read from the environment)."""
    settings = settings if settings is not None else Settings.from_env()
    app = FastAPI(title="{{ project_name }}", version=__version__, debug=settings.debug)
    app.state.store = ItemStore(settings.database)

    @app.get("/api/health")
    def health() -> dict:
        return {"status": "ok", "version": __version__}

    @app.get("/api/items", response_model=List[Item])
    def list_items(request: Request) -> list:
        return _store(request).list()

    @app.post("/api/items", response_model=Item, status_code=status.HTTP_201_CREATED)
    def create_item(data: ItemIn, request: Request) -> dict:
        return _store(request).create(data.title, data.body)

    @app.get("/api/items/{item_id}", response_model=Item)
    def get_item(item_id: int, request: Request) -> dict:
        return _found(_store(request).get(item_id))

    @app.patch("/api/items/{item_id}", response_model=Item)
    def update_item(item_id: int, data: ItemPatch, request: Request) -> dict:
        return _found(_store(request).update(item_id, **data.model_dump(exclude_unset=True)))

    @app.delete("/api/items/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
    def delete_item(item_id: int, request: Request) -> Response:
        if not _store(request).delete(item_id):
            raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Item not found")
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return app


app = create_app()


def run() -> None:
    """Console script: serve the application with uvicorn on 127.0.0.1:8000."""
    import uvicorn

    uvicorn.run("{{ package_name }}.api:app", host="127.0.0.1", port=8000)
