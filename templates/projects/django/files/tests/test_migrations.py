import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migrations():
    """Fails when a model changed without `python manage.py makemigrations`."""
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    except SystemExit:
        pytest.fail("models have changes without a migration: run `python manage.py makemigrations`")


def test_settings_come_from_the_environment(monkeypatch):
    import importlib

    import {{ package_name }}.settings as settings

    monkeypatch.setenv("DJANGO_DEBUG", "true")
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "example.com, api.example.com")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "from-the-environment")
    try:
        reloaded = importlib.reload(settings)
        assert reloaded.DEBUG is True
        assert reloaded.ALLOWED_HOSTS == ["example.com", "api.example.com"]
        assert reloaded.SECRET_KEY == "from-the-environment"
    finally:
        monkeypatch.undo()
        importlib.reload(settings)
