"""The spare worker (TensorFlow pre-imported) starts only after the server is up, never twice."""

from __future__ import annotations

from backend_testutil import wait_for


def test_spare_worker_starts_after_the_start_and_stops_with_the_server(make_app):
    from backend.app import shutdown

    app = make_app(WARM_WORKERS=True)
    manager = app.extensions["akid"].manager
    assert manager._warm is None  # not while the server is still starting (its import would compete)
    warm = wait_for(lambda: manager._warm, 30, 0.05, "the spare worker")
    proc = warm[0]
    assert proc.is_alive()
    manager._start_warm()  # a run's "start the next spare" racing the delayed first start
    assert manager._warm is warm  # still one spare
    shutdown(app)
    assert manager._warm is None and not proc.is_alive()


def test_no_spare_worker_after_a_quick_shutdown(make_app):
    from backend.app import shutdown

    app = make_app(WARM_WORKERS=True)
    manager = app.extensions["akid"].manager
    shutdown(app)
    manager._warm_timer.join(5)
    assert manager._warm is None
