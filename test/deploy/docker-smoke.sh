#!/bin/sh
# Smoke test of the container image. Needs a Docker engine (not part of `npm test`):
#   sh test/deploy/docker-smoke.sh            # builds tikprobe:smoke from the repository root
#   IMAGE=tikprobe:1.2.3 sh test/deploy/docker-smoke.sh   # tests an existing image instead
# Checks: non-root user; node holds CAP_NET_RAW when the container keeps NET_RAW and ICMP from
# the bridge (net-ping) works; without NET_RAW node refuses to start with the documented error;
# the HEALTHCHECK turns healthy against a running bridge with status.listen on 0.0.0.0:9464.
set -eu
cd "$(dirname "$0")/../.."

IMAGE="${IMAGE:-}"
if [ -z "$IMAGE" ]; then
  IMAGE=tikprobe:smoke
  docker build -t "$IMAGE" .
fi
NAME="tikprobe-smoke-$$"
fail() { echo "FAIL: $*" >&2; docker rm -f "$NAME" >/dev/null 2>&1 || true; exit 1; }
trap 'docker rm -f "$NAME" >/dev/null 2>&1 || true' EXIT

echo "1. runs as a non-root user"
uid=$(docker run --rm --entrypoint id "$IMAGE" -u)
[ "$uid" != "0" ] || fail "the image runs as root"

echo "2. node holds CAP_NET_RAW (bit 13 of CapEff) with only NET_RAW granted"
capeff=$(docker run --rm --cap-drop ALL --cap-add NET_RAW --entrypoint node "$IMAGE" \
  -e "process.stdout.write(/CapEff:\s*(\w+)/.exec(require('fs').readFileSync('/proc/self/status','utf8'))[1])")
[ $(( (0x$capeff >> 13) & 1 )) -eq 1 ] || fail "CapEff=$capeff lacks CAP_NET_RAW"

echo "3. ICMP echo from the bridge works (net-ping raw socket, as ping.via: bridge uses it)"
docker run --rm --cap-drop ALL --cap-add NET_RAW --entrypoint node "$IMAGE" -e "
  const s = require('net-ping').createSession({ timeout: 2000, retries: 1 });
  s.pingHost('127.0.0.1', (err) => { s.close(); if (err) { console.error(err.message); process.exit(1); } });
" || fail "ICMP from the container failed"

echo "4. without NET_RAW in the bounding set the kernel refuses to start node (documented in docs/troubleshooting.md)"
if out=$(docker run --rm --cap-drop ALL --entrypoint node "$IMAGE" -e "0" 2>&1); then
  fail "node started without NET_RAW: the file capability is missing"
fi
echo "$out" | grep -qi "operation not permitted" || fail "unexpected error without NET_RAW: $out"

echo "5. HEALTHCHECK turns healthy against a running bridge (simulated routers inside the container)"
docker run -d --name "$NAME" --cap-drop ALL --cap-add NET_RAW --tmpfs /tmp --read-only \
  --health-interval 2s --health-start-period 5s \
  --entrypoint /bin/sh "$IMAGE" -c '
    node /app/dist/cli.js simulate --routers 2 --port 18080 --write-config /tmp/fleet.yaml > /tmp/sim.log 2>&1 &
    while [ ! -s /tmp/fleet.yaml ]; do sleep 1; done
    printf "status:\n  listen: 0.0.0.0:9464\n" >> /tmp/fleet.yaml
    exec /sbin/tini -s -- node /app/dist/cli.js run --config /tmp/fleet.yaml' >/dev/null
i=0
while :; do
  health=$(docker inspect -f '{{.State.Health.Status}}' "$NAME")
  [ "$health" = healthy ] && break
  i=$((i + 1))
  [ $i -lt 60 ] || { docker logs "$NAME" >&2; fail "health is $health after 60 s"; }
  sleep 1
done
docker exec "$NAME" wget -q -O - http://127.0.0.1:9464/metrics | grep -q '^tikprobe_router_up{router=' || fail "/metrics has no tikprobe_router_up"

echo "6. SIGTERM stops it cleanly within the grace period"
docker stop -t 15 "$NAME" >/dev/null
code=$(docker inspect -f '{{.State.ExitCode}}' "$NAME")
[ "$code" = 0 ] || fail "exit code $code after SIGTERM"

echo "docker smoke test: all checks passed"
