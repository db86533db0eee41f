# lt — everything a fresh machine needs goes through these targets.
#   make test   install missing Debian packages, start a throwaway Postgres, run every test, stop it
#   make demo   build, throwaway Postgres, migrate, seed a demo strategy + FT signals, run jobs, status
#   make smoke  the whole loop against the paper exchange with assertions: silent on success (CI)
#   make check  warnings-as-errors build + swift format lint
#   make release the binary to deploy: .build/static/release/lt, Swift runtime linked in
SWIFT ?= swift
CLUSTER := scripts/pg-test-cluster.sh

.PHONY: all build check test demo smoke bench deps embed-sql lint release torture

all: build

build:
	$(SWIFT) build

deps:
	scripts/install-deps.sh

# The deployed binary links the Swift runtime and Foundation statically: every cron tick starts a
# process, and this halves lt's own start-up CPU; the host needs only the Debian C libraries, no
# Swift runtime (docs/benchmarks.md "Idle tick", docs/operations.md "Deployment"). Its own scratch
# path, so it never invalidates the dynamic debug/test build.
STATIC_SCRATCH := .build/static
release:
	$(SWIFT) build -c release --static-swift-stdlib --product lt --scratch-path $(STATIC_SCRATCH)
	@echo "$(STATIC_SCRATCH)/release/lt"

# The schema lives in sql/; the binary carries a generated copy (a test fails when it is stale).
embed-sql:
	scripts/embed-sql.sh

check:
	$(SWIFT) build -Xswiftc -warnings-as-errors
	$(SWIFT) format lint --strict --recursive Sources Tests

lint:
	$(SWIFT) format lint --recursive Sources Tests

# Tests that run a job as a whole process find the built binary through LT_BIN.
test: deps
	$(SWIFT) build --build-tests
	LT_BIN="$$($(SWIFT) build --show-bin-path)/lt" $(CLUSTER) run $(SWIFT) test --skip-build $(TEST_ARGS)
	PAPER_EXCHANGE_BIN="$$($(SWIFT) build --show-bin-path)/lt-paper-exchange" scripts/official-clients-test.sh

demo: deps
	scripts/demo.sh

# What a CI job runs against a new build: exit 0 and no output, or the failing step and why.
smoke: deps
	scripts/smoke.sh

# Crash and concurrency torture of execute (8 concurrent runs, followers among them, random SIGKILLs,
# venue latency), then the exactly-once and books checks; exit 1 on a failed check. Not in `make
# test` (about a minute per 10 rounds): ROUNDS=30 STRATEGIES=20 make torture for a longer one.
torture: deps
	scripts/torture.sh

# Benchmarks print figures, never assert timings (docs/benchmarks.md). The execute bench runs the
# release `lt` against lt-paper-exchange and a throwaway Postgres; BENCH_EXECUTE_ARGS picks sizes
# (1,000 strategies: BENCH_EXECUTE_ARGS="--strategies 100,1000").
BENCH_EXECUTE_ARGS ?= --strategies 100 --signals 10 --history 0,1000000
BENCH_SYNC_ARGS ?= --strategies 100 --signals 10 --history 0,1000000
# Latency benches (issue 15, docs/benchmarks.md "Latency"): the follow bench simulates cron minutes
# of --minute (10 s by default, not 60 s) so it runs in about two minutes per mode.
BENCH_BURST_ARGS ?= --strategies 100 --latency 150 --max-in-flight 1,8,16
BENCH_IDLE_ARGS ?= --strategies 100,1000 --runs 21
BENCH_FOLLOW_ARGS ?= --minute 10s --minutes 3 --signals-per-minute 10 --latency 50 --modes poll,notify,cron
BENCH_BIN = $$($(SWIFT) build -c release --show-bin-path)

bench: deps
	$(SWIFT) build -c release --product lt-bench
	$(SWIFT) build -c release --product lt
	$(SWIFT) build -c release --product lt-paper-exchange
	$(SWIFT) build -c release --static-swift-stdlib --product lt --scratch-path $(STATIC_SCRATCH)
	"$(BENCH_BIN)/lt-bench" signing
	$(CLUSTER) run "$(BENCH_BIN)/lt-bench" execute $(BENCH_EXECUTE_ARGS)
	$(CLUSTER) run "$(BENCH_BIN)/lt-bench" sync $(BENCH_SYNC_ARGS)
	$(CLUSTER) run "$(BENCH_BIN)/lt-bench" burst $(BENCH_BURST_ARGS)
	$(CLUSTER) run "$(BENCH_BIN)/lt-bench" idle $(BENCH_IDLE_ARGS) --compare $(STATIC_SCRATCH)/release/lt
	$(CLUSTER) run "$(BENCH_BIN)/lt-bench" follow $(BENCH_FOLLOW_ARGS)
