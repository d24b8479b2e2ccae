"""The few Keras layers akid adds to stock Keras (imports TensorFlow; runtime and export only).

Exported plain-Keras code pastes their source, so it still needs no akid.
"""

from __future__ import annotations

import keras


@keras.saving.register_keras_serializable(package="akid_export")
class SplitLayer(keras.layers.Layer):
    """Cut a tensor into ``num`` equal parts along ``axis`` (Keras axis, batch included)."""

    def __init__(self, num=2, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.num, self.axis = num, axis

    def call(self, inputs):
        return list(keras.ops.split(inputs, self.num, axis=self.axis))

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        if shape[self.axis] is not None:
            shape[self.axis] //= self.num
        return [tuple(shape)] * self.num

    def get_config(self):
        return {**super().get_config(), "num": self.num, "axis": self.axis}


@keras.saving.register_keras_serializable(package="akid_export")
class LayerScale(keras.layers.Layer):
    """x * gamma, one learned scale per channel (ConvNeXt's layer scale; same config as Keras')."""

    def __init__(self, init_values=1e-6, projection_dim=1, **kwargs):
        super().__init__(**kwargs)
        self.init_values, self.projection_dim = init_values, projection_dim

    def build(self, input_shape):
        self.gamma = self.add_weight(
            shape=(self.projection_dim,), initializer=keras.initializers.Constant(self.init_values), trainable=True, name="gamma"
        )

    def call(self, x):
        return x * self.gamma

    def get_config(self):
        return {**super().get_config(), "init_values": self.init_values, "projection_dim": self.projection_dim}


@keras.saving.register_keras_serializable(package="akid_export")
class CustomScaleLayer(keras.layers.Layer):
    """inputs[0] + inputs[1] * scale (Inception-ResNet's scaled residual; same config as Keras')."""

    def __init__(self, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, inputs):
        return inputs[0] + inputs[1] * self.scale

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}
