import pandas as pd

from {{ package_name }} import clean, load_csv


def test_load_csv_parses_dates(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("date,value\n2024-01-02,1.5\n2024-01-03,2.5\n")
    frame = load_csv(path)
    assert list(frame.columns) == ["date", "value"]
    assert pd.api.types.is_datetime64_any_dtype(frame["date"])
    assert frame["value"].sum() == 4.0


def test_clean_drops_missing_values_and_duplicates():
    frame = pd.DataFrame({"a": [1, 1, None, 3], "b": ["x", "x", "y", "z"]})
    cleaned = clean(frame)
    assert cleaned.to_dict("list") == {"a": [1.0, 3.0], "b": ["x", "z"]}
    assert list(cleaned.index) == [0, 1]
