"""Load on loopback: requests/s and latency of GET /api/search at N concurrent clients.

    .venv/bin/python -m bench.api_load --home /tmp/copy-of-a-store [--backend embedded|elasticsearch]
        [--clients 16] [--requests 3000] [--seconds 60] [--facets] [--key KEY]

Starts `exportwatch serve` (one uvicorn process, as in production) on 127.0.0.1 with the given
EXPORTWATCH_HOME, waits for /api/health, then runs `--clients` threads, each with its own
keep-alive connection, sending the queries of bench/queries.txt in turn (each client starts at a
different query) until `--requests` are done or `--seconds` have passed. Reports requests/s,
latency p50/p95/p99 and errors, and writes bench/results/api_load-<backend>.json.

Without --key the server runs with EXPORTWATCH_PUBLIC_DATA=true, so the benchmark never writes to
the store it is pointed at; with --key every request carries it (the auth path is measured too).
Loopback only; the request loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
HOST = "127.0.0.1"


def queries() -> list[str]:
    lines = (HERE / "queries.txt").read_text(encoding="utf-8").splitlines()
    return [q.strip() for q in lines if q.strip() and not q.startswith("#")]


def start_server(home: Path, port: int, backend: str, public: bool, es_prefix: str | None) -> subprocess.Popen[bytes]:
    env = {**os.environ, "EXPORTWATCH_HOME": str(home), "EXPORTWATCH_SEARCH_BACKEND": backend,
           "EXPORTWATCH_PUBLIC_DATA": "true" if public else "false"}
    if es_prefix:
        env["EXPORTWATCH_ES_INDEX_PREFIX"] = es_prefix
    exe = Path(sys.executable).with_name("exportwatch")
    proc = subprocess.Popen([str(exe), "serve", "--host", HOST, "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("server did not answer /api/health within 60 s")


class Client(threading.Thread):
    def __init__(self, port: int, paths: list[str], start: int, budget: dict[str, Any], headers: dict[str, str]):
        super().__init__(daemon=True)
        self.port, self.paths, self.i, self.budget, self.headers = port, paths, start, budget, headers
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def run(self) -> None:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        while True:
            with self.budget["lock"]:
                if self.budget["left"] <= 0 or time.monotonic() > self.budget["deadline"]:
                    break
                self.budget["left"] -= 1
            path = self.paths[self.i % len(self.paths)]
            self.i += 1
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers=self.headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    self.errors.append(f"{response.status} {path}")
            except (OSError, http.client.HTTPException) as exc:
                self.errors.append(f"{type(exc).__name__} {path}")
                conn.close()
                conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            self.latencies.append(time.perf_counter() - t0)
        conn.close()


def run_load(port: int, *, clients: int, requests: int, seconds: float, facets: bool,
             key: str | None) -> dict[str, Any]:
    params = "&facets=true" if facets else ""
    paths = [f"/api/search?q={urllib.parse.quote(q)}&limit=10{params}" for q in queries()]
    headers = {"X-API-Key": key} if key else {}
    warm = Client(port, paths, 0, {"lock": threading.Lock(), "left": len(paths), "deadline": time.monotonic() + 60},
                  headers)
    warm.run()  # every query once: caches warm, errors seen before timing
    if warm.errors:
        raise SystemExit(f"warm-up failed: {warm.errors[:3]}")
    budget = {"lock": threading.Lock(), "left": requests, "deadline": time.monotonic() + seconds}
    threads = [Client(port, paths, i * 7, budget, headers) for i in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    lat = sorted(x for t in threads for x in t.latencies)
    errors = [e for t in threads for e in t.errors]

    def pct(p: float) -> float:
        return round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 1) if lat else 0.0

    return {"clients": clients, "requests": len(lat), "errors": len(errors), "error_samples": errors[:5],
            "seconds": round(wall, 2), "requests_per_s": round(len(lat) / wall, 1) if wall else 0.0,
            "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
            "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else 0.0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, required=True, help="EXPORTWATCH_HOME with a store and search index")
    ap.add_argument("--backend", choices=["embedded", "elasticsearch"], default="embedded")
    ap.add_argument("--es-index-prefix", default=None, help="EXPORTWATCH_ES_INDEX_PREFIX for the server")
    ap.add_argument("--port", type=int, default=8791)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--facets", action="store_true", help="ask for facet counts too")
    ap.add_argument("--key", default=None, help="send this API key (server then runs key-only)")
    args = ap.parse_args()
    proc = start_server(args.home, args.port, args.backend, args.key is None, args.es_index_prefix)
    load_before = os.getloadavg()[0]
    try:
        result = run_load(args.port, clients=args.clients, requests=args.requests, seconds=args.seconds,
                          facets=args.facets, key=args.key)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    result.update({"backend": args.backend, "facets": args.facets, "auth": args.key is not None,
                   "queries": len(queries()), "cpus": os.cpu_count(), "python": platform.python_version(),
                   # The machine is shared: a load average above the core count means other work
                   # competed for the CPU and the figures are lower bounds.
                   "loadavg_1m_before": round(load_before, 2), "loadavg_1m_after": round(os.getloadavg()[0], 2)})
    print(json.dumps(result, indent=2))
    out = HERE / "results" / f"api_load-{args.backend}{'-facets' if args.facets else ''}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
