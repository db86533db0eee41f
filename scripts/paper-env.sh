# Sourced by scripts/demo.sh and scripts/smoke.sh as `source scripts/paper-env.sh "$@"`: the set-up
# both share. Outside the cluster it builds lt and the paper exchange and re-runs the calling
# script inside a throwaway Postgres (scripts/pg-test-cluster.sh sets DATABASE_URL); inside, it
# prepares a temp dir that is removed when the script exits, whatever happens.
#
#   PAPER_QUIET=1             the build's output only when it fails
#   LT_BIN_DIR=DIR            use the lt and lt-paper-exchange already built in DIR (no build)
#   start_exchange FILE       the paper exchange with scenario FILE; exports LT_CLOB_URL,
#                             LT_GAMMA_URL, LT_DATA_API_URL and LT_POLYGON_RPC_URL
#   write_wallets NAME        exports LT_WALLETS_FILE naming one EOA wallet NAME
#   control PATH JSON         POST to the paper exchange's control API
#
# Sets LT (the lt binary), BIN (its directory) and work (the temp dir).

if [[ "${1:-}" != "--inside" ]]; then
    if [[ -n "${LT_BIN_DIR:-}" ]]; then
        :
    elif [[ "${PAPER_QUIET:-0}" == 1 ]]; then
        paper_log="$(mktemp)"
        { swift build --product lt && swift build --product lt-paper-exchange; } >"$paper_log" 2>&1 \
            || { cat "$paper_log" >&2; rm -f "$paper_log"; echo "build failed" >&2; exit 1; }
        rm -f "$paper_log"
    else
        swift build --product lt >&2
        swift build --product lt-paper-exchange >&2
    fi
    exec scripts/pg-test-cluster.sh run "$0" --inside "$@"
fi

BIN="${LT_BIN_DIR:-$(swift build --show-bin-path)}"
LT="$BIN/lt"
work="$(mktemp -d)"
exchange_pid=""
paper_cleanup() {
    [[ -n "$exchange_pid" ]] && kill "$exchange_pid" 2>/dev/null && wait "$exchange_pid" 2>/dev/null
    rm -rf "$work"
}
trap paper_cleanup EXIT

# The paper exchange stands in for the CLOB, Gamma, the Data API and the chain, on a loopback port
# of its own choosing.
start_exchange() {
    "$BIN/lt-paper-exchange" --scenario "$1" --port 0 >"$work/exchange.out" 2>"$work/exchange.err" &
    exchange_pid=$!
    local url=""
    for _ in $(seq 1 100); do
        url="$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$work/exchange.out" | head -n 1)"
        [[ -n "$url" ]] && break
        sleep 0.1
    done
    [[ -n "$url" ]] || { cat "$work/exchange.err" >&2; echo "the paper exchange did not start" >&2; exit 69; }
    export LT_CLOB_URL="$url" LT_GAMMA_URL="$url" LT_DATA_API_URL="$url" LT_POLYGON_RPC_URL="$url/rpc"
}

# The wallet signs with the well-known documentation key of the reference vectors (it holds nothing
# anywhere real). It goes into an owner-only key file, as lt requires; it is never printed. No API
# credentials are configured: lt derives them from the exchange with an L1 signature.
write_wallets() {
    local key
    key="$(sed -n 's/.*"test_private_key": *"\(0x[0-9a-fA-F]*\)".*/\1/p' Tests/Fixtures/vectors/chain.json | head -n 1)"
    (umask 077 && printf '%s\n' "$key" >"$work/$1.key")
    (umask 077 && printf '{"wallets": {"%s": {"key_file": "%s", "signature_type": 0}}}\n' "$1" "$work/$1.key" \
        >"$work/wallets.json")
    export LT_WALLETS_FILE="$work/wallets.json"
}

# POST a JSON body to the paper exchange's control API; fails on an HTTP error.
control() {
    curl -sf -X POST "$LT_CLOB_URL$1" -H 'Content-Type: application/json' -d "$2"
}
