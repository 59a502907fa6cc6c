# DataFlow Tasks: `make serve` to use the app, `make test` to test it. Both set up what they need.
PORT ?= 8000
PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
# The unit tests run in JOBS processes (pytest-xdist), each test module whole in one process (its module
# fixtures, such as the Temporal dev server, start once); the e2e tests run in one, since a second browser
# would share the cores with the pages whose main-thread blocking they check.
JOBS ?= 2
UNIT := $(VPY) -m pytest tests/unit -n $(JOBS) --dist loadfile

.PHONY: serve test unit e2e lint vendor site venv bench bench-core bench-native bench-json bench-real screenshot clean

serve: vendor
	$(PYTHON) tools/serve.py --port $(PORT)

vendor:
	$(PYTHON) tools/vendor.py
	$(PYTHON) tools/build_site.py

# The deployable site (what the GitHub Pages workflow publishes), in _site/.
site: vendor
	$(PYTHON) tools/build_site.py --out _site

$(VENV)/.installed: tests/requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt
	touch $@

venv: $(VENV)/.installed

test: $(VENV)/.installed vendor
	CHROMIUM="$$($(VPY) tools/chromium.py)" && export CHROMIUM && \
	$(VPY) -m ruff check py tools tests bench && \
	$(VPY) -m mypy && \
	$(UNIT) && \
	$(VPY) -m pytest tests/e2e

unit: $(VENV)/.installed
	$(UNIT)

e2e: $(VENV)/.installed vendor
	CHROMIUM="$$($(VPY) tools/chromium.py)" $(VPY) -m pytest tests/e2e

lint: $(VENV)/.installed
	$(VPY) -m ruff check py tools tests bench
	$(VPY) -m mypy

bench: $(VENV)/.installed vendor
	CHROMIUM="$$($(VPY) tools/chromium.py)" $(VPY) bench/browser_bench.py
	$(VPY) bench/core_bench.py --out bench/results/core.md
	$(VPY) bench/native_bench.py --out bench/results/native.md
	CHROMIUM="$$($(VPY) tools/chromium.py)" $(VPY) bench/json_bench.py --out bench/results/json.md
	CHROMIUM="$$($(VPY) tools/chromium.py)" $(VPY) bench/llm_bench.py --out bench/results/llm.md
	CHROMIUM="$$($(VPY) tools/chromium.py)" $(VPY) bench/image_bench.py --out bench/results/images.md
	CHROMIUM="$$($(VPY) tools/chromium.py)" $(VPY) bench/real_docs_bench.py --out bench/results/real.md

# Real documents: PDF manuals from Debian packages (installed by the bench when root with apt-get).
bench-real: $(VENV)/.installed vendor
	CHROMIUM="$$($(VPY) tools/chromium.py)" $(VPY) bench/real_docs_bench.py --out bench/results/real.md

bench-native: $(VENV)/.installed
	$(VPY) bench/native_bench.py --out bench/results/native.md

bench-json: $(VENV)/.installed vendor
	CHROMIUM="$$($(VPY) tools/chromium.py)" $(VPY) bench/json_bench.py --out bench/results/json.md

bench-core: $(VENV)/.installed
	$(VPY) bench/core_bench.py --out bench/results/core.md

screenshot: $(VENV)/.installed vendor
	$(VPY) tools/screenshot.py

clean:
	rm -rf $(VENV) node_modules static/vendor _site .pytest_cache .hypothesis build
