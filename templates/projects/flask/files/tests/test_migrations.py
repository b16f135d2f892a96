"""The migrations build the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from {{ package_name }}.extensions import db


def test_migrations_create_the_tables(app):
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert {"items", "alembic_version"} <= tables


def test_models_and_migrations_agree(app):
    """Fails when a model changed without `flask db migrate`."""
    with app.app_context(), db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == [], f"run `flask db migrate`: the models differ from the migrations: {diff}"


def test_downgrade_then_upgrade(app):
    from flask_migrate import downgrade, upgrade

    from .conftest import MIGRATIONS

    with app.app_context():
        downgrade(directory=str(MIGRATIONS), revision="base")
        assert "items" not in inspect(db.engine).get_table_names()
        upgrade(directory=str(MIGRATIONS))
        assert "items" in inspect(db.engine).get_table_names()
