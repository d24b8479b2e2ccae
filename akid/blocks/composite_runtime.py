"""The runtime of a composite block: its inner graph run as one Keras layer (imports TensorFlow)."""

from __future__ import annotations

from typing import Any

import keras

from akid.blocks.base import Block, BlockParams
from akid.blocks.runtime import RuntimeLayer


@keras.saving.register_keras_serializable(package="akid")
class CompositeLayer(RuntimeLayer):
    """Runs the inner graph of a composite spec; inner blocks are sub-layers named by inner node ids."""

    def __init__(self, spec: type[Block], params: BlockParams, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(spec, params, name=name, **kwargs)
        from akid.graph.compile import GraphProgram

        self.program = GraphProgram(spec.graph, spec.plans, spec.order)
        self.inner_blocks = list({id(layer): layer for layer in self.program.layers.values()}.values())  # shared once
        self.supports_masking = True  # masks ride into the inner graph on the tensors; see compute_mask

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        """The inner blocks set the output masks as Keras would; the composite adds none."""
        return None

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        names = [p.name for p in self.spec.input_spec_ports]
        feed = dict(inputs) if isinstance(inputs, dict) else {names[0]: inputs}
        out = self.program.run(feed, training=training)
        results = [out[p.name] for p in self.spec.output_spec_ports]
        return results[0] if len(results) == 1 else results

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["composite"] = {"type": self.spec.type_name, "graph": self.spec.definition}
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> CompositeLayer:
        from akid.blocks.composite import make_composite

        config = dict(config)
        comp = config.pop("composite")
        spec = make_composite(comp["type"], comp["graph"])
        config.pop("block", None)
        params = config.pop("params", {})
        return spec.build_layer(params, **config)
