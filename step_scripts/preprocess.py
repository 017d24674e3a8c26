"""SageMaker Processing script: split raw CSV data for the built-in XGBoost algorithm.

Container: sagemaker-scikit-learn:1.2-1-cpu-py3 (scikit-learn, pandas, numpy).

Inputs
  /opt/ml/processing/input/*.csv       raw data: header row, feature columns and
                                       a label column (``--target-column``, default
                                       "target"; 1 = benign, 0 = malignant)
Outputs
  /opt/ml/processing/train/train.csv            \
  /opt/ml/processing/validation/validation.csv   > CSV, NO header, label FIRST
  /opt/ml/processing/test/test.csv              /

The split is stratified on the label and reproducible (``--random-state``).
The test set gets whatever the train and validation ratios leave over.
With ``--standardize`` the features are scaled with a StandardScaler fitted
on the training split only (tree models such as XGBoost do not need it).

Every directory can be overridden (``--base-dir`` moves them all at once),
which is how the tests run this script outside a container.
"""

import argparse
import glob
import os
import sys

import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def parse_args():
    parser = argparse.ArgumentParser(description="Split raw CSV data into train/validation/test.")
    parser.add_argument("--base-dir", default="/opt/ml/processing",
                        help="Processing container root (default: %(default)s).")
    parser.add_argument("--input-dir", help="Raw CSV directory (default: <base-dir>/input).")
    parser.add_argument("--train-dir", help="Default: <base-dir>/train.")
    parser.add_argument("--validation-dir", help="Default: <base-dir>/validation.")
    parser.add_argument("--test-dir", help="Default: <base-dir>/test.")
    parser.add_argument("--target-column", default="target")
    parser.add_argument("--train-ratio", type=float, default=0.7)
    parser.add_argument("--validation-ratio", type=float, default=0.15)
    parser.add_argument("--random-state", type=int, default=42)
    parser.add_argument("--standardize", action="store_true",
                        help="Standardize features (scaler fitted on the train split only).")
    args = parser.parse_args()

    args.input_dir = args.input_dir or os.path.join(args.base_dir, "input")
    args.train_dir = args.train_dir or os.path.join(args.base_dir, "train")
    args.validation_dir = args.validation_dir or os.path.join(args.base_dir, "validation")
    args.test_dir = args.test_dir or os.path.join(args.base_dir, "test")

    if not 0 < args.train_ratio < 1 or not 0 < args.validation_ratio < 1:
        parser.error("--train-ratio and --validation-ratio must be between 0 and 1")
    if args.train_ratio + args.validation_ratio >= 1:
        parser.error("--train-ratio + --validation-ratio must be < 1 (the rest is the test set)")
    return args


def read_raw_data(input_dir, target_column):
    files = sorted(glob.glob(os.path.join(input_dir, "**", "*.csv"), recursive=True))
    if not files:
        sys.exit("ERROR: no *.csv files found in {}".format(input_dir))
    print("Reading {} file(s): {}".format(len(files), ", ".join(files)))

    df = pd.concat([pd.read_csv(path) for path in files], ignore_index=True)
    if target_column not in df.columns:
        sys.exit("ERROR: label column '{}' not found; columns are: {}".format(
            target_column, ", ".join(map(str, df.columns))))

    # Drop rows without a label; the built-in XGBoost algorithm needs one per row.
    df = df.dropna(subset=[target_column])
    df[target_column] = df[target_column].astype(int)
    return df


def write_split(df, target_column, directory, name):
    """Write ``df`` as <directory>/<name>.csv: no header, label in the first column."""
    os.makedirs(directory, exist_ok=True)
    columns = [target_column] + [c for c in df.columns if c != target_column]
    path = os.path.join(directory, name + ".csv")
    df[columns].to_csv(path, header=False, index=False)
    return path


def main():
    args = parse_args()
    df = read_raw_data(args.input_dir, args.target_column)
    y = df[args.target_column]

    # Two stratified splits: train vs. rest, then rest -> validation vs. test.
    rest_ratio = 1.0 - args.train_ratio
    train, rest = train_test_split(
        df, test_size=rest_ratio, stratify=y, random_state=args.random_state)
    validation, test = train_test_split(
        rest,
        train_size=args.validation_ratio / rest_ratio,
        stratify=rest[args.target_column],
        random_state=args.random_state,
    )

    if args.standardize:
        features = [c for c in df.columns if c != args.target_column]
        scaler = StandardScaler().fit(train[features])
        train, validation, test = (train.copy(), validation.copy(), test.copy())
        for split in (train, validation, test):
            split[features] = scaler.transform(split[features])

    print("Split {} rows (random_state={}, standardize={}):".format(
        len(df), args.random_state, args.standardize))
    for split, directory, name in (
        (train, args.train_dir, "train"),
        (validation, args.validation_dir, "validation"),
        (test, args.test_dir, "test"),
    ):
        path = write_split(split, args.target_column, directory, name)
        print("  {:<10} {:>6} rows  positive rate {:.3f}  -> {}".format(
            name, len(split), split[args.target_column].mean(), path))


if __name__ == "__main__":
    main()
