"""gunicorn's access log, as the image and docker-compose start it: a request's path, never
its query string (searched names, document numbers) nor the page it came from."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
NAME = "Camara"
DOCUMENT = "GN0451872"


def image_command() -> list[str]:
    """The Dockerfile's CMD."""
    lines = (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    command: list[str] = json.loads(next(line for line in lines if line.startswith("CMD "))[4:])
    return command


def compose_command() -> list[str]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    command: list[str] = compose["services"]["web"]["command"]
    return command


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn stopped"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not listen within 30 s")


def test_compose_runs_the_image_command() -> None:
    assert compose_command() == image_command()


def test_access_log_has_no_query_string_nor_referrer(tmp_path: Path) -> None:
    command = image_command()
    assert command[0] == "gunicorn"
    port = free_port()
    # The image's command as it is, on a free local port, with one worker. The settings only
    # need to load (DEBUG for its local host names), and the page asked for, the sign-in
    # page, reads no database: an empty SQLite file of its own, never the tests' databases.
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    arguments = [gunicorn, *command[1:], "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    environment = {
        **os.environ,
        "DEBUG": "true",
        "SECRET_KEY": "test-only",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    process = subprocess.Popen(
        arguments,
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_listening(port, process)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request(
            "GET",
            f"/accounts/login/?q={NAME}&document={DOCUMENT}",
            headers={"Referer": f"http://127.0.0.1:{port}/cases/?q={NAME}", "User-Agent": "test"},
        )
        assert connection.getresponse().status == 200
        connection.close()
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=30)
    logged = (stdout + stderr).decode()

    access_lines = [line for line in logged.splitlines() if "/accounts/login/" in line]
    assert len(access_lines) == 1, logged
    assert '"GET /accounts/login/ HTTP/1.1" 200' in access_lines[0]
    assert NAME not in logged
    assert DOCUMENT not in logged
