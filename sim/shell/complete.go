package shell

import (
	"context"
	"sort"
	"strings"

	"github.com/ucssim/ucssim/engine"
)

// Tab completion on a terminal: cmdlet names and shell verbs at the start of a command, parameter
// names after `-`, and values where the syntax wants them: users (display names quoted when they
// have blanks, and SIP addresses) for -Identity, -UserSipAddress and the user verbs; policy
// identities as Get-CsUserServicesPolicy prints them for the policy cmdlets and -PolicyName; pools
// for -Target, -TargetFqdn, -PoolFqdn and -RegistrarPool.

// shellCmdlets are the cmdlets the shell itself answers (not the engine).
var shellCmdlets = []string{"Get-History"}

// Complete is liner's word completer: line and the cursor position (in runes) in, the text before
// the word being completed, its candidates and the text after the cursor out.
func (s *Shell) Complete(line string, pos int) (head string, completions []string, tail string) {
	r := []rune(line)
	if pos < 0 || pos > len(r) {
		pos = len(r)
	}
	before, tail := string(r[:pos]), string(r[pos:])
	segStart, wordStart := scanCommand(before)
	head, word := before[:wordStart], before[wordStart:]
	prev := strings.Fields(before[segStart:wordStart])
	first := segStart == 0
	return head, s.candidates(prev, word, first), tail
}

// scanCommand finds, outside quotes, where the last command of a line starts (after | or ;) and
// where its last word starts (an open quote starts a word).
func scanCommand(line string) (segStart, wordStart int) {
	var quote rune
	for i, c := range line {
		if quote != 0 {
			if c == quote {
				quote = 0
			}
			continue
		}
		switch c {
		case '"', '\'':
			quote = c
		case '|', ';':
			segStart, wordStart = i+1, i+1
		case ' ', '\t':
			wordStart = i + 1
		}
	}
	return segStart, wordStart
}

func (s *Shell) candidates(prev []string, word string, first bool) []string {
	if len(prev) == 0 {
		names := append(engine.Cmdlets(), shellCmdlets...)
		if first {
			for _, v := range verbs {
				names = append(names, v.name)
			}
		}
		return matching(names, word)
	}
	cmd := prev[0]
	if strings.HasPrefix(word, "-") && !strings.Contains(word, ":") {
		params := engine.CmdletParameters(cmd)
		out := make([]string, 0, len(params))
		for _, p := range params {
			out = append(out, "-"+p)
		}
		return matching(out, word)
	}
	last := prev[len(prev)-1]
	switch strings.ToLower(last) {
	case "-identity":
		if strings.HasSuffix(strings.ToLower(cmd), "-csuserservicespolicy") {
			return matching(s.policyIdentities(), word)
		}
		return matching(s.userNames(), word)
	case "-usersipaddress":
		return matching(s.userSIPs(), word)
	case "-policyname":
		return matching(s.policyNames(), word)
	case "-target", "-targetfqdn", "-poolfqdn", "-registrarpool":
		return matching(s.pools(), word)
	}
	// The first positional argument of a verb or cmdlet that takes a user.
	if len(prev) == 1 {
		switch strings.ToLower(cmd) {
		case "signin", "signout", "accept", "status", "outlook",
			"invoke-csucsrollback", "grant-csuserservicespolicy", "move-csuser", "debug-csunifiedcontactstore":
			return matching(s.userNames(), word)
		case "get-csuserservicespolicy", "set-csuserservicespolicy", "remove-csuserservicespolicy":
			return matching(s.policyIdentities(), word)
		case "restore":
			return matching(sortedCopy(mapKeys(s.rec.checkpoints)), word)
		}
	}
	return nil
}

// matching returns the candidates that start with word (case-insensitively, ignoring a quote the
// word opens), sorted and without duplicates.
func matching(candidates []string, word string) []string {
	w := strings.ToLower(strings.TrimLeft(word, `"'`))
	seen := map[string]bool{}
	var out []string
	for _, c := range candidates {
		bare := strings.ToLower(strings.Trim(c, `"'`))
		if strings.HasPrefix(bare, w) && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

// userNames are the users' display names (quoted when they have blanks) and SIP addresses.
func (s *Shell) userNames() []string {
	var out []string
	for _, sip := range s.world.Engine.Users() {
		if n := s.names[sip]; n != "" {
			if strings.ContainsAny(n, " \t") {
				n = `"` + n + `"`
			}
			out = append(out, n)
		}
		out = append(out, sip)
	}
	return out
}

func (s *Shell) userSIPs() []string {
	return s.world.Engine.Users()
}

// policyIdentities are the identities Get-CsUserServicesPolicy prints (Global, Site:X, Tag:X).
func (s *Shell) policyIdentities() []string {
	res, err := s.world.Engine.Run(context.Background(), "Get-CsUserServicesPolicy", engine.RunOptions{})
	if err != nil {
		return nil
	}
	var out []string
	for _, r := range res.Records {
		if id, ok := r.Get("Identity"); ok {
			out = append(out, id)
		}
	}
	return out
}

// policyNames are what -PolicyName takes: the per-user (tag) policies' names.
func (s *Shell) policyNames() []string {
	var out []string
	for _, id := range s.policyIdentities() {
		if scope, name, ok := strings.Cut(id, ":"); ok && strings.EqualFold(scope, "tag") {
			out = append(out, name)
		}
	}
	return out
}

func (s *Shell) pools() []string {
	out := []string{s.file.World.Pool}
	if out[0] == "" {
		out[0] = engine.DefaultPool
	}
	return append(out, s.file.World.LegacyPools...)
}

func mapKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func sortedCopy(in []string) []string {
	out := append([]string(nil), in...)
	sort.Strings(out)
	return out
}
