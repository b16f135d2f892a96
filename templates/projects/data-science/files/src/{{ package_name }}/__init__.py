"""The {{ project_name }} package: loading, cleaning, analysing and plotting the data."""

from .analysis import moving_average, summarize
from .data import clean, load_csv

__all__ = ["__version__", "clean", "load_csv", "moving_average", "summarize"]
__version__ = {{ version | pystr }}
