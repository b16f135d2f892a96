from typing import Any, Dict, Tuple

from flask import abort, jsonify, request

from .. import __version__
from ..extensions import db
from ..models import Item
from . import bp


def _payload(partial: bool) -> Dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, description="Expected a JSON object")
    if "title" in data or not partial:
        title = data.get("title")
        if not isinstance(title, str) or not title.strip() or len(title) > 200:
            abort(400, description="title: a non-empty string of at most 200 characters")
    if "body" in data and data["body"] is not None and not isinstance(data["body"], str):
        abort(400, description="body: a string or null")
    return {k: data[k] for k in ("title", "body") if k in data}


@bp.errorhandler(400)
@bp.errorhandler(404)
def json_error(error) -> Tuple[Any, int]:
    return jsonify(error=error.name, message=error.description), error.code


@bp.get("/health")
def health():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok", "version": __version__}


@bp.get("/items")
def list_items():
    items = db.session.scalars(db.select(Item).order_by(Item.id)).all()
    return jsonify([item.to_dict() for item in items])


@bp.post("/items")
def create_item():
    item = Item(**_payload(partial=False))
    db.session.add(item)
    db.session.commit()
    return item.to_dict(), 201


@bp.get("/items/<int:item_id>")
def get_item(item_id: int):
    return db.get_or_404(Item, item_id).to_dict()


@bp.patch("/items/<int:item_id>")
def update_item(item_id: int):
    item = db.get_or_404(Item, item_id)
    for key, value in _payload(partial=True).items():
        setattr(item, key, value)
    db.session.commit()
    return item.to_dict()


@bp.delete("/items/<int:item_id>")
def delete_item(item_id: int):
    item = db.get_or_404(Item, item_id)
    db.session.delete(item)
    db.session.commit()
    return "", 204
