package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ucssim/ucssim/sim/scenario"
	"github.com/ucssim/ucssim/sim/timeline"
)

type timelineFlags struct {
	html     string
	user     string
	all      bool
	scenario string
}

func (a *App) timelineCmd() *cobra.Command {
	var fl timelineFlags
	cmd := &cobra.Command{
		Use:   "timeline TRACE.jsonl",
		Short: "Tell what happened in a trace saved with run --trace, in plain English or as an HTML page",
		Long: `Read a trace written by ucssim run --trace DIR (JSON lines: time, seq, type, user, details) and
print one line per meaningful event with its offset from the start, in plain English:

  +7d1h     hold ended; policy Global still allows UCS, re-migration of Ken Myer starts

--all adds every event (each contact edit); --user keeps one user's events. --html FILE writes
the same timeline as a self-contained page instead (lanes per user and endpoint; no network).
--scenario names the users with the display names of the scenario file the trace came from.
Exit code 2 when the trace cannot be read (the line that is wrong is named).`,
		Example: `  ucssim run --trace traces/ scenarios/rollback
  ucssim timeline traces/invoke-csucsrollback-alone-brings-the-contacts-back-only-for-7-days.jsonl
  ucssim timeline traces/x.jsonl --user sip:kenmyer@litwareinc.com --all
  ucssim timeline traces/x.jsonl --html x.html --scenario scenarios/rollback/without-policy-change-remigrates.yaml`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{errors.New("timeline takes one trace file (TRACE.jsonl)")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return a.timeline(args[0], fl) },
	}
	f := cmd.Flags()
	f.StringVar(&fl.html, "html", "", "write the timeline as a self-contained HTML page to FILE")
	f.StringVar(&fl.user, "user", "", "only this user's events (SIP address, or a display name with --scenario)")
	f.BoolVar(&fl.all, "all", false, "every event, including each contact edit")
	f.StringVar(&fl.scenario, "scenario", "", "the scenario file the trace came from (for display names)")
	return cmd
}

func (a *App) timeline(path string, fl timelineFlags) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	events, err := timeline.ParseJSONL(fh)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	st := timeline.Story{Name: "Trace " + path, Path: path, FailedStep: -1}
	if fl.scenario != "" {
		f, err := scenario.Load(fl.scenario)
		if err != nil {
			return err
		}
		st = timeline.FromFile(f)
		st.Steps = nil // the trace does not say when each step ran
		st.Start = events[0].Time
		if !f.Start.IsZero() && !f.Start.After(events[0].Time) {
			st.Start = f.Start
		}
	}
	tl := timeline.Build(st, events)
	if fl.html != "" {
		return os.WriteFile(fl.html, tl.Page(timeline.PageOptions{}), 0o644)
	}
	user := ""
	if fl.user != "" {
		for _, u := range tl.Users {
			if strings.EqualFold(u.SIP, fl.user) || strings.EqualFold(u.SIP, "sip:"+fl.user) || strings.EqualFold(u.Name, fl.user) {
				user = u.SIP
			}
		}
		if user == "" {
			return usageError{fmt.Errorf("--user %q: no such user in the trace", fl.user)}
		}
	}
	fmt.Fprintf(a.Stdout, "%s: %d events from %s\n", st.Name, len(events), tl.Start.Format("Mon 2006-01-02 15:04:05 UTC"))
	for _, l := range tl.Lines(user, fl.all) {
		fmt.Fprintln(a.Stdout, l.String())
	}
	return nil
}
