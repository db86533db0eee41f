#!/usr/bin/env bash
# Installs the Debian packages lt needs to build and test, only when missing (a fresh CI machine
# lacks libcurl and libsecp256k1; some lack Postgres). Debian must not create its own system
# cluster: the tests start a private throwaway one (scripts/pg-test-cluster.sh).
set -euo pipefail

missing=()
for pkg in libcurl4-openssl-dev libsecp256k1-dev libpq-dev libssl-dev pkg-config curl; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    missing+=(postgresql)
fi
# promtool (in Debian's prometheus package) validates the metrics file and the alert rules in tests.
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
SUDO=
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install ${missing[*]}" >&2; exit 1; }
    SUDO=sudo
fi
$SUDO mkdir -p /etc/postgresql-common/createcluster.d
echo 'create_main_cluster = false' | $SUDO tee /etc/postgresql-common/createcluster.d/lt-no-main-cluster.conf >/dev/null
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
