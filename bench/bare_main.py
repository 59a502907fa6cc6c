"""Benchmark page script: a bare PyScript page that only imports pypdf."""

import js
import pypdf

js.document.body.dataset.state = "ready"
js.document.body.dataset.pypdf = pypdf.__version__
