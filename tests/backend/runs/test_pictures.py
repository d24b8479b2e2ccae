"""Pictures are published on their own thread, in order; a run's end waits for its pictures."""

import threading

from backend.runs.pictures import PictureSender


def test_pictures_go_out_in_order_and_the_caller_does_not_wait():
    sender, done, gate = PictureSender(), [], threading.Event()

    def slow():
        assert gate.wait(10)
        done.append("slow")

    sender.put("r", slow)
    sender.put("r", lambda: done.append("next"))
    assert done == []  # put returned while the first picture is still being published
    assert sender.wait_idle("r", timeout=0.05) is False
    gate.set()
    assert sender.wait_idle("r", timeout=10) is True
    assert done == ["slow", "next"]
    sender.close()


def test_a_failing_picture_does_not_stop_the_sender():
    sender, done = PictureSender(), []

    def boom():
        raise RuntimeError("bad png")

    sender.put("r", boom)
    sender.put("s", lambda: done.append("s"))
    assert sender.wait_idle("r", 10) and sender.wait_idle("s", 10)
    assert done == ["s"]
    sender.close()
