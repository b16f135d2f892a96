"""Default settings. Every key can be overridden by a ``FLASK_<KEY>`` environment variable."""


class Config:
    # Development default only: set FLASK_SECRET_KEY in production.
    SECRET_KEY = "development-only-secret-key-change-me"
    # A relative SQLite path lives in the instance/ folder.
    SQLALCHEMY_DATABASE_URI = "sqlite:///app.db"
    ITEMS_PER_PAGE = 20
