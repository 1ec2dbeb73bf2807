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

bench: deps
	$(GO) test -run '^$$' -bench . -benchtime 3x ./internal/...
