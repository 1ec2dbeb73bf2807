# The two commands of the README: `make run` and `make test`.
GO ?= go
BIN := bin/clearpost

.PHONY: run test deps build generate check-generated lint bench

run: deps build
	$(BIN) dev

test: deps lint check-generated
	$(GO) test -count=1 -timeout 30m ./...

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

# The README's performance figures, measured the same way.
bench: deps
	$(GO) test -run '^$$' -bench Decide -benchtime 3000x -count 3 ./internal/content/
	$(GO) test -run '^$$' -bench 'Verify$$' -benchtime 3x ./internal/audit/
	$(GO) test -run '^$$' -bench RelayLatency ./internal/jobs/
	$(GO) test -run '^$$' -bench . -benchtime 3x ./internal/search/postgres/
	$(GO) test -run '^$$' -bench Advocacy -benchtime 2000x -timeout 30m ./internal/app/
	$(GO) test -run '^$$' -bench PublishOnTime -benchtime 1x -count 3 ./internal/app/
	$(GO) test -run '^$$' -bench Redirect -benchtime 3s -count 3 ./internal/advocacy/
