# ucssim: see README.md.
GO ?= go
PKGS := ./...

.PHONY: run test bench lint fuzz build

build:
	$(GO) build -o bin/ucssim ./cmd/ucssim

run:
	$(GO) run ./cmd/ucssim run

test:
	$(GO) test -race -count=1 $(GOTESTFLAGS) $(PKGS)

bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

lint:
	gofmt -l . | tee /dev/stderr | (! read)
	$(GO) vet $(PKGS)

FUZZTIME ?= 30s
fuzz:
	$(GO) test ./engine -run '^$$' -fuzz FuzzParseCommand -fuzztime $(FUZZTIME)
	$(GO) test ./mocks/ews -run '^$$' -fuzz FuzzDecodeRequest -fuzztime $(FUZZTIME)
	$(GO) test ./sim/scenario -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)
	$(GO) test ./sim/frontend -run '^$$' -fuzz FuzzServiceBody -fuzztime $(FUZZTIME)
