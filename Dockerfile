# The worker image used by docker-compose.yml (not built on our own machines: no Docker engine).

# The wheel, engine included: maturin (pyproject.toml's build backend) compiles native/ with
# cargo against Debian bookworm's CPython 3.11, the same ABI as the python:3.11-slim stage.
FROM rust:1.95-slim-bookworm AS build
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-dev python3-pip \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY pyproject.toml README.md ./
COPY app ./app
COPY schemas ./schemas
COPY native ./native
RUN pip3 install --break-system-packages --no-cache-dir maturin==1.15.0 \
    && maturin build --release --locked --interpreter python3 --out /wheels

FROM python:3.11-slim
WORKDIR /srv/brinkwatch
COPY requirements.lock ./
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir -c requirements.lock /wheels/*.whl \
    && rm -rf /wheels \
    && useradd --create-home brinkwatch
USER brinkwatch
ENV BRINKWATCH_DATA_DIR=/home/brinkwatch/state
# 6066: the worker's health, metrics (and dashboard unless turned off); 6067: `brinkwatch dashboard`
EXPOSE 6066 6067
CMD ["brinkwatch", "worker"]
