# ByteStream — run `make help` for the list of targets.
GO ?= go
PKGS := ./...

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-12s %s\n", $$1, $$2}'

.PHONY: test
test: fmt-check vet race docs-check ## everything CI runs: gofmt, vet, race tests, docs drift
	@echo "make test: all checks passed"

.PHONY: fmt-check
fmt-check: ## fail if any Go file is not gofmt-clean
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

.PHONY: vet
vet: ## go vet every package
	$(GO) vet $(PKGS)

.PHONY: race
race: ## run all tests under the race detector
	$(GO) test -race -count=1 $(PKGS)

.PHONY: docs-check
docs-check: ## fail if a code excerpt in docs/ drifted from the source
	$(GO) tool embedmd -d docs/*.md

.PHONY: docs
docs: ## rewrite the code excerpts in docs/ from the source
	$(GO) tool embedmd -w docs/*.md

.PHONY: server
server: ## run the final server on 127.0.0.1:9000 with frame logging
	$(GO) run ./final server -v
