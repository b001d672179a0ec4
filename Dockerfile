# syntax=docker/dockerfile:1
# Build stage: dependencies first (cached while only the source changes), then the project itself.
FROM python:3.11-slim AS build
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY pyproject.toml README.md ./
# Install only the dependencies, from the pyproject, before any source is copied.
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml','rb'))['project']['dependencies']))" > requirements.txt \
    && pip install -r requirements.txt
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY scheduler ./scheduler
COPY config ./config
RUN pip install --no-deps .

# Runtime stage: the virtualenv only, run as an unprivileged user.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    COMMUNITYBOT_DATABASE_PATH=/data/communitybot.db \
    COMMUNITYBOT_COMMUNITY_FILE=/config/community.toml \
    COMMUNITYBOT_WEB__HOST=0.0.0.0 \
    COMMUNITYBOT_WEB__PORT=8080
RUN groupadd --system --gid 10001 bot \
    && useradd --system --uid 10001 --gid bot --home-dir /data --shell /usr/sbin/nologin bot \
    && mkdir -p /data /config && chown bot:bot /data
COPY --from=build /opt/venv /opt/venv
COPY community.example.toml /config/community.example.toml
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status == 200 else 1)"]
ENTRYPOINT ["communitybot"]
CMD ["run"]
