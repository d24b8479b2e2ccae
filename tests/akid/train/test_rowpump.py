"""Step rows reach the host while the call that runs the steps is still going."""

from __future__ import annotations

import time

import numpy as np
import pytest
import tensorflow as tf
from train_helpers import digits_cnn, two_in_two_out, two_view_npz

from akid.train.rowpump import RowPump, enqueue_row, make_queue


def _slow_steps(queue, seconds_per_step: float):
    """A compiled loop whose steps take ~``seconds_per_step`` of real work and publish a row each."""
    size = 160

    @tf.function(autograph=False)
    def run(n):
        def body(i):
            x = tf.random.stateless_normal([size, size], seed=[1, 2])
            t0 = tf.timestamp()

            def busy(x):
                return (tf.matmul(x, x) / float(size),)

            x = tf.while_loop(lambda x: tf.timestamp() - t0 < seconds_per_step, busy, (x,))[0]
            row = tf.stack([tf.cast(i, tf.float32), tf.reduce_sum(x) * 0.0])
            with tf.control_dependencies([enqueue_row(queue, row)]):
                return (i + 1,)

        return tf.while_loop(lambda i: i < n, body, (tf.constant(0),), parallel_iterations=1)[0]

    return run


def test_rows_arrive_in_order_before_the_call_returns():
    queue = make_queue(2)
    arrivals: list[tuple[float, float]] = []
    pump = RowPump(queue, lambda row: arrivals.append((time.perf_counter(), float(row[0]))))
    run = _slow_steps(queue, 0.02)
    try:
        run(tf.constant(1))  # trace
        pump.wait(1)
        arrivals.clear()
        start = time.perf_counter()
        run(tf.constant(10))
        end = time.perf_counter()
        pump.wait(11)
    finally:
        pump.close()
    assert [i for _, i in arrivals] == list(range(10))
    assert arrivals[0][0] < end - 0.1  # the first step was handed on while 9 more were still to run
    assert start < arrivals[0][0]


def test_flush_hands_on_the_rows_of_a_call_that_failed_part_way():
    queue = make_queue(1)
    got: list[float] = []
    pump = RowPump(queue, lambda row: got.append(float(row[0])))
    ds = iter(tf.data.Dataset.range(3).map(lambda i: tf.cast(i, tf.float32)))

    @tf.function(autograph=False)
    def run(n):
        def body(i):
            with tf.control_dependencies([enqueue_row(queue, tf.reshape(ds.get_next(), [1]))]):
                return (i + 1,)

        return tf.while_loop(lambda i: i < n, body, (tf.constant(0),), parallel_iterations=1)[0]

    try:
        with pytest.raises(tf.errors.OutOfRangeError):
            run(tf.constant(5))  # the data ends after 3 steps
        assert pump.flush() == 3
    finally:
        pump.close()
    assert got == [0.0, 1.0, 2.0]


def test_an_error_in_delivery_is_raised_in_the_training_thread():
    queue = make_queue(1)

    def deliver(row):
        raise ValueError("observer broke")

    pump = RowPump(queue, deliver)
    try:
        queue.enqueue([tf.constant(0), tf.zeros([1])])
        with pytest.raises(ValueError, match="observer broke"):
            pump.wait(1)
    finally:
        pump.close()


def test_unpack_names_every_column_and_divides_only_metrics_by_the_count(tmp_path):
    """Two heads with metrics: losses, grad_norm and lr as packed, metric sums divided by the sample count."""
    from akid.train.kid import Kid

    cfg = {"epochs": 1, "steps_per_epoch": 2, "data": two_view_npz(tmp_path / "two.npz")}
    kid = Kid(two_in_two_out(), cfg, tmp_path / "log")
    try:
        names = list(kid.fns.names)
        row = np.array([0.5, 0.25, 48.0, 2.0, 96.0, 64.0, 1.5, 0.001, 0.0], dtype=np.float32)
        logs = kid.fns.unpack(row)
        empty = kid.fns.unpack(np.zeros(9, dtype=np.float32))
    finally:
        kid.close()
    assert names == ["loss", "label/loss", "label/accuracy", "digit/loss", "digit/mae"]
    want = {
        "loss": 0.5,
        "label/loss": 0.25,
        "label/accuracy": 0.75,
        "digit/loss": 2.0,
        "digit/mae": 1.5,
        "grad_norm": 1.5,
        "lr": 0.001,
        "_stop": 0.0,
    }
    assert list(logs) == list(want) and all(logs[k] == pytest.approx(v) for k, v in want.items())
    assert all(v == 0.0 for v in empty.values())  # a count of 0 divides by 1, not by 0


def test_live_points_leave_during_a_long_call(tmp_path):
    """With calls as long as the epoch allows, the first steps' points reach the sink before the
    call that ran them has returned: the stream does not wait for the call."""
    from akid.train.kid import Kid
    from akid.train.observers import ScalarObserver

    received: dict[int, float] = {}

    def sink(kind, payload, attachments):
        if kind == "metrics":
            for p in payload["points"]:
                received.setdefault(p["step"], time.perf_counter())

    cfg = {"epochs": 1, "steps_per_epoch": 40, "batch_size": 16, "checkpoint_every": 0}
    kid = Kid(digits_cnn(), cfg, tmp_path, sink=sink, observers=[ScalarObserver()])
    kid.chunk_seconds = 60.0
    kid._n_next = 40  # as if an earlier call had agreed on long calls: one call runs all 40 steps
    calls: list[tuple[int, float]] = []
    train_steps = kid.fns.train_steps

    def timed(it, n, *args, **kwargs):
        out = train_steps(it, n, *args, **kwargs)
        calls.append((n, time.perf_counter()))
        return out

    kid.fns.train_steps = timed
    try:
        kid.fit()
    finally:
        kid.close()
    assert sorted(received) == list(range(1, 41))
    assert [n for n, _ in calls] == [40]
    assert received[1] < calls[0][1]  # step 1 was out before the call that ran it returned
