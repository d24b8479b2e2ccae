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
