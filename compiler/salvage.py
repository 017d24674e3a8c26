"""Every mistake at once: the valid parts of a document that has template or schema errors.

A schema or template mistake used to stop the compile before the semantic checks, so a missing
field in one step hid an unknown reference in another. `salvage` withholds the units the early
mistakes are in (a step, a parameter, a schedule, a notification), puts neutral placeholders
where a pipeline-level value is wrong or missing (it was already reported where it is written),
and hands back a document that passes the schema, so the semantic phases can check the rest.
What they then say about the withheld units ("unknown step 'Train'" when Train was withheld)
is a consequence, not a new mistake: `Salvaged.is_consequence` filters it out.

Pure: document and diagnostics in, a smaller document out (or None when nothing can be saved).
"""

from __future__ import annotations

from typing import NamedTuple

from .diagnostics import Diagnostic

# Sections whose entries are independent named units: one broken entry is withheld, the rest checked.
UNITS = ("steps", "parameters", "schedules", "notifications")

# Pipeline-level values the later phases need: a wrong or missing one is reported where it is
# written and replaced by a value that raises nothing further.
PLACEHOLDERS = {
    "name": "mlpc-placeholder",
    "role": "arn:aws:iam::000000000000:role/mlpc-placeholder",
    "bucket": "mlpc-placeholder",
    "region": "us-east-1",
}

# code -> the kind of name whose being unknown it reports (its message quotes the name: 'Train')
CONSEQUENCES = {
    "R002": "parameters", "M011": "parameters",
    "R006": "steps", "G002": "steps", "G004": "steps", "K020": "steps",
    "R004": "files",
}


class Salvaged(NamedTuple):
    document: dict
    withheld: dict  # "steps" / "parameters" / "schedules" / "notifications" / "files" -> names

    def is_consequence(self, diag: Diagnostic) -> bool:
        """True when `diag` only says that something withheld is missing."""
        names = self.withheld.get(CONSEQUENCES.get(diag.code, ""), ())
        if any(f"'{n}'" in diag.message for n in names):
            return True
        # a notification cannot find the group of a register step that was withheld
        return diag.code == "B001" and bool(self.withheld.get("register_steps"))


def salvage(document, early: list[Diagnostic], revalidate) -> Salvaged | None:
    """The document without the units `early` (template/schema errors) point into.

    `revalidate(doc) -> list` is the schema check; None when the rest does not pass it either
    (then the early mistakes are all there is to say)."""
    if not isinstance(document, dict) or not isinstance(document.get("pipeline"), dict):
        return None
    doc = {k: (dict(v) if isinstance(v, dict) else v) for k, v in document.items()}
    withheld: dict[str, set] = {}
    pipeline_broken = False
    for diag in early:
        if diag.severity != "error":
            continue
        path = tuple(diag.path or ())
        if not path:
            return None  # the top level itself (e.g. no steps:)
        head = path[0]
        if head in UNITS:
            section = doc.get(head)
            if len(path) < 2 or not isinstance(section, dict) or path[1] not in section:
                return None
            unit = section.pop(path[1])
            withheld.setdefault(head, set()).add(path[1])
            if head == "steps":
                _note_step(path[1], unit, withheld)
        elif head == "pipeline":
            pipeline_broken = True
            if len(path) >= 2 and path[1] in doc["pipeline"]:
                field = path[1]
                if field in PLACEHOLDERS:
                    doc["pipeline"][field] = PLACEHOLDERS[field]
                else:
                    doc["pipeline"].pop(field)
        else:
            doc.pop(head, None)  # vars, lint, or an unknown top-level key
    if pipeline_broken:
        for field in ("name", "role", "bucket"):
            doc["pipeline"].setdefault(field, PLACEHOLDERS[field])
    if not isinstance(doc.get("steps"), dict) or not doc["steps"] or revalidate(doc):
        return None
    return Salvaged(doc, {k: frozenset(v) for k, v in withheld.items()})


def _note_step(name, unit, withheld: dict) -> None:
    """Names a withheld step declares that others may use: its property files; its registration."""
    if not isinstance(unit, dict):
        return
    files = unit.get("property_files")
    if isinstance(files, dict):
        withheld.setdefault("files", set()).update(str(k) for k in files)
    if unit.get("type") == "register_model":
        withheld.setdefault("register_steps", set()).add(name)
