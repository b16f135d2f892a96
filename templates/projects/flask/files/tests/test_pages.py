from {{ package_name }}.extensions import db
from {{ package_name }}.models import Item


def test_index_without_items(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"No items yet" in response.data


def test_index_lists_items_and_links_to_them(app, client):
    with app.app_context():
        db.session.add(Item(title="<Tea & biscuits>", body="Escaped by Jinja2"))
        db.session.commit()
        item_id = db.session.scalars(db.select(Item.id)).one()
    page = client.get("/").get_data(as_text=True)
    assert "&lt;Tea &amp; biscuits&gt;" in page
    assert f'href="/items/{item_id}"' in page
    detail = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert "Escaped by Jinja2" in detail
    assert "style.css" in detail


def test_pagination(app, client):
    app.config["ITEMS_PER_PAGE"] = 2
    with app.app_context():
        db.session.add_all([Item(title=f"item {n}") for n in range(3)])
        db.session.commit()
    first = client.get("/").get_data(as_text=True)
    assert first.count("<li>") == 2 and "Older" in first
    second = client.get("/?page=2").get_data(as_text=True)
    assert second.count("<li>") == 1 and "Newer" in second


def test_unknown_item_page_is_404(client):
    assert client.get("/items/12345").status_code == 404
