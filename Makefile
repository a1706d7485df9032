# ByteStream — run `make help` for the list of targets.
GO ?= go
PKGS := ./...

# COURSE_NOTE is what a drift check says after its own message: the step
# folders are the course as shipped, and a learner's work belongs in a copy.
export COURSE_NOTE := The excerpts above differ from the step folders. If you changed a step folder while doing an exercise: exercises are done in your own copy of the step, steps/_my-NN-name (docs/README.md, "Exercises: the workflow"). Copy your work there, then put the step folder back, for example: git checkout -- steps/03-framing
FUZZTIME ?= 30s

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-12s %s\n", $$1, $$2}'

## --- what CI runs -----------------------------------------------------------

.PHONY: test
test: fmt-check vet cross race site-check docs-check ## everything CI runs: gofmt, vet, cross-OS vet, race tests, site links, docs drift
	@echo "make test: all checks passed"

.PHONY: fmt-check
fmt-check: ## fail if any Go file is not gofmt-clean (a learner's copies of the steps, steps/_my-*, are theirs)
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './steps/_my-*')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

.PHONY: vet
vet: ## go vet every package, including the files behind the soak and exercise tags
	$(GO) vet $(PKGS)
	$(GO) vet -tags soak ./final/soak
	$(GO) vet -tags exercise ./steps/...

# CROSS_OS are the systems `make cross` type-checks for, beside linux, which
# `make vet` covers. aix is a Unix without some of the syscall package's Unix
# names (MSG_DONTWAIT, Mkfifo), so a `unix` build tag that should have been
# narrower fails there. Warm, this takes seconds; with an empty build cache
# about 30 s of CPU per system, for compiling its standard library once.
CROSS_OS ?= darwin windows freebsd aix

.PHONY: cross
cross: ## go vet every package (tests and exercises too) for each OS in CROSS_OS, so a build-tag slip fails here
	@for os in $(CROSS_OS); do \
		arch=amd64; [ $$os = aix ] && arch=ppc64; \
		echo "GOOS=$$os GOARCH=$$arch go vet"; \
		GOOS=$$os GOARCH=$$arch $(GO) vet $(PKGS) || exit 1; \
		GOOS=$$os GOARCH=$$arch $(GO) vet -tags exercise ./steps/... || exit 1; \
	done

.PHONY: race
race: ## run all tests under the race detector (fuzz seeds included)
	$(GO) test -race -count=1 $(PKGS)

.PHONY: site-check
site-check: ## build the course site in a temp folder; fail naming any link, anchor or picture that leads nowhere
	$(GO) test -count=1 -run '^TestTheCourseSiteHasNoBrokenLink$$' ./docs/site

.PHONY: docs-check
docs-check: ## fail if a code excerpt in docs/ drifted from the source
	@$(GO) tool embedmd -d docs/*.md README.md || { echo "$$COURSE_NOTE"; exit 1; }

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

# Exercises are done in a copy of each step, steps/_my-NN-name, which
# `go run ./lab exercises` makes and tracks; see docs/README.md.
.PHONY: exercises
exercises: ## list every exercise, one line each: done, failing, not started, or question
	@$(GO) run ./lab exercises list

.PHONY: next
next: ## run the first exercise that is not done, in your copy of its step
	@$(GO) run ./lab exercises next || true

.PHONY: hint
hint: ## show the next hint, one at a time, for the exercise `make next` runs (or for EX=03.1)
	@$(GO) run ./lab exercises hint $(EX)

.PHONY: solution
solution: ## after a warning, show the solution or answer of EX=03.1, and its diff against your copy
	@$(GO) run ./lab exercises solution $(EX)

.PHONY: reset
reset: ## put your copy of step EX=03, or exercise EX=03.1's files, back as shipped (yours kept as .mine)
	@$(GO) run ./lab exercises reset $(EX)

## --- long runs, each bounded ------------------------------------------------

.PHONY: soak
soak: ## robustness suite: 10,000 connections, hostile clients, shutdown under load; prints the figures table (about a minute)
	$(GO) test -tags soak -run . -count=1 -v -timeout 5m ./final/soak

.PHONY: soak-race
soak-race: ## the soak suite under the race detector, at reduced counts
	$(GO) test -race -tags soak -run . -count=1 -v -timeout 5m ./final/soak

.PHONY: grade-matrix
grade-matrix: ## grade every step and final at every stage with lab grade, as the table in docs/grade.md says (~1 min)
	GRADE_MATRIX=1 $(GO) test -count=1 -run 'TestMatrix' -v ./lab/grade

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
	$(GO) tool embedmd -w docs/*.md README.md

.PHONY: site
site: ## render the course as an offline HTML site in docs/_site: open index.html, or print.html for all of it
	$(GO) run ./docs/site -o docs/_site

.PHONY: diffs
diffs: ## rewrite docs/diffs (what changed between consecutive steps) from the step folders
	$(GO) test ./docs -run TestDiffs -update

.PHONY: bench-plot
bench-plot: ## rerun the bench, the open loop, both sweeps and the stall test; rewrite docs/bench*.txt, docs/bench*.svg and the chapters embedding them (about 2 minutes)
	$(GO) build -o bench.final ./final
	./bench.final bench -color never -svg docs/bench.svg > docs/bench.txt
	./bench.final bench -color never -rate 20000 -duration 2s -svg docs/bench-rate.svg > docs/bench-rate.txt
	./bench.final bench -color never -sweep -svg docs/bench-sweep.svg > docs/bench-sweep.txt
	./bench.final bench -color never -sweep -conns 16 -svg docs/bench-sweep16.svg > docs/bench-sweep16.txt
	rm bench.final
	$(GO) test -count=1 -v -run 'TestTheClosedLoopHidesAStall|TestTheOpenLoopShowsTheStall' ./final/bench \
		| grep -o 'openloop_test.go:[0-9]*: .*' | sed 's/^openloop_test.go:[0-9]*: //' | sort > docs/bench-stall.txt
	$(GO) tool embedmd -w docs/bench.md docs/05-bench.md

.PHONY: bench-sweep
bench-sweep: ## the latency-versus-load curve on 1 and on 16 connections, with the knee (under a minute each)
	$(GO) run ./final bench -sweep
	$(GO) run ./final bench -sweep -conns 16

.PHONY: lab-picture
lab-picture: ## redraw testdata/lab/connection.svg (the picture in docs/lab.md) after changing the drawing code
	$(GO) test ./lab/proxy -run TestConnectionPictureIsCurrent -update
