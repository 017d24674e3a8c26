"""Dump generated documents (CloudFormation, buildspecs, workflows) once, as readable YAML:
keys in the order built, multi-line strings as literal blocks, no anchors."""

from __future__ import annotations

import yaml


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


def _str(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_yaml(doc, header: str = "") -> str:
    """HEADER (comment lines, '# ' added) then the document."""
    text = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=1000, allow_unicode=True)
    lines = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines()) if header else ""
    return lines + text
