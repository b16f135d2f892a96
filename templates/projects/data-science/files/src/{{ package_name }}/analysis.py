"""Statistics over the data."""

import numpy as np
import pandas as pd


def summarize(frame: pd.DataFrame, by: str, column: str) -> pd.DataFrame:
    """Count, mean, min and max of ``column`` for each value of ``by``, sorted by ``by``."""
    if column not in frame.columns or by not in frame.columns:
        raise KeyError(f"unknown column: {column if column not in frame.columns else by}")
    return frame.groupby(by)[column].agg(["count", "mean", "min", "max"]).sort_index()


def moving_average(values, window: int) -> np.ndarray:
    """The mean of each run of ``window`` consecutive values (``len(values) - window + 1`` of them)."""
    if window < 1:
        raise ValueError("window must be at least 1")
    data = np.asarray(values, dtype=float)
    if window > data.size:
        raise ValueError("window is longer than the data")
    kernel = np.ones(window) / window
    return np.convolve(data, kernel, mode="valid")
