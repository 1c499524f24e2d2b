package engine_test

import (
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine"
)

var _ = Describe("A prompt is traced once it reached its endpoint (docs/BEHAVIOR.md B-3.1, issue 10)", func() {
	var w *world
	BeforeEach(func() {
		w = newWorld(1)
		w.addUser(kenSpec(), 3)
	})

	It("traces no prompt.shown for a prompt that did not reach the endpoint, which then owes no answer", func() {
		w.lose = func(n engine.Notification) error {
			if n.Kind == engine.NotifyMigratedPrompt {
				return errors.New("no answer")
			}
			return nil
		}
		w.signIn("Ken Myer", "desktop", engine.Lync2013)
		w.advance(10 * time.Minute)
		Expect(w.notifications("desktop")).To(ContainElement(HaveField("Kind", engine.NotifyMigratedPrompt)), "it was sent")
		Expect(w.count(engine.EventMigrationCompleted, kenSIP)).To(Equal(1))
		Expect(w.count(engine.EventPromptShown, kenSIP)).To(BeZero())
		Expect(w.status("Ken Myer").Endpoints[0].Prompt).To(BeFalse())
		w.signOut("Ken Myer", "desktop")
		Expect(w.count(engine.EventPromptAccepted, kenSIP)).To(BeZero())
		Expect(w.count(engine.EventSignOut, kenSIP)).To(Equal(1))
	})

	It("traces the prompts of one commit in endpoint order, whichever delivery is reported first", func() {
		w.signIn("Ken Myer", "a-desktop", engine.Lync2013)
		w.signIn("Ken Myer", "b-laptop", engine.Lync2013)
		w.signIn("Ken Myer", "c-tablet", engine.Lync2013)
		w.mu.Lock()
		w.holdReports = true
		w.mu.Unlock()
		w.advance(10 * time.Minute)
		Expect(w.count(engine.EventMigrationCompleted, kenSIP)).To(Equal(1))
		Expect(w.count(engine.EventPromptShown, kenSIP)).To(BeZero(), "nothing is known to have reached a client yet")
		w.mu.Lock()
		held := w.held
		w.held, w.holdReports = nil, false
		w.mu.Unlock()
		var prompts []engine.Notification
		for _, n := range held {
			if n.Kind == engine.NotifyMigratedPrompt {
				prompts = append(prompts, n)
			}
		}
		Expect(prompts).To(HaveLen(3))
		prompts[2].Report(nil)
		Expect(w.count(engine.EventPromptShown, kenSIP)).To(BeZero(), "c-tablet waits for the endpoints prompted before it")
		prompts[1].Report(errors.New("connection closed"))
		prompts[1].Report(nil) // a second report of one notification changes nothing
		Expect(w.count(engine.EventPromptShown, kenSIP)).To(BeZero())
		prompts[0].Report(nil)
		var order []string
		w.mu.Lock()
		for _, e := range w.events {
			if e.Type == engine.EventPromptShown {
				order = append(order, e.Details["endpoint"].(string))
			}
		}
		w.mu.Unlock()
		Expect(order).To(Equal([]string{"a-desktop", "c-tablet"}))
		prompted := map[string]bool{}
		for _, ep := range w.status("Ken Myer").Endpoints {
			prompted[ep.ID] = ep.Prompt
		}
		Expect(prompted).To(Equal(map[string]bool{"a-desktop": true, "b-laptop": false, "c-tablet": true}))
	})

	It("forgets a prompt whose endpoint signed out before its delivery was known", func() {
		w.signIn("Ken Myer", "desktop", engine.Lync2013)
		w.mu.Lock()
		w.holdReports = true
		w.mu.Unlock()
		w.advance(10 * time.Minute)
		w.signOut("Ken Myer", "desktop")
		w.mu.Lock()
		held := w.held
		w.mu.Unlock()
		for _, n := range held {
			n.Report(nil)
		}
		Expect(w.count(engine.EventPromptShown, kenSIP)).To(BeZero())
		Expect(w.count(engine.EventPromptAccepted, kenSIP)).To(BeZero())
	})

	It("traces a rollback's 2166 prompt only once delivered", func() {
		w.signIn("Ken Myer", "desktop", engine.Lync2013)
		w.advance(10 * time.Minute)
		w.signOut("Ken Myer", "desktop")
		w.signIn("Ken Myer", "desktop", engine.Lync2013) // reads Exchange now
		w.lose = func(n engine.Notification) error {
			if n.Kind == engine.NotifyRollbackPrompt {
				return errors.New("refused (500)")
			}
			return nil
		}
		w.mustRun("Invoke-CsUcsRollback 'Ken Myer'")
		Expect(w.notifications("desktop")).To(ContainElement(HaveField("Kind", engine.NotifyRollbackPrompt)))
		Expect(w.count(engine.EventRollbackCompleted, kenSIP)).To(Equal(1))
		Expect(w.count(engine.EventPromptShown, kenSIP)).To(Equal(1), "only the migration's 2165")
		Expect(w.status("Ken Myer").Endpoints[0].Prompt).To(BeFalse())
	})
})
