"""Figures (matplotlib). They are returned, not shown: save them, or let a notebook display them."""

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure


def line_plot(frame: pd.DataFrame, x: str, y: str, by: str) -> Figure:
    """One line of ``y`` against ``x`` for each value of ``by``."""
    figure, axes = plt.subplots(figsize=(8, 4))
    for key, group in frame.groupby(by):
        axes.plot(group[x], group[y], marker="o", label=str(key))
    axes.set_xlabel(x)
    axes.set_ylabel(y)
    axes.legend(title=by)
    figure.autofmt_xdate()
    return figure
