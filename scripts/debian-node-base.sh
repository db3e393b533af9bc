#!/bin/sh
# A Node 20 base image made from Debian packages, for machines that reach the Debian mirror and the npm
# registry but no container registry (where `node:20-slim` cannot be pulled). Debian's own nodejs is 18,
# so the base takes this machine's Node 20 binary and npm. Run as root; needs debootstrap and podman.
#   scripts/debian-node-base.sh [TAG]        (default localhost/node:20-slim-debian)
# Then: scripts/image-check.sh --base TAG
set -eu
TAG="${1:-localhost/node:20-slim-debian}"
NODE="$(command -v node)"
NPM_DIR="$(dirname "$(readlink -f "$(command -v npm)")")/.."
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
ROOTFS="$WORK/rootfs"

debootstrap --variant=minbase bookworm "$ROOTFS" http://deb.debian.org/debian
cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
chroot "$ROOTFS" apt-get update -q
chroot "$ROOTFS" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ca-certificates
chroot "$ROOTFS" apt-get clean
rm -rf "$ROOTFS/var/lib/apt/lists/"*
# This machine's trust store: where egress goes through an intercepting proxy, npm in the build
# reaches the registry only with its CA. (A base for a real registry build would not need it.)
cp /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/ca-certificates.crt"
cp "$NODE" "$ROOTFS/usr/local/bin/node"
mkdir -p "$ROOTFS/usr/local/lib/node_modules"
cp -a "$NPM_DIR" "$ROOTFS/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"
# The official images' unprivileged user, which the Dockerfile's runtime stage switches to.
chroot "$ROOTFS" useradd --uid 1000 --create-home --shell /bin/bash node
chroot "$ROOTFS" /usr/local/bin/node --version
tar -C "$ROOTFS" -c . | podman import --change 'CMD ["node"]' --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' - "$TAG"
echo "base image: $TAG"
