"""The {{ project_name }} package."""

from .core import greet

__all__ = ["__version__", "greet"]
__version__ = {{ version | pystr }}
