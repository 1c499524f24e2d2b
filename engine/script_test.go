package engine_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/engine/enginetest"
	"github.com/ucssim/ucssim/internal/golden"
)

// Engine interaction scripts, as etcd's raft keeps them: testdata/scripts/*.txt drive a pure engine
// (virtual clock, in-memory Exchange, no sockets) one command a line, and the output (each command,
// what it printed, every trace event and notification it caused) is compared in full with the .out
// beside it. A behaviour change is a text diff; UCSSIM_UPDATE_GOLDEN=1 rewrites the .out files.
//
// Commands (users are named by SIP address):
//
//	user <sip> <contacts>            a user with generated contacts and an Exchange 2013 mailbox
//	run <Management Shell line>      Engine.Run (confirmations answered yes)
//	signin <sip> <endpoint> <kind>   Engine.SignIn (lync2013, lync2010, mobile)
//	signout <sip> <endpoint>         Engine.SignOut
//	wait <duration>                  move the virtual clock
//	fault <kind> <duration>          the in-memory Exchange misbehaves (down, busy, slow, unauthorized)
//	outlook <sip> <uri>              a contact added to the mailbox from Outlook (Engine.ExchangeChanged)
//	status <sip>                     Engine.Status
var _ = Describe("Engine interaction scripts (testdata/scripts/*.txt against *.out)", func() {
	scripts, err := filepath.Glob(filepath.Join("testdata", "scripts", "*.txt"))
	if err != nil || len(scripts) == 0 {
		panic("no engine scripts in testdata/scripts")
	}
	entries := []TableEntry{}
	for _, in := range scripts {
		entries = append(entries, Entry(filepath.Base(in), in))
	}
	DescribeTable("print exactly what they printed before",
		func(in string) {
			data, err := os.ReadFile(in)
			Expect(err).NotTo(HaveOccurred())
			out := runScript(string(data))
			Expect(golden.Check(strings.TrimSuffix(in, ".txt")+".out", []byte(out))).To(Succeed())
		},
		entries,
	)
})

// runScript plays a script on a fresh world and returns its transcript.
func runScript(script string) string {
	GinkgoHelper()
	w := newWorld(1)
	var b strings.Builder
	seenEvents, seenNotes := 0, 0
	flush := func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		for _, ev := range w.events[seenEvents:] {
			fmt.Fprintf(&b, "  %s %s", "+"+ev.Time.Sub(w.start).String(), ev.Type)
			if ev.User != "" {
				b.WriteString(" " + ev.User)
			}
			keys := make([]string, 0, len(ev.Details))
			for k := range ev.Details {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				fmt.Fprintf(&b, " %s=%v", k, ev.Details[k])
			}
			b.WriteString("\n")
		}
		for _, n := range w.notes[seenNotes:] {
			fmt.Fprintf(&b, "  notify %s %s %s\n", n.User, n.Endpoint, n.Kind)
		}
		seenEvents, seenNotes = len(w.events), len(w.notes)
	}
	for _, line := range strings.Split(script, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fmt.Fprintf(&b, "> %s\n", line)
		verb, rest, _ := strings.Cut(line, " ")
		args := strings.Fields(rest)
		switch verb {
		case "user":
			n, err := strconv.Atoi(args[1])
			Expect(err).NotTo(HaveOccurred(), line)
			w.addUser(engine.UserSpec{SIP: args[0]}, n)
		case "run":
			res, err := w.run(rest)
			if err != nil {
				fmt.Fprintf(&b, "  error: %v\n", err)
			} else if text := strings.TrimRight(res.Text, "\n"); text != "" {
				for _, l := range strings.Split(text, "\n") {
					b.WriteString("  | " + strings.TrimRight(l, " ") + "\n")
				}
			}
		case "signin":
			kind, err := engine.ParseClientKind(args[2])
			Expect(err).NotTo(HaveOccurred(), line)
			v := w.signIn(args[0], args[1], kind)
			fmt.Fprintf(&b, "  reads %s, %d contacts, deltaNum %d\n", v.ReadsFrom, len(v.List.Contacts), v.List.DeltaNum)
		case "signout":
			w.signOut(args[0], args[1])
		case "wait":
			d, err := time.ParseDuration(args[0])
			Expect(err).NotTo(HaveOccurred(), line)
			w.advance(d)
		case "fault":
			kind, err := engine.ParseFaultKind(args[0])
			Expect(err).NotTo(HaveOccurred(), line)
			d, err := time.ParseDuration(args[1])
			Expect(err).NotTo(HaveOccurred(), line)
			w.ex.SetFault(enginetest.Fault{Kind: kind, Until: w.sched.Now().Add(d), BackOff: 5 * time.Second, Latency: time.Minute})
		case "outlook":
			Expect(w.ex.OutlookAddContact(strings.TrimPrefix(args[0], "sip:"), args[1], "")).To(Succeed(), line)
			w.eng.ExchangeChanged(args[0])
			Expect(w.sched.Settle()).To(Succeed())
		case "status":
			st := w.status(args[0])
			hold := "-"
			if !st.HoldUntil.IsZero() {
				hold = "+" + st.HoldUntil.Sub(w.start).String()
			}
			fmt.Fprintf(&b, "  %s in %s, attempts %d, hold %s, policy %s", st.State, st.ContactsIn, st.Attempts, hold, st.EffectivePolicy)
			for _, ep := range st.Endpoints {
				fmt.Fprintf(&b, "; %s %s reads %s prompt=%v", ep.ID, ep.Kind, ep.ReadsFrom, ep.Prompt)
			}
			b.WriteString("\n")
		default:
			Fail("unknown script command " + strconv.Quote(verb) + " in: " + line)
		}
		flush()
	}
	return b.String()
}
