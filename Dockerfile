# The worker image used by docker-compose.yml (not built on our own machines: no Docker engine).

# The native core (native/, Rust + PyO3), built against Debian bookworm's CPython 3.11: the same
# ABI and extension suffix as the python:3.11-slim stage below.
FROM rust:1.95-slim-bookworm AS native
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY native ./
RUN PYO3_PYTHON=python3 cargo build --release --locked

FROM python:3.11-slim
WORKDIR /srv/brinkwatch
# gcc: the domain code is compiled with mypyc (scripts/compile_domain.py), as on our machines.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.lock pyproject.toml README.md ./
COPY app ./app
COPY schemas ./schemas
COPY native ./native
COPY scripts/compile_domain.py scripts/build_native.py ./scripts/
COPY --from=native /build/target/release/lib_native.so /tmp/lib_native.so
# Editable install: the compiled modules sit next to their sources, as on a development machine.
RUN pip install --no-cache-dir -c requirements.lock -e . mypy==2.4.1 setuptools==65.5.0 \
    && python scripts/compile_domain.py \
    && python scripts/build_native.py --install /tmp/lib_native.so \
    && useradd --create-home brinkwatch
USER brinkwatch
ENV BRINKWATCH_DATA_DIR=/home/brinkwatch/state
# 6066: the worker's health, metrics (and dashboard unless turned off); 6067: `brinkwatch dashboard`
EXPOSE 6066 6067
CMD ["brinkwatch", "worker"]
