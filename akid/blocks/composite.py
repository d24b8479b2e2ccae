"""Composite blocks: a graph used as one block.

A graph document may carry ``"blocks": {TypeName: graph doc}``. A node of type
``TypeName`` then runs that inner graph: its input ports are the inner Input
node ids, its output ports the inner Output node ids (the inner Outputs'
``target``/``loss`` are ignored — only the outer graph binds data). Composites
nest: an inner graph may define or use further composites.

Composites are not global registry entries: they belong to the document that
defines them. :class:`BlockResolver` is the hook through which the validator and
the compiler see them — registered blocks first, then the document's composites,
then those of the enclosing documents.
"""

from __future__ import annotations

from typing import Any, ClassVar

from akid.blocks.base import Block, BlockParams, Inference, PortSpec
from akid.blocks.registry import get_block, has_block
from akid.errors import AkidError, GraphFormatError, Issue, ShapeError


class BlockResolver:
    """Type name -> block class: the registry plus a document's composite definitions.

    ``resolve`` raises ``KeyError`` for an unknown name and ``AkidError`` (code
    ``bad_composite`` / ``recursive_composite``) for a broken definition.
    """

    def __init__(self, blocks: dict[str, Any] | None = None, parent: BlockResolver | None = None) -> None:
        self.defs = dict(blocks or {})
        self.parent = parent
        self._cache: dict[str, type[Block]] = {}
        self._failed: dict[str, list[Issue]] = {}
        self._building: set[str] = parent._building if parent is not None else set()

    @classmethod
    def for_graph(cls, graph: Any, parent: BlockResolver | None = None) -> BlockResolver:
        return cls(getattr(graph, "blocks", None) or {}, parent)

    def names(self) -> list[str]:
        own = list(self.defs)
        return own + (self.parent.names() if self.parent is not None else [])

    def resolve(self, type_name: str) -> type[Block]:
        if has_block(type_name):
            return get_block(type_name)
        if type_name in self.defs:
            return self._composite(type_name)
        if self.parent is not None:
            return self.parent.resolve(type_name)
        raise KeyError(type_name)

    def _composite(self, name: str) -> type[Block]:
        if name in self._cache:
            return self._cache[name]
        if name in self._failed:
            raise AkidError(self._failed[name])
        key = f"{id(self)}:{name}"
        if key in self._building:
            raise AkidError(
                [
                    Issue(
                        "recursive_composite",
                        f"composite block {name!r} contains itself. Received: type={name!r}",
                        path=f"$.blocks.{name}",
                    )
                ]
            )
        self._building.add(key)
        try:
            cls = make_composite(name, self.defs[name], self)
        except AkidError as exc:
            self._failed[name] = list(exc.issues)
            raise
        finally:
            self._building.discard(key)
        self._cache[name] = cls
        return cls


class CompositeBlock(Block):
    """Base of composite block specs; :func:`make_composite` creates one per definition (runtime: CompositeLayer)."""

    category: ClassVar[str] = "composite"
    graph: ClassVar[Any] = None
    definition: ClassVar[dict[str, Any]] = {}
    plans: ClassVar[dict[str, Any]] = {}
    order: ClassVar[list[str]] = []
    runtime: ClassVar[str] = "akid.blocks.composite_runtime:CompositeLayer"

    @classmethod
    def infer(cls, params, inputs, node_id=None):
        from akid.graph.shapes import infer_shapes

        given = {p.name: tuple(inputs[p.name][0]) for p in cls.input_spec_ports}
        result = infer_shapes(cls.plans, cls.order, input_shapes=given)
        if result.issues:
            raise ShapeError([_outer(i, cls.type_name, node_id) for i in result.issues])
        infs = result.inferences
        outputs = {p.name: infs[p.name].outputs["result"] for p in cls.output_spec_ports}
        return Inference(
            outputs,
            params=sum(i.params for i in infs.values()),
            flops=sum(i.flops for i in infs.values()),
            notes={"inner": {k: v.outputs for k, v in infs.items()}, "inner_params": {k: v.params for k, v in infs.items()}},
        )


def make_composite(name: str, doc: Any, parent: BlockResolver | None = None) -> type[CompositeBlock]:
    """Build the block class for composite ``name`` defined by graph document ``doc``.

    The inner graph must validate on its own (with its declared Input shapes);
    at use, shapes are re-inferred from what arrives at the ports.
    """
    from akid.graph.schema import load_graph
    from akid.graph.validate import analyze

    where = f"$.blocks.{name}"
    if has_block(name):
        raise AkidError(
            [
                Issue(
                    "bad_composite",
                    f"composite {name!r} has the name of a built-in block; rename it. Received: blocks.{name}",
                    path=where,
                )
            ]
        )
    if isinstance(doc, dict) and "format" not in doc:
        doc = {"format": "akid.graph/v1", **doc}
    try:
        graph = load_graph(doc)
    except GraphFormatError as exc:
        raise AkidError([_inner(i, name, where, "bad_composite") for i in exc.issues]) from None
    inner_resolver = BlockResolver.for_graph(graph, parent)
    inner_resolver._building = parent._building if parent is not None else inner_resolver._building
    a = analyze(graph, resolver=inner_resolver, composite=True)
    if a.issues:
        raise AkidError([_inner(i, name, where, "bad_composite") for i in a.issues])
    ins = tuple(PortSpec(n.id, doc=f"inner Input {n.id}") for n in graph.nodes if n.type == "Input")
    outs = tuple(PortSpec(n.id, doc=f"inner Output {n.id}") for n in graph.nodes if n.type == "Output")
    attrs = {
        "type_name": name,
        "graph": graph,
        "definition": doc,
        "plans": a.plans,
        "order": a.order,
        "input_spec_ports": ins,
        "output_spec_ports": outs,
        "Params": BlockParams,
        "__doc__": graph.description or f"Composite block {name!r} ({len(graph.nodes)} nodes).",
        "__module__": __name__,
    }
    return type(name if name.isidentifier() else "Composite", (CompositeBlock,), attrs)


def _inner(i: Issue, name: str, where: str, code: str) -> Issue:
    node = f" node {i.node_id!r}" if i.node_id else ""
    path = where + (i.path[1:] if i.path and i.path.startswith("$") else "")
    return Issue(code, f"in composite {name!r}{node}: {i.message}", path=path)


def _outer(i: Issue, name: str, node_id: str | None) -> Issue:
    node = f" node {i.node_id!r}" if i.node_id else ""
    return Issue(i.code, f"{name}{node}: {i.message}", node_id=node_id, port=None, param=None, path=i.path)
