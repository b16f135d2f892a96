from {{ package_name }}.config import Settings
from {{ package_name }}.store import ItemStore


def test_store_crud(tmp_path):
    store = ItemStore(str(tmp_path / "items.db"))
    assert store.list() == []
    item = store.create("First", "hello")
    assert store.get(item["id"]) == item
    assert store.update(item["id"], title="Renamed")["title"] == "Renamed"
    assert store.get(item["id"])["body"] == "hello"
    assert store.delete(item["id"]) is True
    assert store.delete(item["id"]) is False
    assert store.get(item["id"]) is None


def test_store_persists_between_instances(tmp_path):
    path = str(tmp_path / "items.db")
    ItemStore(path).create("kept")
    assert [item["title"] for item in ItemStore(path).list()] == ["kept"]


def test_settings_from_the_environment():
    assert Settings.from_env({}) == Settings(database="app.db", debug=False)
    settings = Settings.from_env({"APP_DATABASE": "/data/x.db", "APP_DEBUG": "true"})
    assert settings == Settings(database="/data/x.db", debug=True)
