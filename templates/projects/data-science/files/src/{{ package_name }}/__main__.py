"""`python -m {{ package_name }} FILE.csv [--by COLUMN] [--column COLUMN]`: a summary of a CSV file."""

import argparse

from .analysis import summarize
from .data import clean, load_csv


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m {{ package_name }}", description=__doc__)
    parser.add_argument("file", help="CSV file to summarize")
    parser.add_argument("--by", default="city", help="column to group by (default: city)")
    parser.add_argument("--column", default="temperature", help="column to summarize")
    parser.add_argument("--output", help="write the cleaned data to this CSV file")
    args = parser.parse_args()
    frame = clean(load_csv(args.file))
    if args.output:
        frame.to_csv(args.output, index=False)
    print(summarize(frame, args.by, args.column).to_string())


main()
