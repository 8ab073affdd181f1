# PortraitBot: one image for the server and the workers.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DATA_DIR=/data HTTP_HOST=0.0.0.0 HTTP_PORT=8080

RUN apt-get update \
 && apt-get install -y --no-install-recommends libgl1 libglib2.0-0 curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 portraitbot \
 && mkdir -p /data && chown portraitbot /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY core core
COPY engine engine
COPY worker worker
COPY bot bot
COPY locales locales
COPY portraitbot portraitbot
RUN pip install .

USER portraitbot
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${HTTP_PORT}/healthz" || exit 1
CMD ["portraitbot", "server"]
