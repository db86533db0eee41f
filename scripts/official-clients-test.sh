#!/usr/bin/env bash
# Drives lt-paper-exchange with the official Polymarket Python clients (py-clob-client-v2, and the
# unified polymarket-client when it installs), pinned, in a throwaway virtualenv. Skips with exit 0
# when python3, venv or the package index is unavailable; any failure after that fails loudly.
#   PAPER_EXCHANGE_BIN  the built lt-paper-exchange (default: swift build --show-bin-path)
set -euo pipefail

cd "$(dirname "$0")/.."
CLOB_CLIENT="py-clob-client-v2==1.2.1"
UNIFIED_CLIENT="polymarket-client==0.14.0"

skip() {
    echo "official clients: skipped: python/pip unavailable ($1)"
    exit 0
}

command -v python3 >/dev/null 2>&1 || skip "no python3"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv" >/dev/null 2>&1 || skip "python3 -m venv failed"
pip=("$work/venv/bin/python" -m pip --disable-pip-version-check --quiet)
# Reachability of the index, checked on the one package the test cannot do without.
"${pip[@]}" download --timeout 15 --retries 1 --no-deps -d "$work/probe" "$CLOB_CLIENT" >/dev/null 2>&1 ||
    skip "cannot download $CLOB_CLIENT from the package index"

# From here on, a failure is a failure.
"${pip[@]}" install "$CLOB_CLIENT" pytest
if "${pip[@]}" install "$UNIFIED_CLIENT" >"$work/unified.log" 2>&1; then
    echo "official clients: $UNIFIED_CLIENT installed"
else
    echo "official clients: $UNIFIED_CLIENT did not install; its tests are skipped:"
    tail -n 5 "$work/unified.log"
fi

bin="${PAPER_EXCHANGE_BIN:-$(swift build --show-bin-path)/lt-paper-exchange}"
[ -x "$bin" ] || { echo "official clients: $bin not found (build it: swift build --product lt-paper-exchange)" >&2; exit 1; }
export PAPER_EXCHANGE_BIN="$bin"
# No __pycache__ in the source tree.
export PYTHONDONTWRITEBYTECODE=1
"$work/venv/bin/python" -m pytest -q -p no:cacheprovider Tests/OfficialClients
