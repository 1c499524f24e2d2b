# ucssim: see README.md.
GO ?= go
PKGS := ./...

.PHONY: run test test-deps bench bench-scale lint fuzz build golden interop

build:
	$(GO) build -buildvcs=auto -o bin/ucssim ./cmd/ucssim

run:
	$(GO) run ./cmd/ucssim run

# make test installs what the tests need when it is missing (.ci/test-deps: Debian packages when root,
# npm ci per package-lock.json), then runs go test -race over every package and ends on `N passed, N failed`.
test: test-deps
	@GO=$(GO) bash .ci/gotest $(PKGS) $(GOTESTFLAGS)

test-deps:
	@bash .ci/test-deps/install

# The interop suite alone (make test runs it too): outside clients against real sockets - pidgin-sipe,
# the npm sip stack, SIPp, the RFC 4475 torture messages, ews-javascript-api and exchangelib.
interop: test-deps
	$(GO) test -race -count=1 ./sim/interop
	$(GO) test -race -count=1 ./sim/internal/frontend -ginkgo.focus 'interop with SIPp|RFC 4475'
	$(GO) test -race -count=1 ./mocks/ews -ginkgo.focus 'interop with'

bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

# The population stories of scenarios/scale/ (not part of make test): each runs alone with --report,
# then its wall time, CPU time and peak memory are printed. SCALE picks the files, e.g.
# make bench-scale SCALE=scenarios/scale/story-1000.yaml; SCALEFLAGS adds run flags (--seed 7).
SCALE ?= $(sort $(wildcard scenarios/scale/*.yaml))
bench-scale: build
	@set -e; for f in $(SCALE); do \
		echo "== $$f"; \
		if [ -x /usr/bin/time ]; then \
			/usr/bin/time -f "$$f: %e s wall, %U s user, %S s system, %M KB peak RSS" ./bin/ucssim run --report $(SCALEFLAGS) $$f; \
		else \
			TIMEFORMAT="$$f: %R s wall, %U s user, %S s system"; time ./bin/ucssim run --report $(SCALEFLAGS) $$f; \
		fi; \
	done

# staticcheck is pinned so every checkout lints alike; `go run` fetches it through the module proxy.
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
lint:
	gofmt -l . | tee /dev/stderr | (! read -r _)
	$(GO) vet $(PKGS)
	$(STATICCHECK) $(PKGS)

FUZZTIME ?= 30s
# Each target runs for FUZZTIME; a failing input is saved to the package's testdata/fuzz/ (the corpus).
FUZZ_TARGETS := \
	./engine/pwsh:FuzzParseCommand ./engine:FuzzParseCommand ./engine:FuzzRun \
	./mocks/ews:FuzzDecodeRequest ./sim/scenario:FuzzParse ./sim/internal/frontend:FuzzServiceBody \
	./sim/shell:FuzzSplitWords ./sim/shell:FuzzExec ./sim/shell:FuzzComplete ./sim/timeline:FuzzParseJSONL \
	./sim/internal/frontend:FuzzSIPMessage
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$pkg $$fn"; \
		$(GO) test $$pkg -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME); \
	done

# Rewrites every golden file (wire exchanges, shell transcripts, engine scripts) from the current
# code: the one knob is UCSSIM_UPDATE_GOLDEN=1 (package internal/golden). Review with git diff.
golden:
	UCSSIM_UPDATE_GOLDEN=1 $(GO) test -count=1 $(PKGS)
