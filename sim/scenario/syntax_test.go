package scenario_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/sim/scenario"
)

var _ = Describe("YAML syntax errors", func() {
	DescribeTable("name the line and column of the actual fault, with a hint",
		func(src, want string) {
			_, err := scenario.Parse("s.yaml", []byte(src))
			Expect(err).To(HaveOccurred())
			Expect(err.Error()).To(Equal(want))
		},
		Entry("an unterminated double quote (the library blames the end of the file)",
			"name: X\nsteps:\n  - run: \"Set-CsUserServicesPolicy -Identity global\n  - wait: 1m\n  - wait: 2m\n",
			`s.yaml:3:10: YAML syntax: unterminated double-quoted string: add the closing " on this line`),
		Entry("an unterminated single quote",
			"name: X\nsteps:\n  - signIn: 'Ken Myer\n",
			`s.yaml:3:13: YAML syntax: unterminated single-quoted string: add the closing ' on this line`),
		Entry("a step option indented one space too far",
			"name: X\nsteps:\n  - wait: 1m\n   note: one space too many\n",
			"s.yaml:4:4: YAML syntax: bad indentation: this line is indented 3 spaces, the lines above it open levels at 0, 2, 4 (a step's options line up under its action key)"),
		Entry("a world key indented differently from its siblings",
			"name: X\nworld:\n  pool: atl.litwareinc.com\n   site: Redmond\n",
			"s.yaml:4:4: YAML syntax: bad indentation: this line is indented 3 spaces, the lines above it open levels at 0, 2 (a step's options line up under its action key)"),
		Entry("a tab in the indentation",
			"name: X\nsteps:\n\t- wait: 1m\n",
			"s.yaml:3:1: YAML syntax: a tab in the indentation: YAML indents with spaces only (replace the tab with spaces)"),
		Entry("an unclosed bracket (the library blames line 1)",
			"name: X\nlabels: [rollback, hold\nsteps: []\n",
			"s.yaml:2:9: YAML syntax: [ opened here is never closed: add ] before line 3 (a flow list or map closes on its own line)"),
		Entry("an unclosed brace in a step",
			"name: X\nsteps:\n  - expect: {user: Ken, state: Migrated\n  - wait: 1m\n",
			"s.yaml:3:13: YAML syntax: { opened here is never closed: add } before line 4 (a flow list or map closes on its own line)"),
		Entry("a control character",
			"name: X\nsteps:\n  - run: Get-CsUser\x01\n",
			`s.yaml:3:20: YAML syntax: control character U+0001 is not allowed in YAML: remove it (inside a double-quoted string write it as \x01)`),
	)

	It("keeps the library's line when it finds no known fault", func() {
		_, err := scenario.Parse("s.yaml", []byte("name: X\nsteps: [\n  - a: b: c\n"))
		Expect(err).To(MatchError(HavePrefix("s.yaml:")))
	})

	It("accepts what only looks odd: quotes inside values, flow maps over lines, block scalars", func() {
		src := "name: It's \"fine\"\ndescription: |\n  A line with a ' quote and [ bracket\n     deeper text\nlabels: [a,\n  b]\nworld:\n  users:\n  - {name: Ken, sip: \"sip:ken@x.com\"}\nsteps:\n  - run: Set-CsUserServicesPolicy -Identity 'global' -UcsAllowed $False\n    note: \"it's: fine\"  # comment with \" quote\n"
		_, err := scenario.Parse("ok.yaml", []byte(src))
		Expect(err).NotTo(HaveOccurred())
	})

	It("hints that within: put inside an expect map belongs beside it", func() {
		src := "name: X\nworld: {users: [{name: Ken, sip: sip:ken@x.com}]}\nsteps:\n  - expect: {user: Ken, state: Migrated, within: 15m}\n"
		_, err := scenario.Parse("s.yaml", []byte(src))
		Expect(err).To(MatchError("s.yaml:4:42: unknown key \"within\" in expect: within belongs beside expect, not inside it:\n    - expect: {...}\n      within: ..."))
	})
})
