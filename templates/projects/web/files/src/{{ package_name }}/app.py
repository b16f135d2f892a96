"""The Flask application: ``flask --app {{ package_name }}.app run``."""

from typing import Any, Dict, Optional

from flask import Blueprint, Flask, abort, current_app, jsonify, render_template, request

from . import __version__
from .config import Settings
from .store import ItemStore

api = Blueprint("api", __name__, url_prefix="/api")
pages = Blueprint("pages", __name__)


def _store() -> ItemStore:
    return current_app.extensions["item_store"]


def _payload(partial: bool) -> Dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, description="Expected a JSON object")
    if "title" in data or not partial:
        title = data.get("title")
        if not isinstance(title, str) or not title.strip() or len(title) > 200:
            abort(400, description="title: a non-empty string of at most 200 characters")
    if "body" in data and not isinstance(data["body"], str):
        abort(400, description="body: a string")
    return {k: data[k] for k in ("title", "body") if k in data}


@api.errorhandler(400)
@api.errorhandler(404)
def json_error(error):
    return jsonify(error=error.name, message=error.description), error.code


@api.get("/health")
def health():
    return {"status": "ok", "version": __version__}


@api.get("/items")
def list_items():
    return jsonify(_store().list())


@api.post("/items")
def create_item():
    data = _payload(partial=False)
    return _store().create(data["title"], data.get("body", "")), 201


@api.get("/items/<int:item_id>")
def get_item(item_id: int):
    return _store().get(item_id) or abort(404, description="Item not found")


@api.patch("/items/<int:item_id>")
def update_item(item_id: int):
    return _store().update(item_id, **_payload(partial=True)) or abort(404, description="Item not found")


@api.delete("/items/<int:item_id>")
def delete_item(item_id: int):
    if not _store().delete(item_id):
        abort(404, description="Item not found")
    return "", 204


@pages.get("/")
def index():
    return render_template("index.html", items=_store().list())


def create_app(settings: Optional[Settings] = None) -> Flask:
    """A new application using ``settings`` (default: read from the environment)."""
    settings = settings if settings is not None else Settings.from_env()
    app = Flask(__name__)
    app.config["DEBUG"] = settings.debug
    app.extensions["item_store"] = ItemStore(settings.database)
    app.register_blueprint(api)
    app.register_blueprint(pages)
    return app
