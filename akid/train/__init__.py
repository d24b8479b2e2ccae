"""Training engine: Kid (the loop), kongfu (optimizers), observers, checkpoints, strategies.

Only the config is imported eagerly (no TensorFlow), so the web server can
serve the config schema without loading TensorFlow; ``train``/``predict`` load
it on first use.
"""

from akid.train.config import ConfigError, TrainConfig, load_config, train_config_schema


def train(*args, **kwargs):
    """See :func:`akid.train.api.train`."""
    from akid.train.api import train as _train

    return _train(*args, **kwargs)


def predict(*args, **kwargs):
    """See :func:`akid.train.api.predict`."""
    from akid.train.api import predict as _predict

    return _predict(*args, **kwargs)


__all__ = ["ConfigError", "TrainConfig", "load_config", "predict", "train", "train_config_schema"]
