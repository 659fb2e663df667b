# The few verbs people type. `make run` and `make test` do all the set-up themselves.
.PHONY: run test test-reliability lint schemas bench bench-domain bootstrap engine goldens clean kafka-stop

PY := .venv/bin/python
BW := .venv/bin/brinkwatch
# maturin needs cargo (rustup's, also when ~/.cargo/bin is not on PATH) and itself on PATH.
export PATH := $(CURDIR)/.venv/bin:$(HOME)/.cargo/bin:$(PATH)
# The engine (native/, Rust) is built into app/_native*.so; make rebuilds it when one of its
# sources is newer than the last build.
ENGINE_SOURCES := native/Cargo.toml native/Cargo.lock $(shell find native/src -name '*.rs')

bootstrap:
	./scripts/bootstrap.sh
	$(MAKE) engine

# Rebuild the engine in place after editing native/ (`pip install -e .` does the same).
engine: .venv/.brinkwatch-engine

.venv/.brinkwatch-engine: $(ENGINE_SOURCES) .venv/.brinkwatch-installed
	@echo "building the engine (native/, maturin + cargo)..."
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

run: bootstrap
	$(BW) run

test:
	./scripts/bootstrap.sh --browser
	$(MAKE) engine
	$(MAKE) lint
	$(BW) schemas --check
	$(PY) -m pytest

# tests/reliability in full: the default tests plus their long variants (marker `reliability`,
# deselected by `make test`): 20 s broker outage, two SIGKILLs in a 4,000-input replay per
# membership mode (with recovery times printed), a longer stream with a worker stopped.
test-reliability:
	./scripts/bootstrap.sh --browser
	$(MAKE) engine
	$(PY) -m pytest tests/reliability -m "reliability or not reliability" -s

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy
	$(PY) -m mypy.stubtest app._native --allowlist native/stubtest-allowlist.txt
	cd native && cargo fmt --check
	cd native && PYO3_PYTHON=$(CURDIR)/$(PY) cargo clippy --release --locked --quiet -- -D warnings

schemas: bootstrap
	$(BW) schemas

bench: bootstrap
	mkdir -p artifacts
	$(BW) bench --json artifacts/bench.json

# validate + tag + detect per article, in process (the per-article CPU budget of the domain code)
bench-domain: bootstrap
	mkdir -p artifacts
	$(PY) scripts/bench_domain.py --passes 15 --json artifacts/bench_domain.json

# The pipeline's outputs against tests/goldens (`$(PY) scripts/goldens.py --update` rewrites).
goldens: bootstrap
	$(PY) scripts/goldens.py --check

kafka-stop:
	$(BW) kafka stop

clean:
	rm -rf .brinkwatch artifacts .pytest_cache .mypy_cache .ruff_cache build native/target
	rm -f app/_native*.so .venv/.brinkwatch-engine
