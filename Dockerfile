# The worker image used by docker-compose.yml (not built on our own machines: no Docker engine).
FROM python:3.11-slim
WORKDIR /srv/brinkwatch
COPY requirements.lock pyproject.toml README.md ./
COPY app ./app
COPY schemas ./schemas
RUN pip install --no-cache-dir -c requirements.lock . \
    && useradd --create-home brinkwatch
USER brinkwatch
ENV BRINKWATCH_DATA_DIR=/home/brinkwatch/state
EXPOSE 6066
CMD ["brinkwatch", "worker"]
