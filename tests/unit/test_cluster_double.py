"""A Kubernetes API test double: a tiny HTTP server on 127.0.0.1 that serves recorded API responses from
tests/data/cluster/*.json, so the real kubernetes client (and Helm's) talk to it through a generated kubeconfig and
deserialise real JSON. Loopback only; it never reaches the network.

Each data file maps "METHOD /path" (optionally with "?query") to the response body, or to {"$status": N, "$body": {}}
for an error, with "$headers" to send (e.g. the API server's Warning headers). A POST answer may be
{"$cases": [{"$if": "text", ...answer}, ...]}: the first case whose text occurs in the request body answers (a dry-run
create per pod on one path; no case: the echo). Unknown paths answer 404 like the API server. Writes (POST, PUT)
are recorded and answered from the file when it has an answer, else echoed back (201 for a POST). Other test modules
import it by name (pytest puts tests/unit on sys.path).
"""

from __future__ import annotations

import json
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "data" / "cluster"


def load_routes(*names: str) -> dict[str, Any]:
    """The routes of one or more data files; later files win (a scenario overrides a base)."""
    routes: dict[str, Any] = {}
    for name in names:
        routes.update(json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))["routes"])
    return routes


def load_stages(name: str) -> list[dict[str, Any]]:
    """An install scenario: the cluster as seen at successive polls, each stage's routes over the previous ones."""
    stages, routes = [], {}
    for stage in json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))["stages"]:
        routes = {**routes, **stage}
        stages.append(routes)
    return stages


class ApiDouble:
    """The server, its routes (mutable between calls: a test can move a pod from Pending to Running) and the
    requests it received."""

    def __init__(self, routes: dict[str, Any]) -> None:
        self.routes = routes
        self.requests: list[tuple[str, str, Any]] = []
        double = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _answer(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                double.requests.append((method, self.path, body))
                path = self.path.split("?", 1)[0].rstrip("/") or "/"
                query = urllib.parse.unquote(self.path.partition("?")[2])
                found = double.routes.get(f"{method} {path}?{query}", double.routes.get(f"{method} {path}"))
                if isinstance(found, dict) and "$cases" in found:
                    text = json.dumps(body)
                    found = next((case for case in found["$cases"] if case.get("$if", "") in text), None)
                status, payload, headers = 200, found, {}
                if found is None:
                    if method in ("POST", "PUT") and body is not None:
                        status, payload = (201 if method == "POST" else 200), body
                    else:
                        status, payload = 404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                                "message": f"{path} not found", "reason": "NotFound", "code": 404}
                elif isinstance(found, dict) and "$status" in found:
                    status, payload, headers = found["$status"], found.get("$body", {}), found.get("$headers", {})
                data = payload if isinstance(payload, str) else json.dumps(payload)
                raw = data.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain" if isinstance(payload, str) else "application/json")
                self.send_header("Content-Length", str(len(raw)))
                for name, values in headers.items():
                    for value in [values] if isinstance(values, str) else values:
                        self.send_header(name, value)
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self._answer("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._answer("POST")

            def do_PUT(self) -> None:  # noqa: N802
                self._answer("PUT")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def kubeconfig(self, folder: Path, context: str = "kind-double") -> Path:
        """A kubeconfig whose current context points at this double."""
        path = folder / "kubeconfig"
        path.write_text(json.dumps({
            "apiVersion": "v1", "kind": "Config", "current-context": context,
            "clusters": [{"name": "double", "cluster": {"server": self.url}}],
            "contexts": [{"name": context, "context": {"cluster": "double", "user": "tester"}}],
            "users": [{"name": "tester", "user": {"token": "test-token"}}],
        }), encoding="utf-8")
        return path

    def paths(self, method: str = "GET") -> list[str]:
        return [path for m, path, _ in self.requests if m == method]


@contextmanager
def serving(routes: dict[str, Any]) -> Iterator[ApiDouble]:
    double = ApiDouble(routes)
    thread = threading.Thread(target=double.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield double
    finally:
        double.server.shutdown()
        double.server.server_close()
        thread.join(timeout=5)


def test_the_double_serves_recorded_json_and_404_for_the_rest() -> None:
    with serving(load_routes("base")) as double:
        with urllib.request.urlopen(f"{double.url}/version", timeout=5) as answer:
            assert json.load(answer)["gitVersion"].startswith("v1.")
        try:
            urllib.request.urlopen(f"{double.url}/api/v1/nothing-here", timeout=5)
        except urllib.error.HTTPError as error:
            assert error.code == 404
        else:
            raise AssertionError("an unknown path must answer 404")
        assert double.paths() == ["/version", "/api/v1/nothing-here"]
