package engine_test

import (
	"os"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
)

var _ = Describe("The vocabulary, declared once", func() {
	It("lists exactly the trace event types docs/SCENARIO-FORMAT.md documents, in its order", func() {
		doc, err := os.ReadFile("../docs/SCENARIO-FORMAT.md")
		Expect(err).NotTo(HaveOccurred())
		section := regexp.MustCompile("(?s)## Trace event types[^\n]*\n`([^`]*)`").FindSubmatch(doc)
		Expect(section).NotTo(BeNil(), "the trace event types section of docs/SCENARIO-FORMAT.md")
		Expect(engine.Names(engine.EventTypes())).To(Equal(strings.Fields(string(section[1]))))
	})

	It("reads user input case-insensitively into the constants", func() {
		Expect(engine.ParseState("migrated")).To(Equal(engine.Migrated))
		Expect(engine.ParseClientKind(" LYNC2010 ")).To(Equal(engine.Lync2010))
		Expect(engine.ParseFaultKind("Busy")).To(Equal(engine.FaultBusy))
		Expect(engine.ParseEventType("Migration.Completed")).To(Equal(engine.EventMigrationCompleted))
		Expect(engine.ParseStore("exchange")).To(Equal(engine.StoreExchange))
		Expect(engine.ParseReadsFrom("readonly")).To(Equal(engine.ReadsReadOnly))
		Expect(engine.ParseMailboxKind("none")).To(Equal(engine.MailboxNone))
	})

	It("refuses what is not a constant, naming every choice", func() {
		_, err := engine.ParseClientKind("lync2007")
		Expect(err).To(MatchError(`client kind "lync2007" is not one of lync2013, lync2010, mobile`))
		_, err = engine.ParseFaultKind("flaky")
		Expect(err).To(MatchError(`fault kind "flaky" is not one of down, busy, slow, unauthorized`))
		_, err = engine.ParseEventType("migration.done")
		Expect(err).To(MatchError(ContainSubstring("migration.completed")))
	})

	It("hands out copies of its lists", func() {
		kinds := engine.ClientKinds()
		kinds[0] = "changed"
		Expect(engine.ClientKinds()[0]).To(Equal(engine.Lync2013))
		Expect(engine.States()).To(Equal([]engine.State{engine.Disabled, engine.Allowed, engine.Migrating, engine.Migrated, engine.Failed}))
	})
})
