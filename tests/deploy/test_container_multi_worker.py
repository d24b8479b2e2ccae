"""Two training-worker containers (``python -m akid.deploy.worker``) train one run over TF_CONFIG.

What users run (docs/deployment.md, "Multi-worker training with docker run"): a job file on a shared
volume written by ``python -m akid.deploy.jobspec``, then one ``docker run --network host
--restart on-failure`` per worker with its own ``TF_CONFIG``. Worker 1's process is SIGKILLed
after the chief wrote a checkpoint (a crash, not ``docker stop``: Docker does not restart a
container stopped on purpose); its restart policy brings it back, the survivor's collectives
abort (TensorFlow's peer health check) and it is restarted too, and both resume from the
checkpoint on the shared volume: the run completes, and the workers' run logs say so.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import time
import uuid

import dockerlib
import pytest

pytestmark = [pytest.mark.docker, pytest.mark.slow]

RUN_ID = "mw-container"
# ~45 steps an epoch: long enough to crash a worker mid-run, short enough for the suite.
CONFIG = {
    "data": {"source": "digits", "params": {}},
    "epochs": 10,
    "batch_size": 32,
    "checkpoint_every": 5,
    "observers": {"histograms_every": 0, "images_every": 0, "tensorboard": False},
}


RUN_ONCE = ["run", "--rm", "--label", "akid.test=1", "--network", "none"]
# What users run per worker (docs/deployment.md): host network, restarted when it crashes.
WORKER_RUN = ["run", "-d", "--label", "akid.test=1", "--network", "host", "--restart", "on-failure:5"]
WORKER_CMD = ["python", "-m", "akid.deploy.worker", "--wait"]


def free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def in_volume(image: str, volume: str, script: str) -> str:
    """Run a shell snippet in a throwaway container that mounts the shared volume."""
    shell = ["-v", f"{volume}:/shared", "--entrypoint", "sh", image, "-c", script]
    return dockerlib.docker(*RUN_ONCE, *shell, timeout=120).stdout


READ_LOGS = f'for i in 0 1; do f=/shared/runs/{RUN_ID}/workers/worker-$i/events.jsonl; [ -f $f ] && sed "s/^/$i /" $f; done; true'


def parse_records(out: str) -> dict[int, list[dict]]:
    records: dict[int, list[dict]] = {0: [], 1: []}
    for line in out.splitlines():
        index, _, doc = line.partition(" ")
        try:
            records[int(index)].append(json.loads(doc))
        except ValueError:
            continue  # a line being written right now
    return records


def max_step(records: list[dict]) -> int:
    return max((p.get("step", 0) for r in records if r["kind"] == "metrics" for p in r["payload"].get("points", [])), default=0)


def test_two_worker_containers_train_one_run_and_survive_a_killed_worker(studio_image, tmp_path):
    volume = dockerlib.new_volume()
    (tmp_path / "train.config.json").write_text(json.dumps(CONFIG))
    for path in (tmp_path, tmp_path / "train.config.json"):  # readable by the image's uid 10001
        path.chmod(0o755)
    examples = dockerlib.ROOT / "deploy" / "examples"
    jobspec = f"python -m akid.deploy.jobspec --run-id {RUN_ID} --graph /in/mlp.graph.json"
    jobspec += " --config /cfg/train.config.json --out /shared/jobs/job.json"
    mounts = ["-v", f"{volume}:/shared", "-v", f"{examples}:/in:ro", "-v", f"{tmp_path}:/cfg:ro"]
    dockerlib.docker(*RUN_ONCE, *mounts, studio_image, *jobspec.split(), timeout=120)
    hosts = [f"127.0.0.1:{p}" for p in free_ports(2)]
    names = [f"akid-test-worker{i}-{uuid.uuid4().hex[:6]}" for i in range(2)]
    for i, name in enumerate(names):
        tf_config = {"cluster": {"worker": hosts}, "task": {"type": "worker", "index": i}}
        env = ["-e", "AKID_JOB_SPEC=/shared/jobs/job.json", "-e", f"TF_CONFIG={json.dumps(tf_config)}"]
        dockerlib.docker(*WORKER_RUN, "--name", name, "-v", f"{volume}:/shared", *env, studio_image, *WORKER_CMD)
    try:

        def logs() -> str:
            return "\n".join(f"--- {n}:\n{dockerlib.container_logs(n)}" for n in names)

        # wait until both train and the chief has written a checkpoint, then crash worker 1
        # (polled through `docker exec` in worker 0: much quicker than a new container per look)
        deadline = time.monotonic() + 240
        while True:
            script = f"{READ_LOGS}; echo; ls /shared/runs/{RUN_ID}/checkpoints 2>/dev/null; true"
            look = dockerlib.docker("exec", names[0], "sh", "-c", script, check=False, timeout=60)
            records = parse_records(look.stdout.split("\n\n")[0])
            if min(max_step(records[0]), max_step(records[1])) >= 12 and ".index" in look.stdout:
                break
            assert look.returncode == 0 and time.monotonic() < deadline, f"no checkpointed progress:\n{logs()}"
            time.sleep(0.5)
        pid = dockerlib.inspect(names[1])["State"]["Pid"]
        os.kill(pid, signal.SIGKILL)

        deadline = time.monotonic() + 420
        while True:
            states = [c["State"] for c in map(dockerlib.inspect, names)]
            if all(not s["Running"] and not s["Restarting"] for s in states):
                results = [
                    json.loads(
                        in_volume(
                            studio_image,
                            volume,
                            f"cat /shared/runs/{RUN_ID}/workers/worker-{i}/result.json 2>/dev/null || echo null",
                        )
                    )
                    for i in (0, 1)
                ]
                if all(r and r["state"] == "completed" for r in results):
                    break
            assert time.monotonic() < deadline, f"run did not complete:\n{logs()}"
            time.sleep(2)
        assert results[0]["metrics"]["steps"] == results[0]["metrics"]["total_steps"]
        assert results[0]["metrics"]["resumed_from"] > 0  # from the checkpoint, not from scratch
        assert [s["ExitCode"] for s in states] == [0, 0], logs()
        assert dockerlib.inspect(names[1])["RestartCount"] >= 1
        records = parse_records(in_volume(studio_image, volume, READ_LOGS))
        for i in (0, 1):
            messages = [r["payload"].get("message", "") for r in records[i] if r["kind"] == "log"]
            assert f"worker {i} of 2 starting (resume=True)" in messages, messages
            assert any(m.startswith("resumed from checkpoint at step") for m in messages), messages
        print(f"\n[docker] worker restarts: {[dockerlib.inspect(n)['RestartCount'] for n in names]}", flush=True)
    finally:
        dockerlib.docker("rm", "-f", *names, check=False)
        dockerlib.docker("volume", "rm", "-f", volume, check=False)
