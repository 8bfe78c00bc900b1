# syntax=docker/dockerfile:1
# bedrock-gateway container image: multi-stage, node:24-slim, runs as the unprivileged `node` user.
# Multi-architecture: the one native module (better-sqlite3) ships prebuilt binaries for
# linux-x64 and linux-arm64 inside its package, so the same Dockerfile builds linux/amd64 and
# linux/arm64 (docker buildx build --platform linux/amd64,linux/arm64 ...).
#
# This image is NOT built in CI (no Docker engine runs there). What CI does run: the server bundle
# build (scripts/build-server.ts), the start command below (test/container.test.ts starts
# `node dist/server/main.mjs` exactly like this and checks /health, /v1/models and a clean SIGTERM
# exit), the HEALTHCHECK command, and scripts/warm-compile-cache.ts.

ARG NODE_VERSION=24

# Production dependencies only. Pure JavaScript, so they are installed once on the build machine's
# own platform and copied into every target architecture.
FROM --platform=$BUILDPLATFORM node:${NODE_VERSION}-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# The server bundle (npm run build): esbuild needs the dev dependencies, the runtime image does not.
FROM --platform=$BUILDPLATFORM node:${NODE_VERSION}-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY src ./src
COPY scripts/build-server.ts scripts/build-lambda.ts scripts/zip.ts ./scripts/
RUN node scripts/build-server.ts

FROM node:${NODE_VERSION}-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    NODE_COMPILE_CACHE=/app/.compile-cache \
    DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist/server ./dist/server
COPY scripts/warm-compile-cache.ts ./scripts/
# Start the gateway once (the same command as CMD) so Node's compile cache ships warm for this
# architecture and Node version; the build fails if the server cannot start.
# The warm-up's own data (a SQLite file, a generated key) goes to a scratch directory, not the image.
RUN DATA_DIR=/tmp/warm-data node scripts/warm-compile-cache.ts && rm -rf /tmp/warm-data && chmod -R a+rX /app \
    && mkdir -p /data && chown node:node /data && chmod 700 /data
# The default store (keys, usage, stored responses) is SQLite under DATA_DIR: mount a volume here,
# or set DATABASE_URL to PostgreSQL (several replicas) or `none` (static key, no records).
VOLUME ["/data"]
USER node
EXPOSE 8080
# /health answers 200 while the process serves (status "degraded" until the model catalog loads).
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM drains in-flight requests and streams for up to SHUTDOWN_TIMEOUT (30s by default); keep
# the orchestrator's stop timeout above it (ECS stopTimeout, docker stop -t).
STOPSIGNAL SIGTERM
CMD ["node", "dist/server/main.mjs"]
