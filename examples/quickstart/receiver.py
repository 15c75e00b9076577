"""A tiny webhook receiver for the quickstart: prints each alert driftplane sends.

    uv run python examples/quickstart/receiver.py          # listens on 127.0.0.1:8787

Then run the quickstart in another terminal; drift alerts arrive here as JSON.
"""

from __future__ import annotations

import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            alert = json.loads(body)
            print(json.dumps(alert, indent=2), flush=True)
        except json.JSONDecodeError:
            print(body.decode(errors="replace"), flush=True)
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        sys.stderr.write(f"received {self.command} {self.path}\n")


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8787
    print(f"listening on http://127.0.0.1:{port}/driftplane", flush=True)
    HTTPServer(("127.0.0.1", port), Receiver).serve_forever()
