import pytest

from {{ package_name }} import __version__, greet


def test_greet():
    assert greet("world") == "Hello, world!"


def test_greet_strips_spaces():
    assert greet("  Ada ") == "Hello, Ada!"


@pytest.mark.parametrize("name", ["", "   "])
def test_greet_rejects_empty_names(name):
    with pytest.raises(ValueError):
        greet(name)


def test_version():
    assert __version__ == {{ version | pystr }}
