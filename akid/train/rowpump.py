"""Each training step's scalars reach the host as soon as the step ends, not when its call returns.

The Kid runs many steps per ``tf.function`` call (one Python round trip and one
executor start-up cost ~1.5 ms, a third of a small CNN's step, so short calls
are slow). Before this, a step's scalars came back with the call, so the call
length was a trade between speed and how live the live stream is. Now every
step inside a call enqueues its packed row on a ``tf.queue.FIFOQueue`` and one
host thread (:class:`RowPump`) dequeues it (blocking in TensorFlow, without the
GIL) and hands it on at once, while the call goes on. Calls can then be long
(bounded by how quickly a stop request or a status must be seen) and points
still leave within a millisecond of their step.

The queue carries ``(kind, row)`` pairs: steps (:data:`ROW`) from the graph, and
two markers the host puts in itself, a barrier (:data:`BARRIER`: "everything
before me has been handed on", used after a call that failed part-way) and
the end of the pump (:data:`END`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import tensorflow as tf

ROW, BARRIER, END = 0, 1, 2
#: Rows the queue holds before a step's enqueue waits (backpressure on a stalled consumer):
#: minutes of steps, a few MB.
CAPACITY = 1 << 16


def make_queue(width: int) -> tf.queue.FIFOQueue:
    """The step-row queue the training graph writes to: ``(kind, row of width floats)``."""
    with tf.device("/cpu:0"):
        return tf.queue.FIFOQueue(CAPACITY, [tf.int32, tf.float32], shapes=[[], [width]], name="akid_step_rows")


def enqueue_row(queue: tf.queue.FIFOQueue, row: tf.Tensor) -> tf.Operation:
    """The op a step runs to publish its row (inside the compiled loop)."""
    return queue.enqueue([tf.constant(ROW), row])


class RowPump:
    """One daemon thread that hands every step row to ``deliver`` in order, as it arrives.

    The training thread knows how many rows it asked for: :meth:`wait` blocks
    until that many have been delivered, so what follows a call (the last
    step's observers, checkpoints) sees every earlier step handed on first.
    An exception in ``deliver`` stops delivery (rows are still drained) and is
    raised from the next :meth:`wait` or :meth:`flush` in the training thread.
    """

    def __init__(self, queue: tf.queue.FIFOQueue, deliver: Callable[[np.ndarray], None]):
        self._queue, self._deliver = queue, deliver
        self._width = int(queue.shapes[1][0])
        self._cond = threading.Condition()
        self._delivered = 0
        self._barriers = 0
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="akid-step-rows", daemon=True)
        self._thread.start()

    @property
    def delivered(self) -> int:
        return self._delivered

    def _run(self) -> None:
        while True:
            kind, row = self._queue.dequeue()
            kind = int(kind)
            if kind == END:
                return
            if kind == ROW and self.error is None:
                try:
                    self._deliver(row.numpy())
                except BaseException as exc:  # re-raised in the training thread
                    self.error = exc
            with self._cond:
                if kind == ROW:
                    self._delivered += 1
                else:
                    self._barriers += 1
                self._cond.notify_all()

    def _put(self, kind: int) -> None:
        self._queue.enqueue([tf.constant(kind), tf.zeros([self._width], tf.float32)])

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def wait(self, count: int) -> None:
        """Block until ``count`` rows in all have been delivered."""
        with self._cond:
            self._cond.wait_for(lambda: self._delivered >= count)
        self._raise()

    def flush(self) -> int:
        """Deliver every row already in the queue (a call that stopped part-way enqueued an unknown
        number); returns the number delivered in all."""
        with self._cond:
            target = self._barriers + 1
        self._put(BARRIER)
        with self._cond:
            self._cond.wait_for(lambda: self._barriers >= target)
        self._raise()
        return self._delivered

    def close(self) -> None:
        """Deliver what is queued, then stop the thread."""
        if self._thread.is_alive():
            self._put(END)
            self._thread.join()
