"""TrainConfig: every knob of a training run, validated once, with defaults.

The UI renders its form from :func:`train_config_schema` and the backend stores
the dumped config next to the run, so the config must be strict (unknown keys
and wrong types are errors, reported as :class:`~akid.errors.Issue` s) and every
field must have a default that trains the default digits CNN well: a user who
presses "Train" without touching the form should see ~97% accuracy quickly.
No TensorFlow here: the web server imports this module.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from akid.errors import AkidError, Issue, issues_from_validation


class ConfigError(AkidError):
    """The training configuration is invalid (unknown key, wrong type, out of range)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, validate_default=True)


class DataConfig(_Strict):
    source: str = Field(default="digits", min_length=1, max_length=128, description="Registered data source name.")
    params: dict[str, Any] = Field(default_factory=dict, description="Source parameters (e.g. a folder path).")


class OptimizerConfig(_Strict):
    name: Literal["adam", "adamw", "sgd", "rmsprop"] = Field(default="adam", description="Optimizer (SGD uses momentum).")
    learning_rate: float = Field(default=3e-3, gt=0.0, le=10.0, description="Peak learning rate.")
    momentum: float = Field(default=0.9, ge=0.0, lt=1.0, description="SGD / RMSprop momentum.")
    weight_decay: float = Field(
        default=0.0, ge=0.0, le=1.0, description="Decoupled weight decay (AdamW; others: L2-style decay of Keras)."
    )


class ScheduleConfig(_Strict):
    name: Literal["constant", "step", "cosine", "warmup", "warmup_cosine"] = Field(
        default="constant", description="Learning-rate schedule."
    )
    warmup_steps: int = Field(default=0, ge=0, le=10_000_000, description="Linear warm-up steps (warmup, warmup_cosine).")
    step_size: int = Field(default=1000, ge=1, le=10_000_000, description="'step': multiply by gamma every step_size steps.")
    gamma: float = Field(default=0.1, gt=0.0, le=1.0, description="'step': decay factor.")
    alpha: float = Field(default=0.0, ge=0.0, le=1.0, description="Cosine: final lr as a fraction of the peak.")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        # "cosine" is accepted for {"name": "cosine"}: the CLI and hand-written configs use it.
        return {"name": value} if isinstance(value, str) else value


class EarlyStoppingConfig(_Strict):
    monitor: str = Field(default="loss", description="Validation metric watched, e.g. 'loss' or '<output>/accuracy'.")
    patience: int = Field(default=3, ge=1, le=1000, description="Epochs without improvement before stopping.")
    min_delta: float = Field(default=0.0, ge=0.0, description="Smallest change that counts as an improvement.")
    mode: Literal["auto", "min", "max"] = Field(default="auto", description="'auto': max for accuracy, min otherwise.")


class JokerConfig(_Strict):
    type: str = Field(min_length=1, max_length=64, description="Registered joker (augmentation) block.")
    params: dict[str, Any] = Field(default_factory=dict)


class ObserversConfig(_Strict):
    scalars: bool = Field(default=True, description="Loss, metrics, lr, grad norm, speed per step.")
    flush_interval: float = Field(default=0.1, ge=0.0, le=60.0, description="Seconds between batched metric events (~10/s).")
    histograms_every: int = Field(
        default=100, ge=0, le=1_000_000, description="Steps between weight/gradient histograms (0: off)."
    )
    images_every: int = Field(
        default=200, ge=0, le=1_000_000, description="Steps between filter and feature-map images (0: off)."
    )
    confusion: bool = Field(default=True, description="Confusion matrix at each validation.")
    tensorboard: bool = Field(default=True, description="Also write TensorBoard event files under logdir/tb.")
    histogram_bins: int = Field(default=30, ge=2, le=256)
    max_channels: int = Field(default=16, ge=1, le=256, description="Feature-map channels / filters drawn per layer.")


class TrainConfig(_Strict):
    """One training run. See docs/architecture.md (akid.train)."""

    data: DataConfig = Field(default_factory=DataConfig)
    epochs: int = Field(default=5, ge=1, le=100_000)
    batch_size: int = Field(default=32, ge=1, le=65_536, description="Global batch size (split over replicas).")
    steps_per_epoch: int | None = Field(
        default=None, ge=1, le=10_000_000, description="Cap on steps per epoch (default: the whole training split)."
    )
    optimizer: OptimizerConfig = Field(default_factory=OptimizerConfig)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    jokers: list[JokerConfig] = Field(default_factory=list, description="Augmentations applied while training.")
    strategy: Literal["default", "mirrored", "multi_worker"] = "default"
    workers: int = Field(default=2, ge=1, le=64, description="Worker processes for strategy=multi_worker.")
    max_restarts: int = Field(default=3, ge=0, le=100, description="multi_worker: restarts after a worker dies.")
    checkpoint_every: int = Field(default=200, ge=0, le=10_000_000, description="Steps between checkpoints (0: epoch ends only).")
    keep_checkpoints: int = Field(default=3, ge=1, le=1000)
    early_stopping: EarlyStoppingConfig | None = None
    clip_norm: float | None = Field(default=None, gt=0.0, description="Clip gradients to this global norm.")
    jit_compile: bool = Field(default=False, description="XLA-compile the train step.")
    mixed_precision: bool = Field(default=False, description="float16 compute on GPUs (ignored on CPU).")
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    observers: ObserversConfig = Field(default_factory=ObserversConfig)


def load_config(raw: TrainConfig | dict[str, Any] | None) -> TrainConfig:
    """A TrainConfig from a dict (or None for defaults); problems become ConfigError issues."""
    if isinstance(raw, TrainConfig):
        return raw
    if raw is None:
        return TrainConfig()
    if not isinstance(raw, dict):
        raise ConfigError([Issue("bad_config", f"config must be an object. Received: {type(raw).__name__}", path="$")])
    try:
        return TrainConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(issues_from_validation(exc, "config", path_root="$", codes=("unknown_key", "bad_config"))) from None


def train_config_schema() -> dict[str, Any]:
    """JSON Schema of TrainConfig plus its defaults, for ``GET /api/config/schema``."""
    return {"schema": TrainConfig.model_json_schema(), "defaults": TrainConfig().model_dump(mode="json")}
