import numpy as np
import pandas as pd
import pytest

from {{ package_name }} import moving_average, summarize


def test_summarize_groups_and_sorts():
    frame = pd.DataFrame({"city": ["b", "a", "b"], "t": [1.0, 4.0, 3.0]})
    summary = summarize(frame, "city", "t")
    assert list(summary.index) == ["a", "b"]
    assert summary.loc["b", "count"] == 2
    assert summary.loc["b", "mean"] == 2.0
    assert summary.loc["a", "max"] == 4.0


def test_summarize_rejects_unknown_columns():
    with pytest.raises(KeyError):
        summarize(pd.DataFrame({"a": [1]}), "a", "missing")


def test_moving_average():
    np.testing.assert_allclose(moving_average([1, 2, 3, 4], 2), [1.5, 2.5, 3.5])


@pytest.mark.parametrize("window", [0, 5])
def test_moving_average_rejects_bad_windows(window):
    with pytest.raises(ValueError):
        moving_average([1, 2, 3, 4], window)
