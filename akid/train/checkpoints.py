"""Checkpoints: model, optimizer, step counter and data position, every N steps.

A checkpoint holds everything a resumed run needs to continue *as if it had
never stopped*: the weights, the optimizer slots and iteration (hence the
learning-rate schedule), the global step (so the loss curve continues at the
same x), the epoch and the batch position inside it (the sensor skips the
batches already seen). Files are named ``ckpt-<step>`` so tools that cannot
import TensorFlow (the launcher, the backend) can read the step from the name.

Under MultiWorkerMirroredStrategy every worker must take part in ``save``
(variables may need collective reads), but only the chief writes to the real
directory; the others write to a private temporary directory that is removed
right after, as the TensorFlow multi-worker tutorial advises.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import tensorflow as tf

_CKPT_RE = re.compile(r"ckpt-(\d+)\.index$")


def model_trackable(model) -> tf.train.Checkpoint:
    """The model's blocks as checkpoint dependencies named by node id.

    ``GraphModel`` keeps its blocks in a Keras-tracked list, which TensorFlow's
    object-graph checkpointing does not see (``tf.train.Checkpoint(model=m)``
    would save no weights); naming each block explicitly also makes checkpoints
    independent of the order in which blocks were created.
    """
    layers = getattr(getattr(model, "program", None), "layers", None)
    if not layers:
        return tf.train.Checkpoint(model=model)
    return tf.train.Checkpoint(**{re.sub(r"[^A-Za-z0-9_-]", "_", nid) or "_": layer for nid, layer in layers.items()})


def checkpoint_dir(logdir: str | os.PathLike) -> Path:
    return Path(logdir) / "checkpoints"


def latest_step(logdir: str | os.PathLike) -> int | None:
    """Step of the newest checkpoint under ``logdir`` (None if none), without TensorFlow."""
    d = checkpoint_dir(logdir)
    if not d.is_dir():
        return None
    steps = [int(m.group(1)) for p in d.iterdir() if (m := _CKPT_RE.search(p.name))]
    return max(steps) if steps else None


class Checkpointer:
    """Saves and restores a run's state; one per process.

    ``state`` variables (``step``, ``epoch``, ``batch``) are int64 tf.Variables
    that the training loop updates; they are created here, outside any
    strategy scope, because they are plain counters every worker keeps in step.
    """

    def __init__(
        self, logdir: str | os.PathLike, model, optimizer, *, keep: int = 3, is_chief: bool = True, worker_index: int = 0
    ):
        self.step = tf.Variable(0, dtype=tf.int64, trainable=False, name="step")
        self.epoch = tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch")
        self.batch = tf.Variable(0, dtype=tf.int64, trainable=False, name="batch")
        self.ckpt = tf.train.Checkpoint(
            model=model_trackable(model), optimizer=optimizer, step=self.step, epoch=self.epoch, batch=self.batch
        )
        self.is_chief = is_chief
        self.directory = checkpoint_dir(logdir)
        if is_chief:
            write_dir = self.directory
        else:
            write_dir = Path(logdir) / "tmp" / f"worker_{worker_index}"
        write_dir.mkdir(parents=True, exist_ok=True)
        self._write_dir = write_dir
        self.manager = tf.train.CheckpointManager(self.ckpt, str(write_dir), max_to_keep=keep, checkpoint_name="ckpt")
        self.last_saved_step: int | None = None

    def restore_latest(self) -> int | None:
        """Restore the newest checkpoint of the chief's directory; return its step (None: fresh start)."""
        path = tf.train.latest_checkpoint(str(self.directory))
        if not path:
            return None
        self.ckpt.restore(path).assert_existing_objects_matched()
        self.last_saved_step = int(self.step.numpy())
        return self.last_saved_step

    def save(self) -> str | None:
        """Write a checkpoint numbered by the global step (all workers must call this)."""
        step = int(self.step.numpy())
        if self.last_saved_step == step:  # the same on every worker, so all skip together
            return None
        path = self.manager.save(checkpoint_number=step)
        self.last_saved_step = step
        if not self.is_chief:
            shutil.rmtree(self._write_dir, ignore_errors=True)
            self._write_dir.mkdir(parents=True, exist_ok=True)
        return path


def restore_model(model, logdir: str | os.PathLike) -> int:
    """Load only the model weights of the newest checkpoint (for predict); return its step."""
    path = tf.train.latest_checkpoint(str(checkpoint_dir(logdir)))
    if not path:
        from akid.errors import Issue
        from akid.train.config import ConfigError

        raise ConfigError(
            [Issue("no_checkpoint", f"no checkpoint under {checkpoint_dir(logdir)}: train the model first", path=str(logdir))]
        )
    step = tf.Variable(0, dtype=tf.int64)
    status = tf.train.Checkpoint(model=model_trackable(model), step=step).restore(path)
    status.expect_partial()
    status.assert_existing_objects_matched()
    return int(step.numpy())
