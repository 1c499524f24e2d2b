package shell

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ucssim/ucssim/sim"
	"github.com/ucssim/ucssim/sim/internal/tlsca"
	"github.com/ucssim/ucssim/sim/scenario"
	"github.com/ucssim/ucssim/sim/timeline"
)

// Options tune a shell.
type Options struct {
	// File supplies the world (and its name, description, start and seed); nil: DefaultWorld.
	File *scenario.File
	// Seed, when not nil, overrides the file's seed.
	Seed *uint64
	// Replay plays the file's steps, one per empty line (Enter), as `ucssim run` plays them (replay.go).
	Replay bool
	// Source is the text of File when it was not read from File.Path (nil: read File.Path); saved
	// sessions and the journal start from it.
	Source []byte
	// Prompt prints `PS <virtual time> > ` before each line (stdin is a terminal).
	Prompt bool
	// Echo repeats each input line after a `> ` so that a transcript reads as a dialogue (stdin is a file).
	Echo bool
	// Color prints errors in red (a terminal without NO_COLOR).
	Color bool
	// World tunes the world: `ucssim serve` gives it fixed loopback ports.
	World sim.WorldOptions
	// ShowEndpoints adds the world's SIP and EWS addresses to the banner.
	ShowEndpoints bool
	// Terminal reads from the process's terminal with line editing, history and Tab completion
	// (terminal.go) instead of the input given to Serve.
	Terminal bool
	// HistoryFile keeps the terminal's line history across sessions ("" = none).
	HistoryFile string
	// Journal, when not "", is the file the session is journaled to as it goes (journal.go).
	Journal string
	// UI, when set, serves the live timeline page on this loopback address (shell --ui).
	UI string
}

// Shell is one Management Shell session over its own simulated world.
type Shell struct {
	opt   Options
	file  *scenario.File
	world *sim.World

	outMu    sync.Mutex
	out      io.Writer
	lines    <-chan input    // while serving: the input, line by line
	serving  context.Context // while serving: its context
	inputErr error           // how the input ended, once it has

	printed int               // trace events already printed
	names   map[string]string // sip -> display name, for event lines
	autoYes bool              // replaying a file: confirmations are answered yes

	source  []byte         // the world file's text (save and the journal start from it)
	rec     recorder       // the session as scenario steps (record.go)
	play    replayState    // the replay of the file's steps (replay.go)
	term    *terminal      // the terminal front, when reading from a terminal
	history []historyEntry // the lines typed this session, for Get-History
	broken  error          // the world could not be rebuilt (undo, restore, reset): the session ends
	quiet   bool           // `events off`: no event lines after a cmdlet (-Verbose still shows them)
	pending []string       // lines read as answers that were not answers: they run next
	ww      worldWatch     // the world for other goroutines, and trace watchers across rebuilds (watch.go)
}

// New builds the world of opt.File (or the default world) on loopback and returns a shell that
// writes to out. Close it when done.
func New(opt Options, out io.Writer) (*Shell, error) {
	f := opt.File
	if f == nil {
		var err error
		if f, err = DefaultWorld(); err != nil {
			return nil, err
		}
	}
	seed := f.Seed
	if opt.Seed != nil {
		seed = *opt.Seed
	}
	w, err := sim.NewWorld(f.World, f.Start, seed, opt.World)
	if err != nil {
		return nil, fmt.Errorf("build the world of %s: %w", f.Path, err)
	}
	s := &Shell{opt: opt, file: f, world: w, out: out, names: map[string]string{}}
	switch {
	case opt.Source != nil:
		s.source = opt.Source
	case opt.File == nil:
		s.source = []byte(defaultWorldYAML)
	default:
		if s.source, err = os.ReadFile(f.Path); err != nil {
			w.Close()
			return nil, fmt.Errorf("read the world file again: %w", err)
		}
	}
	if opt.Replay {
		s.play.on = len(f.Steps) > 0
	}
	if opt.Journal != "" {
		if s.rec.journal, err = openJournal(s, opt.Journal); err != nil {
			w.Close()
			return nil, err
		}
	}
	for _, sip := range w.Engine.Users() {
		if st, err := w.Engine.Status(sip); err == nil {
			s.names[sip] = st.Name
		}
	}
	return s, nil
}

// World is the shell's simulated world (for Go callers that want to look inside).
func (s *Shell) World() *sim.World { return s.world }

// Close stops the shell's clients and the world's servers.
func (s *Shell) Close() {
	s.world.Close()
	s.rec.journal.close()
}

// Run builds a shell, prints its banner, replays the file's steps if asked, serves in until EOF or
// exit, and closes it. Only a world that cannot be built is an error: bad lines print and go on.
func Run(ctx context.Context, in io.Reader, out io.Writer, opt Options) error {
	s, err := New(opt, out)
	if err != nil {
		return err
	}
	defer s.Close()
	var live *timeline.Live
	if opt.UI != "" {
		if live, err = s.ServeUI(opt.UI); err != nil {
			return err
		}
		defer live.Close()
	}
	s.banner()
	if live != nil {
		s.printf("Live timeline: %s (a browser there follows this shell)\n", live.URL())
	}
	return s.Serve(ctx, in)
}

func (s *Shell) banner() {
	name := s.file.Name
	s.printf("ucssim shell: %s (seed %d, pool %s)\n", name, s.world.Seed, s.file.World.Pool)
	if d := strings.TrimSpace(s.file.Description); d != "" {
		for _, l := range strings.Split(d, "\n") {
			s.printf("  %s\n", l)
		}
	}
	if s.opt.ShowEndpoints {
		s.printEndpoints()
		s.printf("The virtual clock moves only with wait/until: outside clients' requests are answered at the current instant.\n")
	}
	s.printf("Virtual time %s. Type help for the shell verbs; cmdlets work as in the Lync Server Management Shell.\n", s.clock())
	if s.opt.Replay {
		s.announceReplay()
	}
	if s.rec.journal != nil {
		s.printf("Journal: %s (replay it with: ucssim run %s)\n", s.rec.journal.path, s.rec.journal.path)
	}
}

// printEndpoints says where outside clients find the world's SIP front end and EWS.
func (s *Shell) printEndpoints() {
	w := s.world
	s.printf("SIP front end  sip:%s (TCP), %s (UDP); request URI domain: the users' domain\n", w.FrontEnd.TCPAddr(), w.FrontEnd.UDPAddr())
	s.printf("Exchange (EWS) %s/EWS/Exchange.asmx, autodiscover %s/autodiscover/autodiscover.xml (Basic auth: alias@domain)\n", w.EWSURL, w.EWSURL)
	if w.TLS != nil {
		s.printf("SIP over TLS   sip:%s;transport=tls; EWS over HTTPS %s/EWS/Exchange.asmx (trust the world's CA%s)\n", w.FrontEnd.TLSAddr(), w.EWSTLSURL, s.caNote())
	}
	for _, sip := range w.Engine.Users() {
		if pw := w.Password(sip); pw != "" {
			s.printf("  EWS password of %s: %s\n", strings.TrimPrefix(sip, "sip:"), pw)
		}
	}
}

func (s *Shell) caNote() string {
	if d := s.opt.World.TLSDir; d != "" {
		return ": " + filepath.Join(d, tlsca.CAFile)
	}
	return ""
}

// Serve reads and executes lines until EOF (nil), exit/quit (nil) or ctx ends (its error, even
// while waiting for a line). With Options.Terminal it reads the process's terminal instead of in.
func (s *Shell) Serve(ctx context.Context, in io.Reader) error {
	if s.opt.Terminal {
		s.term = newTerminal(s, s.opt.HistoryFile)
		defer func() { s.term.close(); s.term = nil }()
	} else {
		lines := make(chan input)
		stop := make(chan struct{})
		defer close(stop)
		go readLines(bufio.NewReader(in), lines, stop)
		s.lines = lines
	}
	s.serving, s.inputErr = ctx, nil
	defer func() { s.lines, s.serving = nil, nil }()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		prompt := ""
		if s.opt.Prompt || s.term != nil {
			if hint := s.replayHint(); hint != "" {
				s.printf("%s\n", hint)
			}
			prompt = fmt.Sprintf("PS %s > ", s.world.Sched.Now().Format("2006-01-02 15:04:05"))
		}
		line, err := s.readPrompted(prompt, true)
		if errors.Is(err, errInterrupted) {
			continue // Ctrl-C drops the line being typed
		}
		if err != nil {
			if s.opt.Prompt && s.term == nil {
				s.printf("\n")
			}
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if s.replaying() && strings.TrimSpace(line) == "" {
			s.nextStep(ctx) // Enter plays the next step of the replayed file
			continue
		}
		if s.opt.Echo && strings.TrimSpace(line) != "" {
			s.printf("> %s\n", line)
		}
		if s.Exec(ctx, line) {
			return nil
		}
		if s.broken != nil {
			return s.broken
		}
	}
}

// readPrompted shows prompt and reads a line: from the terminal with editing (history: the line
// joins the history), or from the input, where the prompt is printed as it is (nothing for "").
func (s *Shell) readPrompted(prompt string, history bool) (string, error) {
	if s.term != nil {
		return s.term.prompt(s.serving, prompt, history)
	}
	if prompt != "" {
		s.printf("%s", prompt)
	}
	return s.readLine()
}

// input is one line read, or why there is none.
type input struct {
	line    string
	tooLong bool // the line was longer than MaxLineBytes: dropped whole
	err     error
}

// MaxLineBytes bounds one input line of the shell; a longer line is refused whole with an error
// and the shell reads on (docs/ARCHITECTURE.md D-8: every input has a bound).
const MaxLineBytes = 64 << 10

// readBounded reads one line of at most MaxLineBytes; a longer one is consumed to its end and
// reported as tooLong with no text, so a line without end cannot exhaust memory.
func readBounded(r *bufio.Reader) (line string, tooLong bool, err error) {
	var b []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if !tooLong {
			if len(b)+len(chunk) > MaxLineBytes+2 { // + CR LF
				tooLong, b = true, nil
			} else {
				b = append(b, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return string(b), tooLong, err
	}
}

// readLines feeds the lines of r to out until an error (sent too) or stop. It runs on its own
// goroutine so that the shell can give up waiting when its context ends.
func readLines(r *bufio.Reader, out chan<- input, stop <-chan struct{}) {
	for {
		line, long, err := readBounded(r)
		in := input{line: strings.TrimRight(line, "\r\n"), tooLong: long}
		if err != nil && (line == "" && !long || !errors.Is(err, io.EOF)) {
			in = input{err: err}
		}
		select {
		case out <- in:
		case <-stop:
			return
		}
		if err != nil {
			if in.err == nil {
				select { // a last line without a newline, then EOF
				case out <- input{err: io.EOF}:
				case <-stop:
				}
			}
			return
		}
	}
}

// readLine returns the next input line without its end; io.EOF at the end of the input or
// outside Serve; ctx's error when it ends first.
func (s *Shell) readLine() (string, error) {
	if len(s.pending) > 0 {
		line := s.pending[0]
		s.pending = s.pending[1:]
		return line, nil
	}
	if s.lines == nil {
		return "", io.EOF
	}
	if s.inputErr != nil {
		return "", s.inputErr
	}
	select {
	case in := <-s.lines:
		if in.tooLong {
			s.errorf("The input line is longer than %d bytes; it was ignored.", MaxLineBytes)
			return s.readLine()
		}
		s.inputErr = in.err // the reader has stopped: every later read ends the same way
		return in.line, in.err
	case <-s.serving.Done():
		return "", s.serving.Err()
	}
}

// printf writes to the terminal; control characters in what it prints are made visible
// (printable), so nothing from the wire can drive the operator's terminal.
func (s *Shell) printf(format string, args ...any) {
	s.write(printable(fmt.Sprintf(format, args...)))
}

func (s *Shell) write(text string) {
	s.outMu.Lock()
	defer s.outMu.Unlock()
	io.WriteString(s.out, text) //nolint:errcheck // a closed terminal ends the session by EOF
}

// errorf prints an error like PowerShell does: on its own line, red on a terminal.
func (s *Shell) errorf(format string, args ...any) {
	msg := printable(strings.TrimRight(fmt.Sprintf(format, args...), "\n"))
	if s.opt.Color {
		msg = "\x1b[31m" + msg + "\x1b[0m"
	}
	s.write(msg + "\n")
}

// clock is the current virtual time with its offset from the start, for people.
func (s *Shell) clock() string {
	now := s.world.Sched.Now()
	return fmt.Sprintf("%s (start +%s)", now.Format("Mon 2006-01-02 15:04:05 MST"), scenario.FormatDuration(now.Sub(s.world.Start)))
}

// flush prints the trace events recorded since the last flush, in order.
func (s *Shell) flush() {
	ev := s.world.Trace.Events()
	for _, e := range ev[s.printed:] {
		s.printf("%s\n", s.formatEvent(e))
	}
	s.printed = len(ev)
}

// formatEvent renders an event for the live timeline:
// `[Mon Jan 05 09:10:00] migration.completed  Ken Myer  attempts=1 contacts=12`.
func (s *Shell) formatEvent(e sim.TraceEvent) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] %s", e.Time.Format("Mon Jan 02 15:04:05"), e.Type)
	if e.User != "" {
		who := s.names[e.User]
		if who == "" {
			who = e.User
		}
		b.WriteString("  " + who)
	}
	if d := details(e.Details); d != "" {
		b.WriteString("  " + d)
	}
	return b.String()
}

func details(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%s", k, readable(m[k]))
	}
	return strings.Join(parts, " ")
}

// readable prints an event detail as people write it: instants as "Mon 2026-01-12 09:15:00",
// nothing as (none).
func readable(v any) string {
	switch x := v.(type) {
	case nil:
		return "(none)"
	case time.Time:
		return x.UTC().Format("Mon 2006-01-02 15:04:05")
	case time.Duration:
		return scenario.FormatDuration(x)
	case string:
		if t, err := time.Parse(time.RFC3339, x); err == nil {
			return t.UTC().Format("Mon 2006-01-02 15:04:05")
		}
		if strings.ContainsAny(x, " \t") {
			return fmt.Sprintf("%q", x)
		}
		return x
	}
	return fmt.Sprint(v)
}
