from flask import current_app, render_template, request

from ..extensions import db
from ..models import Item
from . import bp


@bp.get("/")
def index():
    page = request.args.get("page", 1, type=int)
    pagination = db.paginate(
        db.select(Item).order_by(Item.created_at.desc(), Item.id.desc()),
        page=page,
        per_page=current_app.config["ITEMS_PER_PAGE"],
        error_out=False,
    )
    return render_template("index.html", pagination=pagination)


@bp.get("/items/<int:item_id>")
def item_detail(item_id: int):
    item = db.get_or_404(Item, item_id)
    return render_template("items/detail.html", item=item)
