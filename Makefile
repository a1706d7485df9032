# ByteStream — run `make help` for the list of targets.
GO ?= go
PKGS := ./...
FUZZTIME ?= 30s

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-12s %s\n", $$1, $$2}'

## --- what CI runs -----------------------------------------------------------

.PHONY: test
test: fmt-check vet race docs-check ## everything CI runs: gofmt, vet, race tests, docs drift
	@echo "make test: all checks passed"

.PHONY: fmt-check
fmt-check: ## fail if any Go file is not gofmt-clean
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

.PHONY: vet
vet: ## go vet every package, including the files behind the soak and exercise tags
	$(GO) vet $(PKGS)
	$(GO) vet -tags soak ./final/soak
	$(GO) vet -tags exercise ./steps/...

.PHONY: race
race: ## run all tests under the race detector (fuzz seeds included)
	$(GO) test -race -count=1 $(PKGS)

.PHONY: docs-check
docs-check: ## fail if a code excerpt in docs/ drifted from the source
	$(GO) tool embedmd -d docs/*.md

## --- running things ---------------------------------------------------------

.PHONY: server
server: ## run the final server on 127.0.0.1:9000, logging every frame
	$(GO) run ./final server -v

.PHONY: client
client: ## send "hello" and "world" to the server that `make server` started
	$(GO) run ./final client -message hello -message world

.PHONY: bench
bench: ## measure latency and throughput beside raw TCP (about 16 s)
	$(GO) run ./final bench

.PHONY: demo
demo: ## show a naive receiver break and a length-prefixed one survive, through the lab proxy
	$(GO) run ./lab demo

.PHONY: lab
lab: ## run the lab proxy on 127.0.0.1:9001 in front of `make server`, every request byte its own write
	$(GO) run ./lab proxy -listen 127.0.0.1:9001 -upstream 127.0.0.1:9000 -up split=1 -frames v1

## --- for students -----------------------------------------------------------

.PHONY: exercises
exercises: ## run the chapters' exercise tests (each fails until its exercise is done)
	$(GO) test -tags exercise -run Exercise ./steps/...

## --- long runs, each bounded ------------------------------------------------

.PHONY: soak
soak: ## robustness suite: 10,000 connections, hostile clients, shutdown under load; prints the figures table (about a minute)
	$(GO) test -tags soak -run . -count=1 -v -timeout 5m ./final/soak

.PHONY: soak-race
soak-race: ## the soak suite under the race detector, at reduced counts
	$(GO) test -race -tags soak -run . -count=1 -v -timeout 5m ./final/soak

.PHONY: fuzz
fuzz: ## run each fuzz target for FUZZTIME (default 30s): the frame reader, then a whole server connection
	$(GO) test -run '^$$' -fuzz '^FuzzReader$$' -fuzztime $(FUZZTIME) ./final/frame
	$(GO) test -run '^$$' -fuzz '^FuzzServerConn$$' -fuzztime $(FUZZTIME) ./final/soak

.PHONY: gobench
gobench: ## Go benchmarks of final/ for benchstat: 10 runs each, several minutes
	$(GO) test -run '^$$' -bench . -benchmem -count 10 ./final/...

## --- regenerating what the docs show ----------------------------------------

.PHONY: docs
docs: ## rewrite the code excerpts embedded in docs/ from the source
	$(GO) tool embedmd -w docs/*.md

.PHONY: diffs
diffs: ## rewrite docs/diffs (what changed between consecutive steps) from the step folders
	$(GO) test ./docs -run TestDiffs -update

.PHONY: bench-plot
bench-plot: ## rerun the bench and rewrite docs/bench.txt, docs/bench.svg and the chapter embedding them
	$(GO) run ./final bench -color never -svg docs/bench.svg > docs/bench.txt
	$(GO) tool embedmd -w docs/bench.md

.PHONY: lab-picture
lab-picture: ## redraw testdata/lab/connection.svg (the picture in docs/lab.md) after changing the drawing code
	$(GO) test ./lab/proxy -run TestConnectionPictureIsCurrent -update
