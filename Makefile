# The few verbs people type. `make run` and `make test` do all the set-up themselves.
.PHONY: run test lint schemas bench bench-domain bootstrap clean kafka-stop compile

PY := .venv/bin/python
BW := .venv/bin/brinkwatch
# rustup's cargo, also when ~/.cargo/bin is not on PATH (as in some CI jobs)
CARGO := $(shell command -v cargo 2>/dev/null || echo $(HOME)/.cargo/bin/cargo)

bootstrap:
	./scripts/bootstrap.sh

run: bootstrap
	$(BW) run

test:
	./scripts/bootstrap.sh --browser
	$(MAKE) lint
	$(BW) schemas --check
	$(PY) -m pytest

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy
	cd native && $(CARGO) fmt --check
	cd native && CARGO_TARGET_DIR=../build/native/target PYO3_PYTHON=$(CURDIR)/$(PY) \
		$(CARGO) clippy --release --locked --quiet -- -D warnings

schemas: bootstrap
	$(BW) schemas

bench: bootstrap
	mkdir -p artifacts
	$(BW) bench --json artifacts/bench.json

# validate + tag + detect per article, in process (the per-article CPU budget of the domain code)
# Rebuild the mypyc extension modules of app/domain (bootstrap does it when sources change).
compile: bootstrap
	$(PY) scripts/compile_domain.py --force

bench-domain: bootstrap
	mkdir -p artifacts
	$(PY) scripts/bench_domain.py --passes 15 --json artifacts/bench_domain.json

kafka-stop:
	$(BW) kafka stop

clean:
	-$(PY) scripts/compile_domain.py --clean
	rm -rf .brinkwatch artifacts .pytest_cache .mypy_cache .ruff_cache build
