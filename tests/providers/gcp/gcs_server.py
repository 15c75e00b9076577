"""A small Cloud Storage JSON API on 127.0.0.1, enough for gcsfs to list, stat and read objects.

gcsfs honours STORAGE_EMULATOR_HOST, so `gs://` data in a spec is read through fsspec exactly
as on Google Cloud, from objects kept in memory here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit


class GcsServer:
    """Objects by (bucket, name); ``start()`` serves them and returns the base URL."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}
        self.requests: list[str] = []
        self._server: ThreadingHTTPServer | None = None

    def put(self, bucket: str, name: str, data: bytes) -> None:
        self.objects[(bucket, name)] = data

    def metadata(self, bucket: str, name: str) -> dict[str, Any]:
        data = self.objects[(bucket, name)]
        return {
            "kind": "storage#object",
            "bucket": bucket,
            "name": name,
            "size": str(len(data)),
            "generation": "1",
            "contentType": "application/octet-stream",
            "updated": "2026-01-01T00:00:00.000Z",
            "timeCreated": "2026-01-01T00:00:00.000Z",
            "md5Hash": base64.b64encode(hashlib.md5(data).digest()).decode(),
            "storageClass": "STANDARD",
        }

    def start(self) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self._server = server
        return f"http://127.0.0.1:{server.server_port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def _handler(store: GcsServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def _send(
            self, status: int, body: bytes, content_type: str = "application/json", extra: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, data: Any) -> None:
            self._send(status, json.dumps(data).encode())

        def _missing(self, what: str) -> None:
            self._json(404, {"error": {"code": 404, "message": f"No such object: {what}"}})

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            store.requests.append(self.path)
            path = url.path
            if match := re.fullmatch(r"/download/storage/v1/b/([^/]+)/o/(.+)", path):
                bucket, name = match[1], unquote(match[2])
                data = store.objects.get((bucket, name))
                if data is None:
                    return self._missing(f"{bucket}/{name}")
                if rng := re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", "")):
                    start = int(rng[1])
                    end = int(rng[2]) if rng[2] else len(data) - 1
                    part = data[start : end + 1]
                    return self._send(
                        206,
                        part,
                        "application/octet-stream",
                        {"Content-Range": f"bytes {start}-{start + len(part) - 1}/{len(data)}"},
                    )
                return self._send(200, data, "application/octet-stream")
            if match := re.fullmatch(r"/storage/v1/b/([^/]+)/o/(.+)", path):
                bucket, name = match[1], unquote(match[2])
                if (bucket, name) not in store.objects:
                    return self._missing(f"{bucket}/{name}")
                return self._json(200, store.metadata(bucket, name))
            if match := re.fullmatch(r"/storage/v1/b/([^/]+)/o", path):
                bucket = match[1]
                prefix = query.get("prefix", "") or ""
                delimiter = query.get("delimiter", "")
                items, prefixes = [], set()
                for b, name in sorted(store.objects):
                    if b != bucket or not name.startswith(prefix):
                        continue
                    rest = name[len(prefix) :]
                    if delimiter and delimiter in rest:
                        prefixes.add(prefix + rest.split(delimiter, 1)[0] + delimiter)
                    else:
                        items.append(store.metadata(b, name))
                return self._json(200, {"kind": "storage#objects", "items": items, "prefixes": sorted(prefixes)})
            if match := re.fullmatch(r"/storage/v1/b/([^/]+)", path):
                return self._json(200, {"kind": "storage#bucket", "name": match[1]})
            return self._json(404, {"error": {"code": 404, "message": f"not implemented: {path}"}})

    return Handler
