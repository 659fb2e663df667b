# The worker image used by docker-compose.yml (not built on our own machines: no Docker engine).
FROM python:3.11-slim
WORKDIR /srv/brinkwatch
# gcc: the domain code is compiled with mypyc (scripts/compile_domain.py), as on our machines.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.lock pyproject.toml README.md ./
COPY app ./app
COPY schemas ./schemas
COPY scripts/compile_domain.py ./scripts/
# Editable install: the compiled modules sit next to their sources, as on a development machine.
RUN pip install --no-cache-dir -c requirements.lock -e . mypy==2.4.1 setuptools==65.5.0 \
    && python scripts/compile_domain.py \
    && useradd --create-home brinkwatch
USER brinkwatch
ENV BRINKWATCH_DATA_DIR=/home/brinkwatch/state
# 6066: the worker's health, metrics (and dashboard unless turned off); 6067: `brinkwatch dashboard`
EXPOSE 6066 6067
CMD ["brinkwatch", "worker"]
