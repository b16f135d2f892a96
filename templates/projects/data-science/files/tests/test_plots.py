import pandas as pd

from {{ package_name }}.plots import line_plot


def test_line_plot_draws_one_line_per_group(tmp_path):
    frame = pd.DataFrame(
        {
            "day": [1, 2, 1, 2],
            "value": [1.0, 2.0, 3.0, 4.0],
            "city": ["a", "a", "b", "b"],
        }
    )
    figure = line_plot(frame, "day", "value", "city")
    axes = figure.axes[0]
    assert len(axes.get_lines()) == 2
    assert axes.get_ylabel() == "value"
    figure.savefig(tmp_path / "plot.png")
    assert (tmp_path / "plot.png").stat().st_size > 0
