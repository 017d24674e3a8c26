"""SageMaker Processing script: prepare the credit-risk data, without direct identifiers.

Container: sagemaker-scikit-learn:1.2-1-cpu-py3 (pandas, numpy). Standard library otherwise.

Input
  /opt/ml/processing/input/*.csv   header row: customer_id, email, age, sex, income, loan_amount,
                                   credit_history_months, num_open_accounts, default
Environment
  PSEUDONYMISATION_KEY             the key of the keyed hash (HMAC-SHA256) that replaces customer_id.
                                   Required: without a key a hash of an id is not a pseudonym (anyone
                                   can hash every id and match them back).
Outputs
  /opt/ml/processing/train/train.csv             \
  /opt/ml/processing/validation/validation.csv    > no header, label `default` FIRST, every feature
  /opt/ml/processing/test/test.csv               /  numeric (sex: female = 1, male = 0), for the
                                                    built-in XGBoost algorithm
  /opt/ml/processing/baseline/baseline.csv         the training split WITH a header, `default` first,
                                                    sex as text: the data quality and bias checks' input

Direct identifiers: `email` is dropped on read; `customer_id` is replaced by its keyed pseudonym,
which decides the split (a row's split depends on the pseudonym, not on row order or a random
draw, so the same customer always lands in the same split), and is not written to any output:
the model and the checks need no identifier.
"""

import argparse
import glob
import hashlib
import hmac
import os
import sys

import pandas as pd

LABEL = "default"
FEATURES = ["age", "sex", "income", "loan_amount", "credit_history_months", "num_open_accounts"]
DIRECT_IDENTIFIERS = ["customer_id", "email"]
SEX_CODES = {"female": 1, "male": 0}
KEY_ENV = "PSEUDONYMISATION_KEY"


def parse_args():
    parser = argparse.ArgumentParser(description="Pseudonymise, split and write the credit-risk data.")
    parser.add_argument("--base-dir", default="/opt/ml/processing",
                        help="Processing container root (default: %(default)s).")
    parser.add_argument("--train-ratio", type=float, default=0.7)
    parser.add_argument("--validation-ratio", type=float, default=0.15)
    args = parser.parse_args()
    if not 0 < args.train_ratio < 1 or not 0 < args.validation_ratio < 1 \
            or args.train_ratio + args.validation_ratio >= 1:
        parser.error("--train-ratio and --validation-ratio must be in (0, 1) and sum to less than 1")
    return args


def pseudonym(key, value):
    """HMAC-SHA256 of the identifier under the secret key, hex."""
    return hmac.new(key, str(value).encode("utf-8"), hashlib.sha256).hexdigest()


def read_raw(input_dir):
    files = sorted(glob.glob(os.path.join(input_dir, "**", "*.csv"), recursive=True))
    if not files:
        sys.exit("ERROR: no *.csv files found in {}".format(input_dir))
    df = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    missing = [c for c in ["customer_id", LABEL] + FEATURES if c not in df.columns]
    if missing:
        sys.exit("ERROR: column(s) {} not found; columns are: {}".format(", ".join(missing), ", ".join(df.columns)))
    df = df.drop(columns=[c for c in ("email",) if c in df.columns])  # not needed at all: dropped
    unknown = sorted(set(df["sex"].dropna().astype(str)) - set(SEX_CODES))
    if unknown:
        sys.exit("ERROR: unknown value(s) in column sex: {} (expected {})".format(unknown, sorted(SEX_CODES)))
    return df.dropna(subset=[LABEL]).astype({LABEL: int})


def split_of(pseudo, train_ratio, validation_ratio):
    """A stable split from the pseudonym: its first 8 hex digits as a fraction of 2**32."""
    u = int(pseudo[:8], 16) / 2 ** 32
    return "train" if u < train_ratio else "validation" if u < train_ratio + validation_ratio else "test"


def write_csv(df, directory, name, header):
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, name + ".csv")
    df.to_csv(path, header=header, index=False)
    return path


def main():
    args = parse_args()
    key = os.environ.get(KEY_ENV, "")
    if not key:
        sys.exit("ERROR: environment variable {} is not set: it is the key of the keyed hash that "
                 "pseudonymises customer_id".format(KEY_ENV))
    df = read_raw(os.path.join(args.base_dir, "input"))
    pseudo = df["customer_id"].map(lambda v: pseudonym(key.encode("utf-8"), v))
    df["split"] = pseudo.map(lambda p: split_of(p, args.train_ratio, args.validation_ratio))
    df = df.drop(columns=[c for c in DIRECT_IDENTIFIERS if c in df.columns])

    columns = [LABEL] + FEATURES
    numeric = df[columns + ["split"]].copy()
    numeric["sex"] = numeric["sex"].map(SEX_CODES)
    print("Pseudonymised {} customer ids with HMAC-SHA256 (key from {}); dropped email".format(len(df), KEY_ENV))
    for name in ("train", "validation", "test"):
        part = numeric[numeric["split"] == name][columns]
        path = write_csv(part, os.path.join(args.base_dir, name), name, header=False)
        print("  {:<10} {:>5} rows  default rate {:.3f}  -> {}".format(name, len(part), part[LABEL].mean(), path))
    baseline = df[df["split"] == "train"][columns]
    path = write_csv(baseline, os.path.join(args.base_dir, "baseline"), "baseline", header=True)
    print("  {:<10} {:>5} rows (header, sex as text)  -> {}".format("baseline", len(baseline), path))


if __name__ == "__main__":
    main()
