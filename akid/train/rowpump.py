"""Each training step's scalars reach the host as soon as the step ends, not when its call returns.

The Kid runs many steps per ``tf.function`` call (one Python round trip and one
executor start-up cost ~1.5 ms, a third of a small CNN's step, so short calls
are slow). Before this, a step's scalars came back with the call, so the call
length was a trade between speed and how live the live stream is. Now every
step inside a call enqueues its packed row on a ``tf.queue.FIFOQueue`` and one
host thread (:class:`RowPump`) takes it off and hands it on while the call goes on. Calls can then be long
(bounded by how quickly a stop request or a status must be seen) and points
still leave within a few milliseconds of their step.

The thread polls (every :data:`POLL_S`, or at once when the training thread
waits for it) and takes every queued row with one ``dequeue_many``. An eager
queue op issued from this thread while the training call runs costs ~100-200 us
of CPU (measured), so a blocking ``dequeue`` per row took ~4 % of a small CNN's
step from the cores the step runs on; polling every 20 ms costs a quarter of
that, and `bench/run.py --quick` measured cnn 1.19-1.26 -> 1.34-1.58 against
Keras and observer_overhead 0.94-0.96 -> 0.96-0.98 side by side.

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
#: How often the row thread looks for new rows: the most a point waits in the queue (the stream's
#: target is 50 ms end to end with one viewer).
POLL_S = 0.02


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
        self._poke = threading.Event()
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
            self._poke.wait(POLL_S)
            self._poke.clear()
            n = int(self._queue.size())
            if not n:
                continue
            kinds, rows = self._queue.dequeue_many(n)
            for kind, row in zip(kinds.numpy().tolist(), rows.numpy()):
                if kind == END:
                    return
                if kind == ROW and self.error is None:
                    try:
                        self._deliver(row)
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
        self._poke.set()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def wait(self, count: int) -> None:
        """Block until ``count`` rows in all have been delivered."""
        with self._cond:
            if self._delivered < count:
                self._poke.set()  # the rows are queued: take them now, not at the next poll
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
