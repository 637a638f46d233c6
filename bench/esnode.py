"""A throw-away Elasticsearch node for the benchmark, through scripts/elasticsearch.sh: loopback,
a free port, bounded start and stop, data purged after. Its peak memory is read from /proc."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "elasticsearch.sh"


class BenchNodeError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Node:
    def __init__(self, heap: str = "2g") -> None:
        self.port = free_port()
        self.heap = heap
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "EXPORTWATCH_ES_PORT": str(self.port),
                    "EXPORTWATCH_ES_HEAP": heap}
        self.pid: int | None = None

    def _run(self, *args: str, timeout: float) -> str:
        try:
            proc = subprocess.run([str(SCRIPT), *args], env=self.env, capture_output=True,
                                  text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise BenchNodeError(f"elasticsearch.sh {' '.join(args)} timed out after "
                                 f"{timeout:.0f}s") from exc
        if proc.returncode != 0:
            raise BenchNodeError(f"elasticsearch.sh {' '.join(args)} failed: {proc.stdout}"
                                 f"{proc.stderr}")
        return proc.stdout

    def start(self) -> None:
        self._run("install", timeout=900)
        out = self._run("start", timeout=300)
        if m := re.search(r"\(pid (\d+)\)", out):
            self.pid = int(m.group(1))

    def stop(self) -> None:
        with contextlib.suppress(BenchNodeError):  # best effort: the script kills a hung node
            self._run("stop", "--purge", timeout=180)

    def peak_rss_mb(self) -> float | None:
        """The node's peak resident memory (VmHWM): heap, off-heap and mapped index pages."""
        if self.pid is None:
            return None
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
        except OSError:
            return None
        return None

    def __enter__(self) -> Node:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
