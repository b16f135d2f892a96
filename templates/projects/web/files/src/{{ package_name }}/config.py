"""Settings from environment variables (``APP_*``)."""

import os
from dataclasses import dataclass
from typing import Mapping, Optional


def _bool(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    database: str = "app.db"
    debug: bool = False

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "Settings":
        """``APP_DATABASE`` (SQLite file) and ``APP_DEBUG`` (true/false), with the defaults above."""
        env = os.environ if environ is None else environ
        return cls(
            database=env.get("APP_DATABASE", cls.database),
            debug=_bool(env.get("APP_DEBUG", "false")),
        )
