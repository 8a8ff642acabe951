# sslreseller — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
GO ?= go
STATICCHECK := $(GO) tool -modfile=tools/go.mod staticcheck

.PHONY: help build run test lint fmt generate check-generated bench db-start db-stop simulate clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## build bin/sslreseller
	$(GO) build -o bin/sslreseller ./cmd/sslreseller

run: build ## start the service on a private local PostgreSQL cluster with a demo tenant
	tools/run.sh

test: ## run every test (-race) against a throwaway PostgreSQL cluster
	tools/test.sh

lint: ## gofmt check, go vet, staticcheck
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...

fmt: ## format the Go code
	gofmt -w $$(git ls-files '*.go')

generate: ## regenerate River's migration files from the River version in go.mod
	$(GO) test ./migrations -run TestRiverMigrationsMatchGoMod -update

check-generated: ## fail when generated files are out of date
	$(GO) test ./migrations -run TestRiverMigrationsMatchGoMod

bench: ## run the benchmarks against a throwaway PostgreSQL cluster
	GOTESTFLAGS="-run ^$$ -bench . -benchmem" tools/test.sh

db-start: ## start the local development cluster by hand (port 54329)
	PG_AUTH_HOST=scram-sha-256 tools/pg.sh start dev $${SSLR_DEV_PG_PORT:-54329}

db-stop: ## stop the local development cluster
	tools/pg.sh stop dev

clean: ## remove build outputs (keeps .data)
	rm -rf bin artifacts
