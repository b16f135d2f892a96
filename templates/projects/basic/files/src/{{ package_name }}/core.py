"""The package's functions."""


def greet(name: str) -> str:
    """Return a greeting for ``name``.

    Raises ``ValueError`` when ``name`` is empty or only spaces.
    """
    name = name.strip()
    if not name:
        raise ValueError("name must not be empty")
    return f"Hello, {name}!"
