from pathlib import Path

from {{ package_name }} import clean, load_csv, summarize

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "raw" / "sample.csv"


def test_the_sample_data_summarizes():
    frame = clean(load_csv(SAMPLE))
    summary = summarize(frame, "city", "temperature")
    assert list(summary.index) == ["Lyon", "Paris"]
    assert summary["count"].sum() == len(frame) == 6
