"""The {{ project_name }} package."""

import os
from typing import Any, Mapping, Optional

from flask import Flask

__version__ = {{ version | pystr }}


def create_app(test_config: Optional[Mapping[str, Any]] = None) -> Flask:
    """The application factory.

    Settings come from ``config.Config``, then from ``FLASK_*`` environment variables
    (``FLASK_SECRET_KEY``, ``FLASK_SQLALCHEMY_DATABASE_URI``, ...), then from ``test_config``.
    The instance folder (the SQLite database by default) is ``./instance``, or
    ``$INSTANCE_PATH`` when set.
    """
    instance_path = os.path.abspath(os.environ.get("INSTANCE_PATH") or "instance")
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.from_object("{{ package_name }}.config.Config")
    app.config.from_prefixed_env()
    if test_config is not None:
        app.config.from_mapping(test_config)

    from .extensions import db, migrate

    db.init_app(app)
    migrate.init_app(app, db)

    from . import models  # noqa: F401  (registers the tables for Flask-Migrate)
    from .api import bp as api_bp
    from .main import bp as main_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(api_bp, url_prefix="/api")
    return app
