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
Large inputs: features are read as float32 (the precision XGBoost trains with)
in chunks, and the splits are taken by row index and written in chunks, so the
script's memory peaks at about 3x the raw CSV's size, not 5-6x.
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

import numpy as np
import pandas as pd

CHUNK_ROWS = 100_000


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

    frames = [_read_csv(path) for path in files]
    df = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    del frames
    if target_column not in df.columns:
        sys.exit("ERROR: label column '{}' not found; columns are: {}".format(
            target_column, ", ".join(map(str, df.columns))))

    # Drop rows without a label; the built-in XGBoost algorithm needs one per row.
    df = df.dropna(subset=[target_column])
    df[target_column] = df[target_column].astype(int)
    return df


def _read_csv(path):
    """Numeric columns as float32, read in chunks; a file with text columns is read as it is."""
    try:
        chunks = list(pd.read_csv(path, dtype=np.float32, chunksize=CHUNK_ROWS))
    except ValueError:
        return pd.read_csv(path)
    return chunks[0] if len(chunks) == 1 else pd.concat(chunks, ignore_index=True)


def write_split(df, target_column, directory, name, rows=None, transform=None):
    """Write ``df`` (its ``rows``, by position) as <directory>/<name>.csv: no header, label in the
    first column; ``transform`` is applied to each chunk of rows."""
    os.makedirs(directory, exist_ok=True)
    columns = [target_column] + [c for c in df.columns if c != target_column]
    path = os.path.join(directory, name + ".csv")
    rows = np.arange(len(df)) if rows is None else rows
    with open(path, "w", newline="") as f:
        for start in range(0, len(rows), CHUNK_ROWS):
            chunk = df.iloc[rows[start:start + CHUNK_ROWS]]
            (transform(chunk) if transform else chunk).to_csv(f, columns=columns, header=False, index=False)
    return path


def main():
    args = parse_args()
    df = read_raw_data(args.input_dir, args.target_column)
    # imported after the read: the parser's buffers are freed by then, so the two do not add up
    from sklearn.model_selection import train_test_split

    y = df[args.target_column].to_numpy()

    # split row indices (the same rows as splitting the frame itself), then copy one split at a time
    rest_ratio = 1.0 - args.train_ratio
    train_idx, rest_idx = train_test_split(
        np.arange(len(df)), test_size=rest_ratio, stratify=y, random_state=args.random_state)
    validation_idx, test_idx = train_test_split(
        rest_idx,
        train_size=args.validation_ratio / rest_ratio,
        stratify=y[rest_idx],
        random_state=args.random_state,
    )

    features = [c for c in df.columns if c != args.target_column]
    scaler = None
    if args.standardize:
        from sklearn.preprocessing import StandardScaler

        scaler = StandardScaler().fit(df.iloc[train_idx][features])

    def transform(chunk):
        if scaler is None:
            return chunk
        chunk = chunk.copy()
        chunk[features] = scaler.transform(chunk[features])
        return chunk

    print("Split {} rows (random_state={}, standardize={}):".format(
        len(df), args.random_state, args.standardize))
    for idx, directory, name in (
        (train_idx, args.train_dir, "train"),
        (validation_idx, args.validation_dir, "validation"),
        (test_idx, args.test_dir, "test"),
    ):
        path = write_split(df, args.target_column, directory, name, idx, transform)
        print("  {:<10} {:>6} rows  positive rate {:.3f}  -> {}".format(
            name, len(idx), y[idx].mean(), path))


if __name__ == "__main__":
    main()
