# The two commands of the README: `make run` and `make test`.
GO ?= go
BIN := bin/clearpost

.PHONY: run test deps build generate check-generated chart-check lint bench bench-web frontend frontend-check e2e migrate-under-load faults

run: deps frontend build
	$(BIN) dev

test: deps lint check-generated chart-check frontend-check frontend build
	$(GO) test -count=1 -timeout 30m ./...
	$(MAKE) e2e

deps:
	@bash scripts/deps.sh

build:
	$(GO) build -o $(BIN) ./cmd/clearpost

generate:
	$(GO) tool gqlgen generate

# CI fails when regenerating would change the committed generated code.
check-generated:
	@bash scripts/check-generated.sh

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# The Helm chart renders offline and every object passes the Kubernetes API types (tools/chartcheck,
# a module of its own so that Helm's dependencies stay out of the server's go.mod).
chart-check:
	cd tools/chartcheck && $(GO) vet ./... && $(GO) test -count=1 ./... && $(GO) run . ../../deploy/helm/clearpost

# Every online migration applied to the full scale dataset (100,000 posts) while the previous
# release's load runs: no request waits on a lock for more than a second. `make test` runs the same
# test on a tenth of the dataset.
migrate-under-load: deps
	CLEARPOST_SCALE_TEST=1 $(GO) test -count=1 -timeout 30m -run TestOnlineMigrationsApplyUnderLoad -v ./migrations/

# The fault and load suite, long form (`make test` runs the short one): two serve and two worker
# processes behind a load balancer under steady vegeta traffic while Redis is wiped, Redis is down
# 30 s, PostgreSQL restarts, and a worker and a serve replica are killed with -9; then what was lost
# and what was doubled is counted. About 10 minutes.
faults: deps
	CLEARPOST_FAULTS=long $(GO) test -count=1 -v -timeout 45m -run TestFleetLosesNothing ./internal/faults/

# The README's performance figures, measured the same way.
bench: deps
	$(GO) test -run '^$$' -bench Decide -benchtime 3000x -count 3 ./internal/approval/
	$(GO) test -run '^$$' -bench 'Verify$$' -benchtime 3x ./internal/audit/
	$(GO) test -run '^$$' -bench RelayLatency ./internal/jobs/
	$(GO) test -run '^$$' -bench . -benchtime 3x ./internal/search/postgres/
	$(GO) test -run '^$$' -bench Advocacy -benchtime 2000x -timeout 30m ./internal/app/
	$(GO) test -run '^$$' -bench PublishOnTime -benchtime 1x -count 3 ./internal/app/
	$(GO) test -run '^$$' -bench Redirect -benchtime 3s -count 3 ./internal/advocacy/
	$(GO) test -run '^$$' -bench RateLimiterFeed -benchtime 1500x -count 2 ./internal/app/

# The web app's speed in Chromium on the scale dataset (seeded into CLEARPOST_PERF_DB on first use).
bench-web: deps frontend build
	cd $(WEB) && CLEARPOST_PERF_DB=$${CLEARPOST_PERF_DB:-clearpost_perf} $(NPM) run perf

# The web app (frontend/): npm ci only when node_modules is missing or older than the lock file,
# vite build (into frontend/dist/app, which `build` embeds) only when a source changed.
NPM ?= npm
WEB := frontend
WEB_SRC := $(shell find $(WEB)/src $(WEB)/public -type f 2>/dev/null) $(WEB)/index.html $(WEB)/vite.config.ts $(WEB)/tsconfig.json

$(WEB)/node_modules/.package-lock.json: $(WEB)/package-lock.json $(WEB)/package.json
	cd $(WEB) && $(NPM) ci --no-audit --no-fund
	@touch $@

$(WEB)/dist/app/index.html: $(WEB)/node_modules/.package-lock.json $(WEB_SRC)
	cd $(WEB) && $(NPM) run build

frontend: $(WEB)/dist/app/index.html

# Generated GraphQL types up to date, types check, unit tests (Vitest), then the bundle budget.
frontend-check: $(WEB)/node_modules/.package-lock.json
	cd $(WEB) && $(NPM) run --silent check:generated && $(NPM) run --silent typecheck && $(NPM) test

# End-to-end journeys (Playwright with the system's Chromium) against a real `clearpost dev`.
e2e: frontend build
	cd $(WEB) && $(NPM) run --silent budget && $(NPM) run e2e
