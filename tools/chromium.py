#!/usr/bin/env python3
"""Find a Chromium for the end-to-end tests, installing one if there is none.

Order: $CHROMIUM, then /usr/bin/chromium; if neither exists, Debian's `chromium` package when
running as root with apt-get (CI), otherwise Playwright's own build (`playwright install`).
Prints the executable to use, or "playwright" when Playwright's bundled build is the one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
BUNDLED = "playwright"


def find_chromium() -> str | None:
    """The Chromium executable to launch, BUNDLED for Playwright's own, or None if none is known."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit
    if SYSTEM_CHROMIUM.exists():
        return str(SYSTEM_CHROMIUM)
    return None


def install_chromium() -> str:
    """Install Debian's chromium as root, else Playwright's build (a no-op when already there)."""
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        # stdout must stay clean: `make test` reads the chosen executable from it
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], check=True, env=env, stdout=sys.stderr)
        return str(SYSTEM_CHROMIUM)
    subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=True, stdout=sys.stderr)
    return BUNDLED


def main() -> int:
    found = find_chromium()
    if found is None:
        print("chromium: none found; installing one", file=sys.stderr)
        try:
            found = install_chromium()
        except (subprocess.CalledProcessError, OSError) as error:
            print(f"chromium: error: could not install Chromium ({error}). "
                  "Set CHROMIUM=/path/to/chromium and run again.", file=sys.stderr)
            return 1
    print(found)
    return 0


if __name__ == "__main__":
    sys.exit(main())
