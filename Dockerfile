# syntax=docker/dockerfile:1
#
# tikprobe container image: multi-stage, non-root, tini as PID 1, HEALTHCHECK on /healthz.
#   docker build -t tikprobe .
#   docker buildx build --platform linux/amd64,linux/arm64 -t tikprobe .   (no per-architecture steps)
# How to run it: docs/deployment.md.

# Both stages use the same image, so the native ping addon is built against the Node.js ABI
# and the C library (musl) it runs with.
ARG NODE_IMAGE=node:20-alpine

# ---- build: the toolchain, every dependency, the TypeScript build ----------------------------
FROM ${NODE_IMAGE} AS build
# python3, make and g++ are what node-gyp needs to compile raw-socket (the raw ICMP socket of
# net-ping); they stay in this stage.
RUN apk add --no-cache python3 make g++
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts are off for every package except the native addons this image needs:
# raw-socket (ICMP from the bridge) and unix-dgram (sd_notify when run under systemd).
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild raw-socket unix-dgram \
 && test -f node_modules/raw-socket/build/Release/raw.node \
 && test -f node_modules/unix-dgram/build/Release/unix_dgram.node
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The simulator workspace (packages/sim, a devDependency) is not in the build context: only the
# product is built, and the workspace's dangling link is removed with the dev dependencies.
RUN npm run build:product \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/@tikprobe

# ---- runtime: Node.js, production dependencies and dist/ only ---------------------------------
FROM ${NODE_IMAGE} AS runtime

# Set BRIDGE_ICMP=false to build an image without the file capability (no `ping.via: bridge`,
# and no need for NET_RAW in the container's capability bounding set).
ARG BRIDGE_ICMP=true
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=

LABEL org.opencontainers.image.title="tikprobe" \
      org.opencontainers.image.description="Puts MikroTik RouterOS v7 routers on a Komari dashboard by polling their REST API: nothing installed on the routers." \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="${SOURCE}"

# tini reaps zombies and forwards SIGTERM/SIGHUP to tikprobe. The node binary gets
# cap_net_raw as a file capability so the non-root user can open the ICMP raw socket; setcap
# is installed and removed in this same layer. A capability copied from another stage is not
# reliably kept by every storage driver, so it is set here, in the final stage.
RUN apk add --no-cache tini \
 && if [ "$BRIDGE_ICMP" = "true" ]; then \
      apk add --no-cache --virtual .setcap libcap-setcap \
      && setcap cap_net_raw+ep "$(readlink -f /usr/local/bin/node)" \
      && apk del .setcap; \
    fi \
 && addgroup -S -g 10001 tikprobe \
 && adduser -S -D -H -u 10001 -G tikprobe -s /sbin/nologin tikprobe \
 && mkdir -p /config /data \
 && chown 10001:10001 /data \
 && chmod 0700 /data

WORKDIR /app
# Owned by root and read-only for the service user: the program cannot rewrite itself.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The Nezha agent protocol, read at run time from the package root.
COPY proto ./proto
COPY config.example.yaml ./config.example.yaml

# A small young generation keeps peak memory near the live heap; 4 MB rather than 2 costs no
# peak memory and 3–8 points of a core less at 5 000 routers (bench/README.md).
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=4 \
    TIKPROBE_CONFIG=/config/tikprobe.yaml \
    STATE_DIRECTORY=/data

# Traffic totals and registered Komari tokens: keep this volume across upgrades.
VOLUME ["/data"]
# The status server, when the config sets status.listen: 0.0.0.0:9464.
EXPOSE 9464

USER 10001:10001

# busybox wget, already in the base image: no second Node.js process every 30 s.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["wget", "-q", "-T", "4", "-O", "/dev/null", "http://127.0.0.1:9464/healthz"]

STOPSIGNAL SIGTERM
ENTRYPOINT ["/sbin/tini", "--", "node", "/app/dist/cli.js"]
CMD ["run"]
