"""Write the synthetic credit-risk dataset of pipelines/credit-risk.yaml (deterministic, fixed seed).

    python tools/make_credit_data.py [--rows 3000] [--seed 20240601] [--output pipelines/data/credit-risk.csv]

Columns: customer_id, email (direct identifiers: the Preprocess step pseudonymises / drops them),
age, sex (the protected attribute, "female" / "male"), income, loan_amount, credit_history_months,
num_open_accounts, default (the label: 1 = the loan defaulted, 0 = repaid, the favourable outcome).

Nobody's data: every value comes from Python's `random.Random(seed)` (a Mersenne Twister whose
stream is stable across Python versions), and floats are written with a fixed number of decimals,
so the file is reproducible byte for byte (tests/test_credit_risk_scripts.py checks it).

A bias is built in ON PURPOSE, so the pipeline's bias report finds something real: at the same
age, income, loan, credit history and accounts, a woman's log-odds of default are raised by
BIAS_AGAINST_FEMALE, as if past lending decisions had been recorded unfairly. Clarify's pre-training
metrics on this data (label 0 favourable, facet sex = female) then show a positive DPL: women get
the favourable label less often than men.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "pipelines" / "data" / "credit-risk.csv"
COLUMNS = ("customer_id", "email", "age", "sex", "income", "loan_amount", "credit_history_months",
           "num_open_accounts", "default")
BIAS_AGAINST_FEMALE = 1.5


def clamp(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, x))


def make_row(rng: random.Random, i: int) -> list:
    sex = "female" if rng.random() < 0.48 else "male"
    age = int(clamp(rng.gauss(41, 12), 21, 75))
    income = round(clamp(rng.lognormvariate(math.log(42000), 0.45), 9000, 250000), 2)
    loan = round(clamp(income * rng.uniform(0.05, 0.9), 1000, 120000), 2)
    history = int(clamp((age - 18) * 12 * rng.uniform(0.2, 1.0), 0, 600))
    accounts = int(clamp(rng.gauss(4, 2), 0, 15))
    # The true risk: a high loan-to-income ratio, a short credit history, many open accounts, youth.
    logit = 2.5 * (-0.6 + 3.2 * (loan / income - 0.45) - 0.012 * (history - 150) / 4
                   + 0.18 * (accounts - 4) - 0.02 * (age - 41))
    if sex == "female":
        logit += BIAS_AGAINST_FEMALE  # the built-in bias (see the module docstring)
    default = 1 if rng.random() < 1 / (1 + math.exp(-logit)) else 0
    return [f"C{i:06d}", f"customer{i:06d}@example.com", age, sex, f"{income:.2f}", f"{loan:.2f}", history,
            accounts, default]


def write(path: Path, rows: int, seed: int) -> Path:
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        for i in range(1, rows + 1):
            w.writerow(make_row(rng, i))
    return path


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = ap.parse_args(argv)
    print(f"wrote {write(args.output, args.rows, args.seed)} ({args.rows} rows, seed {args.seed})")


if __name__ == "__main__":
    main()
