"""The hostile requests: each one what an attacker (or a buggy client) might send, and the
answer the server must give. Shared by the test suite and ``bench/hostile.py``."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from backend_testutil import MLP

HUGE = 10**20


@dataclass
class Case:
    name: str
    method: str
    path: str | Callable[[Any], str]
    status: int
    code: str | None
    kw: dict[str, Any] | Callable[[Any], dict[str, Any]] = field(default_factory=dict)
    auth: bool = True
    #: where the code appears: "errors" (an error answer) or "report" (a validation report's errors)
    where: str = "errors"

    def request(self, server: Any):
        path = self.path(server) if callable(self.path) else self.path
        kw = self.kw(server) if callable(self.kw) else copy.deepcopy(self.kw)
        return server.api(self.method, path, auth=self.auth, **kw)


def raw(body: str | bytes) -> dict[str, Any]:
    return {"data": body if isinstance(body, bytes) else body.encode(), "headers": {"Content-Type": "application/json"}}


def deep_json(key: str, n: int = 10_000) -> dict[str, Any]:
    return raw(f'{{"{key}":' + "[" * n + "]" * n + "}")


def nested_composites(depth: int = 10, fan: int = 4) -> dict[str, Any]:
    """Composites nested ``depth`` deep, each using the previous ``fan`` times (~fan^depth layers, ~7 KB)."""

    def inner(kind: str, count: int) -> dict[str, Any]:
        ids = [f"c{i}" for i in range(count)]
        nodes = (
            [{"id": "in", "type": "Input", "params": {"shape": [4]}}]
            + [{"id": i, "type": kind, "params": {}} for i in ids]
            + [{"id": "out", "type": "Output", "params": {}}]
        )
        chain = ["in", *ids, "out"]
        return {
            "name": kind,
            "nodes": nodes,
            "edges": [{"id": f"e{k}", "source": a, "target": b} for k, (a, b) in enumerate(zip(chain, chain[1:]))],
        }

    blocks = {"B0": inner("ReLU", 1)}
    for k in range(1, depth):
        blocks[f"B{k}"] = inner(f"B{k - 1}", fan)
    return {
        "format": "akid.graph/v1",
        "name": "bomb",
        "blocks": blocks,
        "nodes": [
            {"id": "x", "type": "Input", "params": {"shape": [4]}},
            {"id": "b", "type": f"B{depth - 1}", "params": {}},
            {"id": "y", "type": "Output", "params": {}},
        ],
        "edges": [{"id": "e1", "source": "x", "target": "b"}, {"id": "e2", "source": "b", "target": "y"}],
    }


def many_nodes(n: int) -> dict[str, Any]:
    nodes = [{"id": "x", "type": "Input", "params": {"shape": [4]}}] + [
        {"id": f"r{i}", "type": "ReLU", "params": {}} for i in range(n)
    ]
    chain = [n["id"] for n in nodes]
    return {
        "format": "akid.graph/v1",
        "name": "big",
        "nodes": nodes,
        "edges": [{"id": f"e{i}", "source": a, "target": b} for i, (a, b) in enumerate(zip(chain, chain[1:]))],
    }


def many_edges(n: int) -> dict[str, Any]:
    g = copy.deepcopy(MLP)
    g["edges"] = [{"id": f"e{i}", "source": "x", "target": "d1"} for i in range(n)]
    return g


def keras_nested(n: int) -> str:
    return (
        '{"class_name":"Sequential","config":{"name":"m","layers":[' * n
        + '{"class_name":"ReLU","config":{"name":"r"}}'
        + "]}}" * n
    )


def graph_with(**changes: Any) -> dict[str, Any]:
    g = copy.deepcopy(MLP)
    g.update(changes)
    return g


def bad_node(**params: Any) -> dict[str, Any]:
    g = copy.deepcopy(MLP)
    g["nodes"][1]["params"].update(params)
    return g


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def upload(name: str, filename: str, data: bytes, **form: str) -> dict[str, Any]:
    return {"files": {"file": (filename, data)}, "data": {"name": name, **form}}


def npz_header_bomb() -> bytes:
    """An .npz whose one array header declares 2^36 float64 (512 GiB) over 8 bytes of data."""
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (68719476736,), }"
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    npy = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + b"\x00" * 8
    return zip_bytes({"x.npy": npy, "label.npy": npy})


def png() -> bytes:
    from backend_fake_trainer import PNG

    return PNG


def run_body(graph: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"json": {"graph": graph, "config": extra.pop("config", {}), **extra}}


META = "x: Input(8)\nx > {} > Output\n"
B = "budget_exceeded"


def cases() -> list[Case]:
    bomb = nested_composites()
    out = [
        # ---- JSON size and depth (checked on raw bytes before parsing) ----
        Case("deep_json_validate", "POST", "/api/graphs/validate", 413, B, deep_json("graph")),
        Case("deep_json_save", "POST", "/api/graphs", 413, B, deep_json("graph")),
        Case("deep_json_run", "POST", "/api/runs", 413, B, deep_json("graph")),
        Case("deep_json_parse", "POST", "/api/graphs/parse", 413, B, deep_json("text")),
        Case("deep_json_export", "POST", "/api/graphs/export", 413, B, deep_json("graph")),
        Case("deep_json_import", "POST", "/api/graphs/import-keras", 413, B, deep_json("json")),
        Case("deep_json_revert", "POST", lambda s: f"/api/graphs/{s.graph_id}/revert", 413, B, deep_json("version")),
        Case("deep_json_predict", "POST", lambda s: f"/api/runs/{s.run_id}/predict", 413, B, deep_json("inputs")),
        Case("deep_json_100", "POST", "/api/graphs/validate", 413, B, deep_json("graph", 100)),
        Case("body_over_limit", "POST", "/api/graphs/validate", 413, B, raw(b'{"graph": "' + b"a" * (9 * 1024 * 1024) + b'"}')),
        Case("upload_over_limit", "POST", "/api/datasets", 413, B, upload("big", "big.csv", b"a,b\n" * (3 * 1024 * 1024))),
        Case(
            "json_over_json_limit",
            "POST",
            "/api/graphs",
            413,
            B,
            raw(b'{"graph": {"name": "' + b"n" * (5 * 1024 * 1024) + b'"}}'),
        ),
        Case("not_json", "POST", "/api/graphs/validate", 400, "bad_json", raw(b"{nope")),
        Case("json_nan_literal_garbage", "POST", "/api/graphs", 400, "bad_json", raw(b'{"graph": NaNaN}')),
        Case("no_content_type", "POST", "/api/graphs", 400, "bad_json", {"data": json.dumps({"graph": MLP})}),
        Case("array_body", "POST", "/api/graphs", 400, "wrong_type", {"json": [MLP]}),
        Case("string_body", "POST", "/api/runs", 400, "wrong_type", {"json": "run"}),
        Case("empty_body", "POST", "/api/runs", 400, "bad_json", raw(b"")),
        Case("invalid_utf8", "POST", "/api/graphs", 400, "bad_json", raw(b'{"graph": "\xff\xfe"}')),
        # ---- graph size and composite expansion ----
        Case("nodes_6000_validate", "POST", "/api/graphs/validate", 413, B, {"json": many_nodes(6000)}),
        Case("nodes_6000_save", "POST", "/api/graphs", 413, B, {"json": {"graph": many_nodes(6000)}}),
        Case("nodes_6000_run", "POST", "/api/runs", 413, B, run_body(many_nodes(6000))),
        Case("nodes_6000_export", "POST", "/api/graphs/export", 413, B, {"json": {"graph": many_nodes(6000)}}),
        Case("edges_25000_validate", "POST", "/api/graphs/validate", 413, B, {"json": many_edges(25_000)}),
        Case("edges_25000_save", "POST", "/api/graphs", 413, B, {"json": {"graph": many_edges(25_000)}}),
        Case("composite_bomb_validate", "POST", "/api/graphs/validate", 413, B, {"json": bomb}),
        Case("composite_bomb_run", "POST", "/api/runs", 413, B, run_body(bomb)),
        Case("composite_bomb_save", "POST", "/api/graphs", 413, B, {"json": {"graph": bomb}}),
        Case("composite_bomb_export", "POST", "/api/graphs/export", 413, B, {"json": {"graph": bomb, "to": "python"}}),
        Case("composite_bomb_wrapped", "POST", "/api/graphs/validate", 413, B, {"json": {"graph": bomb}}),
        Case("composite_bomb_library", "POST", "/api/composites", 413, B, {"json": {"name": "Bomb", "graph": bomb}}),
        Case("composite_deep_json_library", "POST", "/api/composites", 413, B, deep_json("graph")),
        Case("composite_bomb_put", "PUT", lambda s: f"/api/graphs/{s.graph_id}", 413, B, {"json": {"graph": bomb}}),
        Case(
            "composite_recursive",
            "POST",
            "/api/graphs/validate",
            200,
            "bad_composite",
            {
                "json": graph_with(
                    blocks={
                        "R": {
                            "nodes": [
                                {"id": "in", "type": "Input", "params": {"shape": [4]}},
                                {"id": "r", "type": "R", "params": {}},
                                {"id": "out", "type": "Output", "params": {}},
                            ],
                            "edges": [{"id": "a", "source": "in", "target": "r"}, {"id": "b", "source": "r", "target": "out"}],
                        }
                    }
                )
            },
            where="report",
        ),
        # ---- meta-syntax ----
        Case("meta_repeat_bomb", "POST", "/api/graphs/parse", 413, B, {"json": {"text": META.format("[[ReLU]*1000]*1000")}}),
        Case(
            "meta_repeat_huge_count", "POST", "/api/graphs/parse", 413, B, {"json": {"text": META.format("[ReLU]*99999999999")}}
        ),
        Case(
            "meta_nested_5000",
            "POST",
            "/api/graphs/parse",
            413,
            B,
            {"json": {"text": META.format("(" * 5000 + "ReLU" + ")" * 5000)}},
        ),
        Case(
            "meta_brackets_5000",
            "POST",
            "/api/graphs/parse",
            413,
            B,
            {"json": {"text": META.format("[" * 5000 + "ReLU" + "]*2" * 5000)}},
        ),
        Case(
            "meta_number_5000_digits", "POST", "/api/graphs/parse", 413, B, {"json": {"text": "x: Input(" + "9" * 5000 + ")\n"}}
        ),
        Case("meta_too_long", "POST", "/api/graphs/parse", 413, B, {"json": {"text": "# " + "a" * 300_000}}),
        Case("meta_syntax_error", "POST", "/api/graphs/parse", 400, "syntax_error", {"json": {"text": "x: Input(8\n"}}),
        Case("meta_not_string", "POST", "/api/graphs/parse", 400, "wrong_type", {"json": {"text": ["x"]}}),
        Case("meta_nul", "POST", "/api/graphs/parse", 400, None, {"json": {"text": "x: Input(8)\x00\n"}}),
        # ---- Keras import ----
        Case("keras_nested_3000", "POST", "/api/graphs/import-keras", 413, B, {"json": {"json": keras_nested(3000)}}),
        Case("keras_too_long", "POST", "/api/graphs/import-keras", 413, B, {"json": {"json": " " * 2_100_000}}),
        Case("keras_wrong_type", "POST", "/api/graphs/import-keras", 400, "wrong_type", {"json": {"json": 5}}),
        # ---- integers that would reach SQLite ----
        Case("version_huge", "GET", lambda s: f"/api/graphs/{s.graph_id}?version={HUGE}", 400, "bad_param"),
        Case("version_negative", "GET", lambda s: f"/api/graphs/{s.graph_id}?version=-1", 400, "bad_param"),
        Case("version_text", "GET", lambda s: f"/api/graphs/{s.graph_id}?version=abc", 400, "bad_param"),
        Case("version_5000_digits", "GET", lambda s: f"/api/graphs/{s.graph_id}?version={'9' * 5000}", 400, "bad_param"),
        Case("export_version_huge", "GET", lambda s: f"/api/graphs/{s.graph_id}/export?version={HUGE}", 400, "bad_param"),
        Case(
            "revert_huge", "POST", lambda s: f"/api/graphs/{s.graph_id}/revert", 400, "out_of_range", {"json": {"version": HUGE}}
        ),
        Case(
            "revert_missing", "POST", lambda s: f"/api/graphs/{s.graph_id}/revert", 404, "not_found", {"json": {"version": 999}}
        ),
        Case("since_seq_huge", "GET", lambda s: f"/api/runs/{s.run_id}/events?since_seq={HUGE}", 400, "bad_param"),
        Case("since_seq_negative", "GET", lambda s: f"/api/runs/{s.run_id}/events?since_seq=-5", 400, "bad_param"),
        Case("events_limit_zero", "GET", lambda s: f"/api/runs/{s.run_id}/events?limit=0", 400, "bad_param"),
        Case("metrics_max_points_huge", "GET", lambda s: f"/api/runs/{s.run_id}/metrics?max_points={HUGE}", 400, "bad_param"),
        Case("image_number_huge", "GET", lambda s: f"/api/runs/{s.run_id}/images/{HUGE}", 400, "out_of_range"),
        Case("image_missing", "GET", lambda s: f"/api/runs/{s.run_id}/images/999999", 404, "not_found"),
        Case("samples_n_huge", "GET", f"/api/datasets/digits/samples?n={HUGE}", 400, "bad_param"),
        Case(
            "run_graph_version_huge",
            "POST",
            "/api/runs",
            400,
            "out_of_range",
            lambda s: {"json": {"graph_id": s.graph_id, "graph_version": HUGE}},
        ),
        # ---- tokens, hosts, origins ----
        Case("no_token", "GET", "/api/graphs", 401, "unauthorized", auth=False),
        Case("wrong_token", "GET", "/api/graphs", 401, "unauthorized", {"headers": {"Authorization": "Bearer nope"}}, auth=False),
        Case(
            "non_ascii_token_header",
            "GET",
            "/api/graphs",
            401,
            "unauthorized",
            {"headers": {"Authorization": "Bearer \u00e9\u00e9".encode("utf-8")}},
            auth=False,
        ),
        Case("non_ascii_token_query", "GET", "/api/graphs?token=%C3%A9%E2%82%AC", 401, "unauthorized", auth=False),
        Case("nul_token_query", "GET", "/api/graphs?token=a%00b", 401, "unauthorized", auth=False),
        Case(
            "long_token",
            "GET",
            "/api/graphs",
            401,
            "unauthorized",
            {"headers": {"Authorization": "Bearer " + "x" * 60_000}},
            auth=False,
        ),
        Case("foreign_host", "GET", "/api/graphs", 403, "forbidden_host", {"headers": {"Host": "evil.example"}}),
        Case(
            "foreign_origin",
            "POST",
            "/api/graphs",
            403,
            "forbidden_origin",
            {"json": {"graph": MLP}, "headers": {"Origin": "http://evil.example"}},
        ),
        # ---- paths and names ----
        Case(
            "run_data_path_nul",
            "POST",
            "/api/runs",
            400,
            "bad_path",
            {"json": {"graph": MLP, "config": {"data": {"source": "csv", "params": {"path": "a\x00b.csv"}}}}},
        ),
        Case(
            "run_data_path_escape",
            "POST",
            "/api/runs",
            400,
            "path_not_allowed",
            {"json": {"graph": MLP, "config": {"data": {"source": "csv", "params": {"path": "/etc/passwd"}}}}},
        ),
        Case(
            "run_data_path_dotdot",
            "POST",
            "/api/runs",
            400,
            "path_not_allowed",
            {"json": {"graph": MLP, "config": {"data": {"source": "csv", "params": {"path": "../../../etc/passwd"}}}}},
        ),
        Case("run_bad_target", "POST", "/api/runs", 400, "bad_target", {"json": {"graph": MLP, "target": "mars"}}),
        Case(
            "run_graph_mismatch",
            "POST",
            "/api/runs",
            409,
            "graph_mismatch",
            lambda s: {"json": {"graph_id": s.graph_id, "graph": MLP}},
        ),
        Case("run_negative_kernel", "POST", "/api/runs", 400, None, {"json": {"graph": bad_node(units=-5)}}),
        Case("graph_missing_id", "GET", "/api/graphs/nope-not-there", 404, "not_found"),
        Case("run_missing_id", "GET", "/api/runs/nope-not-there", 404, "not_found"),
        Case("run_id_nul", "GET", "/api/runs/a%00b", 404, "not_found"),
        Case("run_id_long", "GET", "/api/runs/" + "a" * 5000, 404, "not_found"),
        Case("cancel_finished", "POST", lambda s: f"/api/runs/{s.run_id}/cancel", 409, "not_running"),
        Case(
            "predict_not_numbers",
            "POST",
            lambda s: f"/api/runs/{s.run_id}/predict",
            400,
            "bad_input",
            {"json": {"inputs": {"image": [["a"]]}}},
        ),
        # ---- uploads ----
        Case(
            "upload_builtin_name", "POST", "/api/datasets", 400, "name_taken", upload("digits", "d.csv", b"a,label\n1,0\n2,1\n")
        ),
        Case(
            "upload_builtin_name_dotted",
            "POST",
            "/api/datasets",
            400,
            "name_taken",
            upload("digits.", "d.csv", b"a,label\n1,0\n2,1\n"),
        ),
        Case(
            "upload_zip_file_and_folder",
            "POST",
            "/api/datasets",
            400,
            "bad_upload",
            lambda s: upload("zx", "x.zip", zip_bytes({"x": b"1", "x/y.png": png()})),
        ),
        Case(
            "upload_zip_long_folder",
            "POST",
            "/api/datasets",
            400,
            "bad_upload",
            lambda s: upload("zl", "l.zip", zip_bytes({"a" * 300 + "/y.png": png(), "b/z.png": png()})),
        ),
        Case(
            "upload_zip_slip",
            "POST",
            "/api/datasets",
            400,
            "unsafe_path",
            lambda s: upload("zs", "s.zip", zip_bytes({"../evil.png": png()})),
        ),
        Case(
            "upload_zip_huge_size",
            "POST",
            "/api/datasets",
            400,
            "too_large",
            lambda s: upload(
                "zh", "h.zip", zip_bytes({"a/x.png": png(), "b/y.png": png()}), params=json.dumps({"size": [6000, 6000]})
            ),
        ),
        Case(
            "upload_npz_header_bomb",
            "POST",
            "/api/datasets",
            400,
            "too_large",
            lambda s: upload(
                "nb", "nb.npz", npz_header_bomb(), params=json.dumps({"features": {"x": "x"}, "targets": {"label": "label"}})
            ),
        ),
        Case("upload_bad_type", "POST", "/api/datasets", 400, "bad_file_type", upload("t", "t.exe", b"MZ")),
        Case("upload_bad_name", "POST", "/api/datasets", 400, "bad_name", upload("../x", "t.csv", b"a\n1\n")),
        Case("upload_no_file", "POST", "/api/datasets", 400, "missing_file", {"data": {"name": "x"}}),
        Case("upload_not_zip", "POST", "/api/datasets", 400, "corrupt_file", upload("nz", "nz.zip", b"not a zip")),
        Case(
            "upload_params_not_object", "POST", "/api/datasets", 400, "bad_param", upload("pp", "p.csv", b"a\n1\n", params="[1]")
        ),
        Case("samples_unknown_set", "GET", "/api/datasets/nope/samples", 400, None),
        # ---- misc ----
        Case("method_not_allowed", "DELETE", "/api/health", 405, "method_not_allowed"),
        Case("unknown_api", "GET", "/api/nothing-here", 404, "not_found"),
    ]
    return out
