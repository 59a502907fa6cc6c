#!/usr/bin/env python3
"""Serve the site on 127.0.0.1 with the MIME types Pyodide needs (.mjs, .wasm). Standard library only."""

from __future__ import annotations

import argparse
import functools
import http.server
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with module-script and wasm MIME types, whatever the system's mime.types says."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
        ".toml": "application/toml",
        ".whl": "application/zip",
        ".webmanifest": "application/manifest+json",
    }


class QuietHandler(SiteHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


def make_server(directory: Path, port: int = 0, *, quiet: bool = False) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(QuietHandler if quiet else SiteHandler, directory=str(directory))
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    server = make_server(ROOT, args.port)
    print(f"DataFlow Tasks: http://127.0.0.1:{server.server_port}/  (Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
