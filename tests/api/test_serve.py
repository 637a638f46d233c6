"""`exportwatch serve` as an operator runs it: a real process on loopback, stopped with SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from exportwatch.commands.serve import serve
from tests.api.builder import build


def test_serve_answers_and_stops_cleanly(tmp_path: Path) -> None:
    settings, keys = build(tmp_path / "site")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "EXPORTWATCH_HOME": str(settings.home), "EXPORTWATCH_SOURCES": str(settings.sources_file)}
    exe = Path(sys.executable).with_name("exportwatch")
    args = [str(exe), "serve", "--port", str(port)]
    if "--no-scheduler" in {opt for param in serve.params for opt in param.opts}:
        args.append("--no-scheduler")  # the API alone: no crawl or delivery job may start in a test
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/health", timeout=2) as r:
                    health = json.load(r)
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        assert health["status"] == "ok" and health["public_data"] is False
        request = urllib.request.Request(f"{base}/api/search?q=frequency", headers={"X-API-Key": keys.readonly})
        with urllib.request.urlopen(request, timeout=10) as r:
            assert json.load(r)["total"] >= 2
    finally:
        proc.send_signal(signal.SIGTERM)
        # uvicorn shuts down gracefully, then re-raises the signal so the exit status tells why.
        assert proc.wait(timeout=30) in (0, -signal.SIGTERM)
    log = proc.stderr.read().decode() if proc.stderr else ""
    assert f"http://127.0.0.1:{port}/" in log and "key-only" in log
    assert "Finished server process" in log  # the graceful path, not a kill
