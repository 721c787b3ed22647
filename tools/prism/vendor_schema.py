"""Cut from freee's official OpenAPI schema the operations journalgen sends, for Prism to mock.

Keeps `GET`/`POST /api/1/deals`, `/api/1/transfers` and `/api/1/manual_journals` verbatim, with every component they
reference (transitively) and the OAuth security scheme, so Prism validates each request against
freee's own definitions. Usage: python tools/prism/vendor_schema.py FULL.json OUT.json
"""

from __future__ import annotations

import json
import sys
from typing import Any

OPERATIONS = {"/api/1/deals": ("get", "post"), "/api/1/transfers": ("get", "post"),
              "/api/1/manual_journals": ("get", "post")}


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(value) for value in node))
    return set()


def vendor(full: dict[str, Any]) -> dict[str, Any]:
    """The part of `full` that `OPERATIONS` need, at the same JSON pointers."""
    paths = {path: {method: full["paths"][path][method] for method in methods} for path, methods in OPERATIONS.items()}
    components: dict[str, dict[str, Any]] = {"securitySchemes": full["components"]["securitySchemes"]}
    pending = _refs(paths)
    while pending:
        ref = pending.pop()
        _, _, section, name = ref.split("/")
        if name in components.setdefault(section, {}):
            continue
        components[section][name] = full["components"][section][name]
        pending |= _refs(components[section][name])
    components = {section: dict(sorted(items.items())) for section, items in components.items()}
    kept = {key: full[key] for key in ("openapi", "info", "servers", "security") if key in full}
    return {**kept, "paths": paths, "components": components}


if __name__ == "__main__":
    source, target = sys.argv[1:3]
    with open(source, encoding="utf-8") as handle:
        part = vendor(json.load(handle))
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(part, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
