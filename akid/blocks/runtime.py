"""Runtime layers: a block spec made into a Keras layer (imports TensorFlow; compile time only).

Almost every block *is* a stock Keras layer (its spec's ``keras`` mapping), so
:class:`SpecLayer` wraps that layer under the node id: the compiled model, the
exported plain-Keras model and an imported Keras model compute the same thing
by construction, and checkpoints keep the ``node_id/inner/kernel`` paths.
Blocks with no stock equivalent (Input, Split, composites, jokers) have their
own runtime classes, named by their spec's ``runtime``.
"""

from __future__ import annotations

from typing import Any

import keras

from akid.blocks.base import Block, BlockParams


class RuntimeLayer(keras.layers.Layer):
    """Base of every runtime layer: knows its spec and validated params."""

    def __init__(self, spec: type[Block], params: BlockParams, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        self.spec = spec
        self.p = params
        self.type_name = spec.type_name
        self.category = spec.category

    def infer(self, params: BlockParams, inputs: dict[str, list[tuple]], node_id: str | None = None) -> Any:
        """The spec's static rule, for code holding only the layer."""
        return self.spec.infer(params, inputs, node_id=node_id)

    def build(self, input_shape: Any = None) -> None:
        """Sub-layers build on their first call.

        Without this, Keras traces ``call`` symbolically once per block just to
        build it — the dominant cost of compiling a large graph.
        """
        self.built = True

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["block"] = self.spec.type_name
        config["params"] = self.p.model_dump(mode="json")
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Any:
        from akid.blocks.registry import get_block

        config = dict(config)
        spec = get_block(config.pop("block"))
        params = config.pop("params", {})
        return spec.build_layer(params, **config)


@keras.saving.register_keras_serializable(package="akid")
class SpecLayer(RuntimeLayer):
    """A block whose computation is the stock Keras layer its spec maps to."""

    def __init__(self, spec: type[Block], params: BlockParams, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(spec, params, name=name, **kwargs)
        if spec.keras is None:
            raise TypeError(f"{spec.type_name} has no Keras mapping; give it its own runtime")
        cls_name, kw = spec.keras.to_keras(params)
        self.inner = build_keras_layer(cls_name, kw, name=spec.keras.inner)
        self._inner_training = self.inner._call_has_training_arg
        self.supports_masking = True  # the mask rides on the tensor into the stock layer; see compute_mask

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        if self._inner_training:
            return self.inner(inputs, training=training)
        return self.inner(inputs)

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        """The stock layer already set (or dropped) the output mask exactly as Keras does; add none of ours."""
        return None


@keras.saving.register_keras_serializable(package="akid")
class PassLayer(RuntimeLayer):
    """Input and Output: the value passes through (Inputs are cast by the graph program), its mask too."""

    def __init__(self, spec: type[Block], params: BlockParams, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(spec, params, name=name, **kwargs)
        self.supports_masking = True

    def call(self, inputs: Any) -> Any:
        return inputs


def build_keras_layer(cls_name: str, kwargs: dict[str, Any], name: str | None = None) -> Any:
    """The stock layer of a Keras mapping; a :class:`~akid.blocks.keras_map.LayerRef` argument (a wrapper's
    inner layer, as in ``Bidirectional(LSTM(...))``) is made into its layer first."""
    from akid.blocks.keras_map import LayerRef

    args = {k: keras_layer_class(v.cls)(**v.kwargs) if isinstance(v, LayerRef) else v for k, v in kwargs.items()}
    return keras_layer_class(cls_name)(**args, name=name)


def keras_layer_class(name: str) -> type:
    """A stock Keras layer class by name, or one of akid's few extra layers."""
    from akid.blocks import keras_extra

    extra = getattr(keras_extra, name, None)
    if isinstance(extra, type):
        return extra
    return getattr(keras.layers, name)
