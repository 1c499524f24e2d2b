package engine_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
	"github.com/ucssim/ucssim/engine/enginetest"
)

const (
	randomSeeds = 1000
	randomOps   = 200
)

var randomUsers = []string{"sip:ken@litwareinc.com", "sip:pilar@litwareinc.com", "sip:ada@litwareinc.com"}

// model is what a user's authoritative store must hold: every contact added and not removed, minus
// what -Force recorded as lost.
type model struct {
	contacts map[string]bool
	lost     int
}

// randomRun plays ops random operations on a fresh world and checks docs/ARCHITECTURE.md D-6 after every
// settled step. It returns the first violation, with the operations that led to it.
func randomRun(seed uint64, ops int) (err error) {
	var log []string
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
		if err != nil {
			err = fmt.Errorf("seed %d: %v\noperations:\n  %s", seed, err, strings.Join(log, "\n  "))
		}
	}()
	var w *world
	// Let every job finish so no goroutine of this seed outlives it.
	defer func() {
		if w != nil {
			w.ex.SetFault(enginetest.Fault{})
			if derr := w.sched.Advance(30 * 24 * time.Hour); derr != nil && err == nil {
				err = derr
			}
		}
	}()
	rng := rand.New(rand.NewPCG(seed, 0xC0FFEE))
	w = newWorld(seed, withMigration(engine.MigrationConfig{BusyBackOff: 10 * time.Second}))
	models := map[string]*model{}
	next := 0
	for i, sip := range randomUsers {
		n := rng.IntN(6)
		spec := engine.UserSpec{Name: fmt.Sprintf("User %d", i), SIP: sip}
		m := &model{contacts: map[string]bool{}}
		for j := 0; j < n; j++ {
			next++
			uri := fmt.Sprintf("c%d@fabrikam.com", next)
			spec.Contacts = append(spec.Contacts, engine.ContactSpec{URI: uri, Groups: []string{[]string{"", "Team", "Favorites"}[j%3]}})
			m.contacts[uri] = true
		}
		w.ex.AddMailbox(sip[4:], engine.MailboxExchange2013)
		if err := w.eng.AddUser(spec); err != nil {
			return err
		}
		models[sip] = m
	}
	for _, line := range []string{"New-CsUserServicesPolicy Allow", "New-CsUserServicesPolicy Deny -UcsAllowed $False"} {
		if _, err := w.run(line); err != nil {
			return err
		}
	}
	// While Exchange misbehaves (and shortly after) a mirror refresh may be parked on virtual time or
	// waiting for its retry: the mirror is a cache, so only Exchange itself is checked then.
	var faultUntil time.Time
	kinds := []engine.ClientKind{engine.Lync2013, engine.Lync2010, engine.Mobile}
	for op := 0; op < ops; op++ {
		sip := randomUsers[rng.IntN(len(randomUsers))]
		m := models[sip]
		st, _ := w.eng.Status(sip)
		desc := ""
		switch r := rng.IntN(100); {
		case r < 6:
			b := []string{"$True", "$False"}[rng.IntN(2)]
			desc = "Set-CsUserServicesPolicy -UcsAllowed " + b
			_, err = w.run(desc)
		case r < 12:
			p := []string{"Allow", "Deny", "$Null"}[rng.IntN(3)]
			desc = fmt.Sprintf("Grant-CsUserServicesPolicy %s %s", sip, p)
			_, err = w.run(desc)
		case r < 30:
			k := rng.IntN(3)
			desc = fmt.Sprintf("signIn %s ep%d %s", sip, k, kinds[k])
			_, err = w.eng.SignIn(sip, "ep"+strconv.Itoa(k), kinds[k])
		case r < 38:
			k := rng.IntN(3)
			desc = fmt.Sprintf("signOut %s ep%d", sip, k)
			w.eng.SignOut(sip, "ep"+strconv.Itoa(k))
		case r < 52:
			next++
			uri := fmt.Sprintf("c%d@fabrikam.com", next)
			desc = "SERVICE setContact " + uri + " for " + sip
			if _, aerr := w.eng.Apply(sip, "ep0", engine.Op{Kind: engine.OpSetContact, Contact: engine.Contact{URI: uri}}); aerr == nil {
				m.contacts[uri] = true
			} else {
				desc += " refused: " + aerr.Error()
			}
		case r < 60:
			uri := pick(rng, m.contacts)
			desc = "SERVICE deleteContact " + uri + " for " + sip
			if uri != "" {
				if _, aerr := w.eng.Apply(sip, "ep0", engine.Op{Kind: engine.OpDeleteContact, Contact: engine.Contact{URI: uri}}); aerr == nil {
					delete(m.contacts, uri)
				} else {
					desc += " refused: " + aerr.Error()
				}
			}
		case r < 64:
			desc = "SERVICE group shuffle for " + sip
			l, _ := w.eng.ContactList(sip)
			if g, aerr := w.eng.Apply(sip, "ep0", engine.Op{Kind: engine.OpAddGroup, Name: fmt.Sprintf("G%d", op)}); aerr == nil && len(l.Contacts) > 0 {
				c := l.Contacts[rng.IntN(len(l.Contacts))]
				c.Groups = append(c.Groups, g.GroupID)
				_, _ = w.eng.Apply(sip, "ep0", engine.Op{Kind: engine.OpSetContact, Contact: c})
				if rng.IntN(2) == 0 {
					_, _ = w.eng.Apply(sip, "ep0", engine.Op{Kind: engine.OpDeleteGroup, GroupID: g.GroupID})
				}
			}
		case r < 72:
			if st.State != engine.Migrated {
				continue
			}
			next++
			uri := fmt.Sprintf("c%d@fabrikam.com", next)
			desc = "Outlook adds " + uri + " for " + sip
			if err = w.ex.OutlookAddContact(sip[4:], uri, ""); err == nil {
				m.contacts[uri] = true
				w.eng.ExchangeChanged(sip)
			}
		case r < 76:
			uri := pick(rng, m.contacts)
			if st.State != engine.Migrated || uri == "" {
				continue
			}
			desc = "Outlook removes " + uri + " for " + sip
			if err = w.ex.OutlookRemoveContact(sip[4:], uri); err == nil {
				delete(m.contacts, uri)
				w.eng.ExchangeChanged(sip)
			}
		case r < 84:
			force := rng.IntN(3) == 0
			desc = "Invoke-CsUcsRollback " + sip + " -Confirm:$False"
			if rng.IntN(4) == 0 { // Move-CsUser rolls back on the way to a Lync Server 2010 pool
				desc = "Move-CsUser " + sip + " " + []string{"lync2010.litwareinc.com", engine.DefaultPool}[rng.IntN(2)] + " -Confirm:$False"
			}
			if force {
				desc += " -Force"
			}
			before, events := st.LostContacts, w.count("contacts.lost", sip)
			_, rerr := w.run(desc)
			if rerr != nil {
				desc += " failed: " + rerr.Error()
			}
			after, _ := w.eng.Status(sip)
			if w.count("contacts.lost", sip) > events {
				lost := after.LostContacts - before
				// the engine counts what its mirror held; it is exact unless a refresh was pending
				if lost != len(m.contacts) && !w.sched.Now().Before(faultUntil) {
					return fmt.Errorf("op %d %s: -Force recorded %d lost contacts, the store held %d", op, desc, lost, len(m.contacts))
				}
				m.contacts, m.lost = map[string]bool{}, m.lost+lost
			}
		case r < 90:
			f := enginetest.Fault{Kind: []engine.FaultKind{"", engine.FaultDown, engine.FaultBusy, engine.FaultUnauthorized, engine.FaultSlow}[rng.IntN(5)],
				Until: w.sched.Now().Add(time.Duration(rng.IntN(120)) * time.Minute), BackOff: 10 * time.Second, Latency: time.Second}
			desc = fmt.Sprintf("fault %q until %s", f.Kind, f.Until.Format(time.RFC3339))
			w.ex.SetFault(f)
			faultUntil = f.Until.Add(5 * time.Minute)
		default:
			d := []time.Duration{time.Minute, 10 * time.Minute, time.Hour, 24 * time.Hour, 7 * 24 * time.Hour, 8 * 24 * time.Hour}[rng.IntN(6)]
			desc = "advance " + d.String()
			err = w.sched.Advance(d)
		}
		if err != nil {
			return fmt.Errorf("op %d %s: %v", op, desc, err)
		}
		if serr := w.sched.Settle(); serr != nil {
			return serr
		}
		log = append(log, fmt.Sprintf("%s %s", w.sched.Now().Format(time.RFC3339), desc))
		for _, u := range randomUsers {
			if err := checkStores(w, u, models[u], !w.sched.Now().Before(faultUntil)); err != nil {
				return fmt.Errorf("after op %d (%s): %s: %v", op, desc, u, err)
			}
		}
	}
	return nil
}

func pick(rng *rand.Rand, set map[string]bool) string {
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return ""
	}
	sort.Strings(keys)
	return keys[rng.IntN(len(keys))]
}

// checkStores asserts that the user's authoritative store holds exactly the model's contacts,
// once each, and that the engine's mirror of a migrated list agrees with Exchange.
func checkStores(w *world, sip string, m *model, checkMirror bool) error {
	st, err := w.eng.Status(sip)
	if err != nil {
		return err
	}
	if st.LostContacts != m.lost {
		return fmt.Errorf("LostContacts %d, want %d", st.LostContacts, m.lost)
	}
	var auth []string
	if st.ContactsIn == engine.StoreExchange {
		l, _, err := w.ex.List(sip[4:])
		if err != nil {
			return err
		}
		for _, c := range l.Contacts {
			auth = append(auth, strings.ToLower(c.IMAddress))
		}
		mirror, _ := w.eng.ContactList(sip)
		if !checkMirror {
			mirror.Contacts = nil
			for _, a := range auth {
				mirror.Contacts = append(mirror.Contacts, engine.Contact{URI: a})
			}
		}
		var mu []string
		for _, c := range mirror.Contacts {
			mu = append(mu, strings.ToLower(c.URI))
		}
		slices.Sort(mu)
		if want := slices.Sorted(slices.Values(auth)); !slices.Equal(mu, want) {
			return fmt.Errorf("mirror %v differs from Exchange %v", mu, want)
		}
	} else {
		cs, _ := w.eng.LyncContacts(sip)
		for _, c := range cs {
			auth = append(auth, strings.ToLower(c.URI))
		}
	}
	slices.Sort(auth)
	for i := 1; i < len(auth); i++ {
		if auth[i] == auth[i-1] {
			return fmt.Errorf("contact %s is duplicated in the %s store", auth[i], st.ContactsIn)
		}
	}
	want := make([]string, 0, len(m.contacts))
	for k := range m.contacts {
		want = append(want, k)
	}
	slices.Sort(want)
	if !slices.Equal(auth, want) {
		return fmt.Errorf("the %s store (state %s) holds %v, want %v", st.ContactsIn, st.State, auth, want)
	}
	return nil
}

var _ = Describe("Randomized operations (docs/ARCHITECTURE.md D-6: nothing is lost)", func() {
	It(fmt.Sprintf("keeps every contact in exactly one authoritative store over %d seeds x %d operations", randomSeeds, randomOps), func() {
		seeds := make([]uint64, 0, randomSeeds)
		if s := os.Getenv("UCSSIM_SEED"); s != "" {
			n, err := strconv.ParseUint(s, 10, 64)
			Expect(err).NotTo(HaveOccurred(), "UCSSIM_SEED")
			seeds = append(seeds, n)
		} else {
			for s := uint64(1); s <= randomSeeds; s++ {
				seeds = append(seeds, s)
			}
		}
		for _, seed := range seeds {
			if err := randomRun(seed, randomOps); err != nil {
				Fail(fmt.Sprintf("%v\nreplay: UCSSIM_SEED=%d go test ./engine -run TestEngine -ginkgo.focus=Randomized", err, seed))
			}
		}
	})
})
