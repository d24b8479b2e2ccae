"""openapi.yaml documents every /api route the app serves (and nothing it does not)."""

import re

from backend_testutil import spec


def test_every_route_is_documented(app):
    served = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            served.add(
                (path.replace("{graph_id}", "{id}").replace("{run_id}", "{id}").replace("{number}", "{n}"), method.lower())
            )
    documented = {(p, m) for p, ops in spec()["paths"].items() for m in ops if m in ("get", "post", "put", "delete", "patch")}
    assert served == documented, {"undocumented": served - documented, "not served": documented - served}


def test_spec_is_openapi_31_with_resolvable_refs():
    doc = spec()
    assert doc["openapi"].startswith("3.1")
    text = str(doc)
    for ref in set(re.findall(r"'\$ref': '#/components/(\w+)/(\w+)'", text)):
        assert ref[1] in doc["components"][ref[0]], ref
