# syntax=docker/dockerfile:1
#
# Clearpost: one image for `clearpost serve`, `clearpost worker` and `clearpost migrate up`.
#
#   docker build -t clearpost:dev .
#   docker run --rm clearpost:dev help
#
# Stage 1 builds the web app (frontend/, Vite), stage 2 the Go binary with that build embedded
# (frontend/web.go: //go:embed all:dist), stage 3 is the runtime: the static binary, CA
# certificates and nothing that fetches anything when the container starts. The base images are
# build arguments so that an operator can pin them by digest (--build-arg GO_IMAGE=golang@sha256:...).

ARG NODE_IMAGE=node:22-slim
ARG GO_IMAGE=golang:1.26
ARG RUNTIME_IMAGE=alpine:3.22

# --- the web app -------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS web
WORKDIR /src/frontend
# No browser is ever downloaded (the end-to-end tests use the system's Chromium, not this image).
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
    npm_config_update_notifier=false
# The lock file first, so that `npm ci` is cached until a dependency changes; postinstall.mjs runs
# during `npm ci`.
COPY frontend/package.json frontend/package-lock.json ./
COPY frontend/scripts/ ./scripts/
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
# vite build into dist/app, then the first-page bundle budget (fails the build above 200 kB).
RUN npm run build

# --- the binary --------------------------------------------------------------------------------
FROM ${GO_IMAGE} AS build
WORKDIR /src
ENV CGO_ENABLED=0 \
    GOFLAGS=-buildvcs=false
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/frontend/dist/app/ ./frontend/dist/app/
# timetzdata: time zones (reviewers' and plans' schedules) need no tzdata in the runtime image.
RUN go build -trimpath -tags timetzdata -ldflags="-s -w" -o /out/clearpost ./cmd/clearpost \
 && test -f frontend/dist/app/index.html

# --- the runtime -------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE}
# ca-certificates: HTTPS to the identity provider, the social platforms, Meilisearch and SMTP.
# busybox's wget (part of the base) is what deploy/compose.yaml's healthcheck calls.
RUN apk add --no-cache ca-certificates \
 && addgroup -S -g 65532 clearpost \
 && adduser -S -D -H -u 65532 -G clearpost -h /nonexistent -s /sbin/nologin clearpost
COPY --from=build /out/clearpost /usr/local/bin/clearpost
# A numeric user, so that Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 65532:65532
# Listen on every interface of the container (the binary's own default is loopback).
ENV CLEARPOST_HTTP_ADDR=:8080 \
    CLEARPOST_METRICS_ADDR=:9090 \
    CLEARPOST_LOG_FORMAT=json
EXPOSE 8080 9090
# No HEALTHCHECK here: the same image runs serve (GET /healthz) and worker (no HTTP listener), so
# each deployment states its own (deploy/compose.yaml, the Helm chart's probes).
ENTRYPOINT ["/usr/local/bin/clearpost"]
CMD ["serve"]
