"""Render the step DAG as a standalone SVG, without Graphviz.

A layered layout: each step sits one row below its deepest upstream step (longest path from a
source), steps in a row keep document order, edges are curves with an arrow head (bending
around the rows they skip);
condition branches are labelled true/false and depends_on edges are dashed. Deterministic:
the same graph gives the same bytes.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 190, 46, 30, 60, 20
BEND = 0.6  # sideways reach of an edge per row it skips, in box widths
CHAR_W = 7.2  # average width of a 12px sans-serif character
FILL = {"condition": "#fff4d6", "fail": "#fde2e2", "register_model": "#e3f4e1"}
EDGE = {"then": ("#2e7d32", "true", ""), "else": ("#c62828", "false", ""),
        "depends_on": ("#777777", "depends_on", ' stroke-dasharray="5,4"'), "data": ("#444444", "", "")}


def layers(graph) -> dict:
    """step -> row: one below its deepest upstream step."""
    preds = graph.predecessors()
    row: dict = {}
    for name in graph.order():
        row[name] = 1 + max((row[p] for p in preds[name]), default=-1)
    return row


def to_svg(graph, title: str = "pipeline") -> str:
    row = layers(graph)
    rows: dict = {}
    for name in graph.nodes:
        rows.setdefault(row[name], []).append(name)
    width_of = {n: max(BOX_W, int(CHAR_W * max(len(n), len(graph.types.get(n, ""))) + 24)) for n in graph.nodes}
    row_widths = {r: sum(width_of[n] for n in ns) + GAP_X * (len(ns) - 1) for r, ns in rows.items()}
    span = max((row[d] - row[u] for (u, d) in graph.edges), default=1)
    side = MARGIN + max(0, span - 1) * BEND * (BOX_W + GAP_X) * 0.75  # room for the bent edges
    total_w = max(row_widths.values(), default=BOX_W) + 2 * side
    pos = {}
    for r, names in rows.items():
        x = side + (total_w - 2 * side - row_widths[r]) / 2
        for n in names:
            pos[n] = (x, MARGIN + r * (BOX_H + GAP_Y))
            x += width_of[n] + GAP_X
    total_h = MARGIN * 2 + (max(rows, default=0) + 1) * (BOX_H + GAP_Y) - GAP_Y
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w:.0f}" height="{total_h:.0f}" '
           f'viewBox="0 0 {total_w:.0f} {total_h:.0f}" font-family="Helvetica, Arial, sans-serif" font-size="12">',
           f"<title>{escape(title)}</title>",
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
           'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#444444"/></marker></defs>']
    edges = sorted(graph.edges.items(), key=lambda e: (graph.nodes.index(e[0][0]), graph.nodes.index(e[0][1])))
    # spread the ends of a node's edges along its border, ordered by where the other end is
    outs = {n: sorted((d for (u, d) in graph.edges if u == n), key=lambda d: pos[d][0]) for n in graph.nodes}
    ins = {n: sorted((u for (u, d) in graph.edges if d == n), key=lambda u: pos[u][0]) for n in graph.nodes}
    for (up, down), kind in edges:
        (ux, uy), (dx, dy) = pos[up], pos[down]
        x1 = ux + width_of[up] * (outs[up].index(down) + 1) / (len(outs[up]) + 1)
        x2 = dx + width_of[down] * (ins[down].index(up) + 1) / (len(ins[down]) + 1)
        y1, y2 = uy + BOX_H, dy
        skip = row[down] - row[up]
        # an edge that skips rows bends to the side, around the boxes in between
        bend = 0 if skip <= 1 else (skip - 1) * BEND * (BOX_W + GAP_X) * (1 if x2 >= x1 else -1)
        pull = (y2 - y1) / 2
        color, label, dash = EDGE.get(kind, EDGE["data"])
        out.append(f'<path d="M {x1:.1f} {y1:.1f} C {x1 + bend:.1f} {y1 + pull:.1f}, {x2 + bend:.1f} {y2 - pull:.1f}, '
                   f'{x2:.1f} {y2:.1f}" fill="none" stroke="{color}" stroke-width="1.4"{dash} marker-end="url(#arrow)"/>')
        if label:
            out.append(f'<text x="{(x1 + x2) / 2 + bend * 0.75 + 4:.1f}" y="{(y1 + y2) / 2:.1f}" fill="{color}" '
                       f'font-size="11">{escape(label)}</text>')
    for name in graph.nodes:
        x, y = pos[name]
        kind = graph.types.get(name, "")
        out.append(f'<g><rect x="{x:.1f}" y="{y:.1f}" width="{width_of[name]}" height="{BOX_H}" rx="8" '
                   f'fill="{FILL.get(kind, "#e8eef9")}" stroke="#4a5a78"/>'
                   f'<text x="{x + width_of[name] / 2:.1f}" y="{y + 20:.1f}" text-anchor="middle" font-weight="bold">'
                   f"{escape(name)}</text>"
                   f'<text x="{x + width_of[name] / 2:.1f}" y="{y + 36:.1f}" text-anchor="middle" fill="#555555" '
                   f'font-style="italic">{escape(kind)}</text></g>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
