"""Regenerate the block table of docs/graph-format.md from the registry.

    .venv/bin/python docs/gen_block_table.py > /tmp/blocks.md

then paste the output between the BEGIN/END markers in docs/graph-format.md.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from akid.blocks.registry import block_specs


def _type(p: dict) -> str:
    if "enum" in p:
        return " \\| ".join(f"`{v}`" for v in p["enum"])
    if "anyOf" in p:
        return " or ".join(_type(a) for a in p["anyOf"])
    t = p.get("type", "any")
    if t == "array":
        inner = p.get("items", {})
        if "enum" in inner:
            return "list of " + " \\| ".join(f"`{v}`" for v in inner["enum"])
        return f"list of {_type(inner) if 'anyOf' in inner else inner.get('type', 'any')}"
    return t


def _range(p: dict) -> str:
    parts = []
    for src in [p] + p.get("anyOf", []):
        if "minimum" in src:
            parts.append(f"≥ {src['minimum']}")
        if "exclusiveMinimum" in src:
            parts.append(f"> {src['exclusiveMinimum']}")
        if "maximum" in src:
            parts.append(f"≤ {src['maximum']}")
        if "minItems" in src or "maxItems" in src:
            parts.append(f"{src.get('minItems', 0)}–{src.get('maxItems', '∞')} items")
    return ", ".join(parts)


def main() -> None:
    specs = block_specs()
    by_cat: dict[str, list[dict]] = {}
    for s in specs:
        by_cat.setdefault(s["category"], []).append(s)
    out = []
    out.append("| block | category | inputs | outputs | what it does |")
    out.append("|---|---|---|---|---|")
    for s in specs:
        ins = ", ".join(f"`{p['name']}`" + (" (multi)" if p["multi"] else "") for p in s["inputs"]) or "—"
        outs = ", ".join(f"`{p['name']}`" for p in s["outputs"]) or "—"
        rule = s.get("output_rule") or {}
        for case in rule.get("cases") or []:  # a param value that picks other ports
            ports = ", ".join(f"`{name}`" for name in case["ports"])
            outs += f"; {ports} when `{rule['param']}` is `{json.dumps(case['value'])}`"
        if s["dynamic_outputs"] and not rule.get("cases"):
            outs += ", … (one per part)"
        doc = s["doc"].splitlines()[0] if s["doc"] else ""
        out.append(f"| [`{s['type']}`](#{s['type'].lower()}) | {s['category']} | {ins} | {outs} | {doc} |")
    out.append("")
    for s in specs:
        out.append(f"#### {s['type']}")
        out.append("")
        props = s["params_schema"].get("properties", {})
        if not props:
            out.append("No parameters.")
            out.append("")
            continue
        out.append("| param | type | default | range | meaning |")
        out.append("|---|---|---|---|---|")
        for name, p in props.items():
            default = json.dumps(s["defaults"].get(name))
            desc = (p.get("description") or "").replace("|", "\\|")
            out.append(f"| `{name}` | {_type(p)} | `{default}` | {_range(p)} | {desc} |")
        out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
