"""Write scikit-learn's bundled breast cancer dataset to a CSV file.

The dataset ships inside scikit-learn (no download needed): 569 rows,
30 numeric features and a binary ``target`` (1 = benign, 0 = malignant).

Output: a CSV with a header row. Feature names are converted to snake_case
("mean concave points" -> "mean_concave_points") and ``target`` is the last
column. Floats use a fixed format so the file is byte-for-byte reproducible.

It can run as a SageMaker Processing step (writes to
/opt/ml/processing/output/breast-cancer.csv) or locally to refresh the
example data shipped with the repository:

    python step_scripts/make_dataset.py --output pipelines/data/breast-cancer.csv
"""

import argparse
import os
import re

from sklearn.datasets import load_breast_cancer

FLOAT_FORMAT = "%.10g"


def snake_case(name):
    """'mean concave points' -> 'mean_concave_points'."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--base-dir",
        default="/opt/ml/processing",
        help="Processing container root (default: %(default)s).",
    )
    parser.add_argument(
        "--output",
        default=None,
        help="Output CSV path (default: <base-dir>/output/breast-cancer.csv).",
    )
    return parser.parse_args()


def main():
    args = parse_args()
    output = args.output or os.path.join(args.base_dir, "output", "breast-cancer.csv")

    frame = load_breast_cancer(as_frame=True).frame  # features + "target"
    frame = frame.rename(columns=snake_case)
    frame["target"] = frame["target"].astype(int)

    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    frame.to_csv(output, index=False, float_format=FLOAT_FORMAT)
    print(
        "Wrote {} rows x {} columns to {} (benign={}, malignant={})".format(
            len(frame),
            frame.shape[1],
            output,
            int((frame["target"] == 1).sum()),
            int((frame["target"] == 0).sum()),
        )
    )


if __name__ == "__main__":
    main()
