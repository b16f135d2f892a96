"""Loading and cleaning data."""

from pathlib import Path
from typing import Union

import pandas as pd


def load_csv(path: Union[str, Path]) -> pd.DataFrame:
    """Read a CSV file; a ``date`` column, when there is one, is parsed as dates."""
    frame = pd.read_csv(path)
    if "date" in frame.columns:
        frame["date"] = pd.to_datetime(frame["date"])
    return frame


def clean(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop the rows with a missing value and duplicated rows; the index is renumbered."""
    return frame.dropna().drop_duplicates().reset_index(drop=True)
