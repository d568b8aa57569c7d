"""config/gunicorn.py: the container's server settings come from the environment."""

import runpy
from pathlib import Path

CONFIG = Path(__file__).resolve().parent.parent / "config" / "gunicorn.py"


def load_config(monkeypatch, **environment):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_workers_come_from_web_concurrency(monkeypatch):
    assert load_config(monkeypatch, WEB_CONCURRENCY="3")["workers"] == 3


def test_workers_default_to_two_per_available_cpu_plus_one(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)

    config = load_config(monkeypatch)

    assert config["workers"] == 2 * config["available_cpus"]() + 1


def test_the_port_comes_from_the_environment(monkeypatch):
    assert load_config(monkeypatch, PORT="9000")["bind"] == "0.0.0.0:9000"


def test_threads_and_timeout_come_from_the_environment(monkeypatch):
    config = load_config(monkeypatch, GUNICORN_THREADS="4", GUNICORN_TIMEOUT="60")

    assert (config["threads"], config["timeout"]) == (4, 60)


def test_each_port_has_a_control_socket_of_its_own(monkeypatch):
    # gunicorn's default is one socket per user: two services on one machine
    # (an issuer and a verifier) would fight over it.
    first = load_config(monkeypatch, PORT="8000")["control_socket"]
    second = load_config(monkeypatch, PORT="8001")["control_socket"]

    assert first != second
    assert Path(first).parent == Path(second).parent
    assert Path(first).name == "gunicorn-8000.ctl"
