"""The {{ project_name }} package."""

__version__ = {{ version | pystr }}
