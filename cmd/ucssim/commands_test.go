package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing/fstest"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/vclock"
)

var _ = Describe("ucssim validate", func() {
	var app *App
	BeforeEach(func() { app = newApp(&fakeRunner{}) })

	It("prints file:line:col for a bad file and exits 2", func() {
		dir := suiteDir(true)
		res := execute(app, "validate", dir)
		Expect(res.code).To(Equal(2))
		Expect(res.stderr).To(Equal(filepath.Join(dir, "bad.yaml") + `:2:7: seed: expected a whole number >= 0, got "x"` + "\n"))
		Expect(res.stdout).To(Equal("4 valid, 1 invalid\n"))
	})

	It("exits 0 when every file is valid, without running any", func() {
		r := &fakeRunner{}
		res := execute(newApp(r), "validate", suiteDir(false))
		Expect(res.code).To(Equal(0))
		Expect(res.stdout).To(Equal("4 valid, 0 invalid\n"))
		Expect(r.names()).To(BeEmpty())
	})

	It("rejects a scenario name used twice in the suite", func() {
		dir := GinkgoTempDir()
		Expect(os.WriteFile(filepath.Join(dir, "a.yaml"), []byte("name: Twice\n"), 0o644)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "b.yaml"), []byte("name: twice\n"), 0o644)).To(Succeed())
		res := execute(app, "validate", dir)
		Expect(res.code).To(Equal(2))
		Expect(res.stderr).To(Equal(filepath.Join(dir, "b.yaml") + `:1:7: duplicate scenario name "twice" (also in ` +
			filepath.Join(dir, "a.yaml") + ":1)\n"))
	})
})

var _ = Describe("the bundled suite", func() {
	It("is what run and validate use when no PATH is given", func() {
		r := &fakeRunner{}
		app := newApp(r)
		app.Bundled = fstest.MapFS{
			"policy/one.yaml":   {Data: []byte("name: One\n")},
			"rollback/two.yaml": {Data: []byte("name: Two\n")},
		}
		app.BundledRoot = "scenarios"
		res := execute(app, "run")
		Expect(res.code).To(Equal(0))
		Expect(res.stdout).To(ContainSubstring("PASS One  scenarios/policy/one.yaml"))
		Expect(r.names()).To(Equal([]string{"One", "Two"}))
		Expect(execute(app, "validate").stdout).To(Equal("2 valid, 0 invalid\n"))
	})

	It("is required when no PATH is given", func() {
		res := execute(newApp(&fakeRunner{}), "run")
		Expect(res.code).To(Equal(2))
		Expect(res.stderr).To(ContainSubstring("this build has no bundled suite: give a PATH"))
	})
})

var _ = Describe("help and version", func() {
	DescribeTable("--help on every command shows examples and exits 0",
		func(args ...string) {
			res := execute(newApp(&fakeRunner{}), append(args, "--help")...)
			Expect(res.code).To(Equal(0))
			Expect(res.stdout).To(ContainSubstring("Examples:\n  ucssim"))
		},
		Entry("ucssim"),
		Entry("run", "run"),
		Entry("validate", "validate"),
		Entry("version", "version"),
		Entry("schema", "schema"),
	)

	It("documents the exit codes and every run flag", func() {
		res := execute(newApp(&fakeRunner{}), "run", "--help")
		for _, flag := range []string{"--label", "--focus", "--seed", "--parallel", "--shard", "--junit", "--trace"} {
			Expect(res.stdout).To(ContainSubstring(flag))
		}
		Expect(res.stdout).To(ContainSubstring("0 all passed, 1 some failed, 2 a file was invalid"))
	})

	It("prints the version", func() {
		res := execute(newApp(&fakeRunner{}), "version")
		Expect(res.code).To(Equal(0))
		Expect(res.stdout).To(MatchRegexp(`^ucssim v0\.0\.0-test go\S+ \w+/\w+\n$`))
	})
})

var _ = Describe("ucssim schema", func() {
	It("prints the scenario JSON Schema, or writes it with -o", func() {
		res := execute(newApp(&fakeRunner{}), "schema")
		Expect(res.code).To(Equal(0), res.stderr)
		var doc map[string]any
		Expect(json.Unmarshal([]byte(res.stdout), &doc)).To(Succeed())
		Expect(doc["$schema"]).To(Equal("https://json-schema.org/draft/2020-12/schema"))
		Expect(doc["$defs"]).To(HaveKey("stepWritten"))

		out := filepath.Join(GinkgoTempDir(), "s.json")
		Expect(execute(newApp(&fakeRunner{}), "schema", "-o", out).code).To(Equal(0))
		data, err := os.ReadFile(out)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(data)).To(Equal(res.stdout))
	})
})

var _ = Describe("--wire", func() {
	It("runs every scenario on the wire it names, loopback by default", func() {
		r := &fakeRunner{}
		Expect(execute(newApp(r), "run", suiteDir(false)).code).To(Equal(1)) // Gamma fails
		Expect(execute(newApp(r), "run", "--wire", "memory", suiteDir(false)).code).To(Equal(1))
		r.mu.Lock()
		defer r.mu.Unlock()
		Expect(r.wires).To(HaveLen(8))
		Expect(r.wires[:4]).To(HaveEach(sim.WireLoopback))
		Expect(r.wires[4:]).To(HaveEach(sim.WireMemory))
	})

	It("refuses a wire it does not know with exit code 2, running nothing", func() {
		r := &fakeRunner{}
		res := execute(newApp(r), "run", "--wire", "pigeon", suiteDir(false))
		Expect(res.code).To(Equal(2))
		Expect(res.stderr).To(ContainSubstring(`bad --wire: unknown wire "pigeon": want loopback or memory`))
		Expect(r.names()).To(BeEmpty())
	})
})

var _ = Describe("UCSSIM_STALL_DUMP", func() {
	It("writes every goroutine's stack when a world does not settle", func() {
		path := filepath.Join(GinkgoT().TempDir(), "stall.txt")
		GinkgoT().Setenv(stallDumpEnv, path)
		armStallDump()
		DeferCleanup(func() { vclock.StallHook = nil })

		t := vclock.NewTracker()
		end := t.Begin("client.sip.SUBSCRIBE")
		defer end()
		Expect(t.WaitIdle(20 * time.Millisecond)).To(HaveOccurred())

		dump, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(dump)).To(HavePrefix("=== world did not settle: no progress for 20ms of real time; in flight: client.sip.SUBSCRIBE=1\ngoroutine "))
		Expect(string(dump)).To(ContainSubstring("ucssim/sim/vclock.(*Tracker).WaitIdle"), "the stacks, with the waiting settle among them")
	})
})
