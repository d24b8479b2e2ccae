"""TF_CONFIG derivation for each way a worker can learn its place in the cluster."""

from __future__ import annotations

import json

import pytest

from akid.deploy.tfconfig import TFConfigError, discover_by_dns, tf_config_from_env


def test_explicit_tf_config_wins():
    cfg = {"cluster": {"worker": ["a:1", "b:1"]}, "task": {"type": "worker", "index": 1}}
    env = {"TF_CONFIG": json.dumps(cfg), "JOB_COMPLETION_INDEX": "0", "AKID_WORKERS": "2", "AKID_WORKER_SERVICE": "s"}
    assert tf_config_from_env(env) == cfg


@pytest.mark.parametrize("raw", ["{not json", '{"task": {}}', "[]"])
def test_bad_tf_config_is_a_clear_error(raw):
    with pytest.raises(TFConfigError, match="TF_CONFIG"):
        tf_config_from_env({"TF_CONFIG": raw})


def test_single_worker_needs_no_tf_config():
    assert tf_config_from_env({}) is None
    assert tf_config_from_env({"AKID_WORKERS": "1"}) is None


def test_several_workers_without_an_index_is_an_error():
    with pytest.raises(TFConfigError, match="which worker"):
        tf_config_from_env({"AKID_WORKERS": "3"})


def test_kubernetes_index_requires_the_service():
    with pytest.raises(TFConfigError, match="AKID_WORKER_SERVICE"):
        tf_config_from_env({"AKID_WORKERS": "2", "JOB_COMPLETION_INDEX": "0"})
    with pytest.raises(TFConfigError, match=r"\[0, 2\)"):
        tf_config_from_env({"AKID_WORKERS": "2", "JOB_COMPLETION_INDEX": "2", "AKID_WORKER_SERVICE": "s"})
    with pytest.raises(TFConfigError, match="integer"):
        tf_config_from_env({"AKID_WORKERS": "two", "JOB_COMPLETION_INDEX": "0", "AKID_WORKER_SERVICE": "s"})


def test_explicit_hosts_get_the_default_port():
    cfg = tf_config_from_env({"AKID_WORKER_HOSTS": "w0, w1:3000", "AKID_WORKER_INDEX": "1"})
    assert cfg == {"cluster": {"worker": ["w0:2222", "w1:3000"]}, "task": {"type": "worker", "index": 1}}


def test_dns_discovery_sorts_numerically_and_finds_itself():
    addrs = ["172.18.0.10", "172.18.0.9", "172.18.0.11"]
    cfg = tf_config_from_env(
        {"AKID_WORKERS": "3", "AKID_WORKER_DISCOVERY": "dns", "AKID_WORKER_SERVICE": "worker"},
        resolve=lambda name: addrs if name == "worker" else [],
        mine=lambda: {"172.18.0.10", "127.0.0.1"},
    )
    # numeric order: .9 < .10 < .11 (text order would put .10 first and disagree between peers)
    assert cfg["cluster"]["worker"] == ["172.18.0.9:2222", "172.18.0.10:2222", "172.18.0.11:2222"]
    assert cfg["task"]["index"] == 1


def test_dns_discovery_waits_for_all_replicas():
    answers = iter([["10.0.0.2"], ["10.0.0.2"], ["10.0.0.3", "10.0.0.2"]])
    slept: list[float] = []
    cfg = discover_by_dns(
        "worker", 2, resolve=lambda _n: next(answers), mine=lambda: {"10.0.0.3"}, sleep=slept.append, interval=1.0
    )
    assert cfg["task"]["index"] == 1 and len(slept) == 2


def test_dns_discovery_gives_up_and_rejects_overscale():
    with pytest.raises(TFConfigError, match="only 1 of 3"):
        discover_by_dns(
            "worker", 3, resolve=lambda _n: ["10.0.0.2"], mine=lambda: {"10.0.0.2"}, sleep=lambda _s: None, timeout=4, interval=1
        )
    with pytest.raises(TFConfigError, match="scale"):
        discover_by_dns("worker", 1, resolve=lambda _n: ["10.0.0.2", "10.0.0.3"], mine=set, sleep=lambda _s: None)
    with pytest.raises(TFConfigError, match="cannot find this container"):
        discover_by_dns("worker", 2, resolve=lambda _n: ["10.0.0.2", "10.0.0.3"], mine=lambda: {"10.0.0.9"})
