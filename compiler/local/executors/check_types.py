"""The definition Types that executors/checks.py runs (kept apart so the executor table can name
them without importing the executor)."""

CHECK_TYPES = ("QualityCheck", "ClarifyCheck")
