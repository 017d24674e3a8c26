"""Writes docs/diagnostics.md from the diagnostic catalogue (mlpc.catalogue).

Run `python tools/gen_diagnostics_doc.py` after adding a code; tests/test_catalogue.py checks they agree.
"""
import pathlib

from mlpc.catalogue import markdown

DOC = pathlib.Path(__file__).resolve().parents[1] / "docs" / "diagnostics.md"

if __name__ == "__main__":
    DOC.write_text(markdown() + "\n", "utf-8")
    print(f"wrote {DOC}")
