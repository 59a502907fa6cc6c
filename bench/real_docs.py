"""The real-documents set of `make bench`: PDF manuals and references that Debian packages install,
obtained offline from the machine (no download at run time beyond the packages themselves).

`ensure_packages()` installs PACKAGES with apt-get when running as root on Debian and does nothing
otherwise; `documents()` then reads every PDF those packages installed (.pdf.gz gunzipped in
memory), leaving out SKIPPED files. Benchmark only: nothing here is served to the page.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

# package -> what it holds (Debian 12): about 25 documents, 2,600 pages together.
PACKAGES = {
    "bzip2-doc": "bzip2 manual (38 pages)",
    "libtasn1-doc": "libtasn1 manual (36 pages)",
    "shared-mime-info": "shared MIME-info specification (17 pages)",
    "fontconfig": "fontconfig user guide (15 pages)",
    "nettle-dev": "Nettle manual (111 pages)",
    "zlib1g-dev": "CRC guide (29 pages)",
    "valgrind": "Valgrind manual (397 pages)",
    "r-doc-pdf": "seven R manuals (677 pages; the 2,415-page reference is left out)",
    "gnuplot-doc": "gnuplot manual (311 pages)",
    "asymptote-doc": "Asymptote manual and four short guides (219 pages)",
    "flex-doc": "flex manual (140 pages)",
    "autoconf-doc": "Autoconf manual (403 pages)",
    "maxima-doc": "Maxima book (155 pages)",
    "octave-doc": "liboctave manual and a reference card (60 pages; the 1,158-page manual is left out)",
}
# Left out so that one run takes minutes: the two large references, their duplicate, a 1-page sample
# and two reference cards that differ from the A4 one only in paper size.
SKIPPED = {"refman.pdf", "fullrefman.pdf", "octave.pdf", "pixel.pdf", "refcard-legal.pdf", "refcard-letter.pdf"}


@dataclass(frozen=True)
class Document:
    package: str
    path: Path
    data: bytes  # the PDF's bytes (gunzipped)

    @property
    def name(self) -> str:
        """A unique file name for the page: package and file, without .gz."""
        return f"{self.package}--{self.path.name.removesuffix('.gz')}"


def ensure_packages(packages: list[str] | None = None) -> list[str]:
    """Install the packages not yet installed, when root with apt-get; returns what is still missing."""
    wanted = list(packages or PACKAGES)
    missing = [name for name in wanted if not installed(name)]
    if missing and os.geteuid() == 0 and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing], env=env,
                       stdout=subprocess.DEVNULL, check=False)
        missing = [name for name in missing if not installed(name)]
    return missing


def installed(package: str) -> bool:
    result = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True,
                            check=False)
    return result.stdout.strip().endswith(" installed")


def documents(packages: list[str] | None = None) -> list[Document]:
    """Every PDF the installed packages hold (SKIPPED left out), by package then path."""
    found = []
    for package in packages or PACKAGES:
        listing = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True, check=False).stdout
        for line in sorted(listing.split("\n")):
            path = Path(line)
            if path.name.endswith((".pdf", ".pdf.gz")) and path.name not in SKIPPED and path.is_file() \
                    and not path.is_symlink():
                data = path.read_bytes()
                found.append(Document(package, path, gzip.decompress(data) if path.suffix == ".gz" else data))
    return found
