#!/bin/sh
# Build the service's image and start it once: /healthz must answer on the embedded backend, and SIGTERM
# must end it with exit code 0. Uses podman (or docker). Where the container runtime cannot start
# containers (a sandbox without the rights to set rlimits or cgroups), it starts the image's own
# filesystem with chroot instead — the image's user, environment, working directory and command — and
# says so.
#   scripts/image-check.sh [--base NODE_IMAGE] [--tag TAG] [--port PORT]
# No registry reachable? Make a base from Debian packages first: scripts/debian-node-base.sh
set -eu
BASE=""; TAG="localhost/pipeline:check"; PORT=18080
while [ $# -gt 0 ]; do
  case "$1" in
    --base) BASE="$2"; shift 2 ;;
    --tag) TAG="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    *) echo "image-check: unknown argument $1 — usage: scripts/image-check.sh [--base NODE_IMAGE] [--tag TAG] [--port PORT]" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
if command -v podman >/dev/null; then ENGINE=podman; BUILD_FLAGS="--isolation=chroot"; else ENGINE=docker; BUILD_FLAGS=""; fi

echo "== build ($ENGINE)"
# shellcheck disable=SC2086
$ENGINE build $BUILD_FLAGS --network=host ${BASE:+--build-arg NODE_IMAGE="$BASE"} -t "$TAG" .
$ENGINE image inspect --format 'user={{.Config.User}} workdir={{.Config.WorkingDir}} cmd={{json .Config.Cmd}}' "$TAG"

health() {
  node -e "fetch('http://127.0.0.1:$PORT/healthz').then(r=>r.json().then(b=>{console.log(r.status,JSON.stringify(b));process.exit(r.status===200&&b.status==='ok'?0:1)})).catch(()=>process.exit(1))"
}
wait_healthy() {
  i=0
  until health; do i=$((i + 1)); [ $i -lt 150 ] || { echo "image-check: no healthy answer in 30 s" >&2; return 1; }; sleep 0.2; done
}

echo "== start"
NAME="pipeline-check-$$"
if $ENGINE run -d --name "$NAME" --network=host -e PORT="$PORT" -e PIPELINE_DIR=/tmp/state "$TAG" >/dev/null 2>"/tmp/$NAME.err"; then
  wait_healthy
  $ENGINE stop -t 10 "$NAME" >/dev/null
  CODE=$($ENGINE inspect --format '{{.State.ExitCode}}' "$NAME")
  $ENGINE logs "$NAME" | tail -3
  $ENGINE rm "$NAME" >/dev/null
else
  echo "image-check: $ENGINE cannot start a container here: $(tail -1 "/tmp/$NAME.err")"
  $ENGINE rm -f "$NAME" >/dev/null 2>&1 || true
  [ "$ENGINE" = podman ] || exit 1
  echo "image-check: starting the image's filesystem with chroot instead (its user, env, workdir and command)"
  CID=$(podman create "$TAG")
  ROOTFS=$(podman mount "$CID")
  USER_ID=$(podman image inspect --format '{{.Config.User}}' "$TAG")
  WORKDIR=$(podman image inspect --format '{{.Config.WorkingDir}}' "$TAG")
  ENVS=$(podman image inspect --format '{{range .Config.Env}}{{.}} {{end}}' "$TAG")
  CMD=$(podman image inspect --format '{{range .Config.Cmd}}{{.}} {{end}}' "$TAG")
  UIDGID=$(chroot "$ROOTFS" id -u "$USER_ID"):$(chroot "$ROOTFS" id -g "$USER_ID")
  # shellcheck disable=SC2086
  chroot --userspec="$UIDGID" "$ROOTFS" /usr/bin/env -i $ENVS HOME=/tmp PORT="$PORT" PIPELINE_HOST=127.0.0.1 PIPELINE_DIR=/tmp/state \
    /bin/sh -c "cd $WORKDIR && exec $CMD" > "/tmp/$NAME.out" 2>&1 &
  PID=$!
  wait_healthy || { cat "/tmp/$NAME.out"; kill "$PID"; exit 1; }
  kill -TERM "$PID"
  set +e; wait "$PID"; CODE=$?; set -e
  tail -3 "/tmp/$NAME.out"
  podman umount "$CID" >/dev/null; podman rm "$CID" >/dev/null
fi
rm -f "/tmp/$NAME.err" "/tmp/$NAME.out"
echo "== exit code after SIGTERM: $CODE"
[ "$CODE" = 0 ]
