"""Settings read from the environment (prefix ``APP_``) or from a ``.env`` file."""

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Application settings; every field can be set as ``APP_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="APP_", env_file=".env", extra="ignore")

    app_name: str = "{{ project_name }}"
    debug: bool = False
    database_url: str = "sqlite+aiosqlite:///./app.db"
    # Development default only: set APP_SECRET_KEY in production.
    secret_key: str = "development-only-secret-key-change-me-0123456789"
    algorithm: str = "HS256"
    access_token_expire_minutes: int = 30


@lru_cache
def get_settings() -> Settings:
    """The settings of the process, read once."""
    return Settings()
