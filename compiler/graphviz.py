"""Render the step DAG as Mermaid (renders in pull requests) or Graphviz dot."""

from __future__ import annotations

from .stepkinds import KINDS

# yaml type -> Mermaid brackets / Graphviz shape, from the step-kind table
SHAPES = {k.yaml_type: k.mermaid for k in KINDS}
DOT_SHAPES = {k.yaml_type: k.dot for k in KINDS}


def _label(graph, name) -> str:
    return f"{name}<br/><i>{graph.types.get(name, '')}</i>"


def to_mermaid(graph) -> str:
    lines = ["flowchart TD"]
    for name in graph.nodes:
        left, right = SHAPES.get(graph.types.get(name), ("[", "]"))
        lines.append(f'    {_id(name)}{left}"{_label(graph, name)}"{right}')
    for (up, down), label in sorted(graph.edges.items(), key=lambda e: (graph.nodes.index(e[0][0]), graph.nodes.index(e[0][1]))):
        if label in ("then", "else"):
            text = "true" if label == "then" else "false"
            lines.append(f"    {_id(up)} -->|{text}| {_id(down)}")
        elif label == "depends_on":
            lines.append(f"    {_id(up)} -.->|depends_on| {_id(down)}")
        else:
            lines.append(f"    {_id(up)} --> {_id(down)}")
    return "\n".join(lines)


def to_dot(graph, title: str = "pipeline") -> str:
    lines = [f'digraph "{title}" {{', "  rankdir=TB;", '  node [shape=box, fontname="Helvetica"];']
    for name in graph.nodes:
        shape = DOT_SHAPES.get(graph.types.get(name), "box")
        lines.append(f'  "{name}" [shape={shape}, label="{name}\\n({graph.types.get(name)})"];')
    for (up, down), label in sorted(graph.edges.items(), key=lambda e: (graph.nodes.index(e[0][0]), graph.nodes.index(e[0][1]))):
        attrs = {"then": ' [label="true", color=darkgreen]', "else": ' [label="false", color=red]',
                 "depends_on": ' [style=dashed, label="depends_on"]'}.get(label, "")
        lines.append(f'  "{up}" -> "{down}"{attrs};')
    lines.append("}")
    return "\n".join(lines)


def _id(name: str) -> str:
    return "".join(c if c.isalnum() or c == "_" else "_" for c in name)


GRAPHVIZ_HINT = "install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz), " \
                "or use --format svg, which needs nothing"


def dot_to_png(dot_text: str) -> tuple[bytes | None, str | None]:
    """Run Graphviz's `dot -Tpng`: (png bytes, None), or (None, why not)."""
    import shutil
    import subprocess

    exe = shutil.which("dot")
    if exe is None:
        return None, "Graphviz's `dot` command is not installed (package: graphviz)"
    proc = subprocess.run([exe, "-Tpng"], input=dot_text.encode("utf-8"), capture_output=True, timeout=120)
    if proc.returncode != 0:
        return None, f"dot -Tpng failed: {proc.stderr.decode('utf-8', 'replace').strip()[:500]}"
    return proc.stdout, None
