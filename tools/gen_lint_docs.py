"""Writes the lint rules table into README.md from mlpc.lint.registry.RULES.

Run `python tools/gen_lint_docs.py` after changing a rule; tests/lint/test_docs.py checks they agree.
"""
import pathlib

from mlpc.lint.docs import replace_section

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"

if __name__ == "__main__":
    README.write_text(replace_section(README.read_text("utf-8")), "utf-8")
    print(f"wrote the lint rules table into {README}")
