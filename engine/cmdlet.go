package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ucssim/ucssim/engine/pwsh"
)

// Command is one cmdlet of a Management Shell line, parsed and bound to its parameters (for a
// cmdlet fed by a pipeline: bound for the current input object).
type Command struct {
	Cmdlet string // canonical cmdlet name, e.g. Grant-CsUserServicesPolicy
	Line   *pwsh.Command
	Params pwsh.Bound
}

// Choice is an answer to a confirmation prompt.
type Choice int

// The answers PowerShell offers: [Y] Yes  [A] Yes to All  [N] No  [L] No to All.
const (
	Yes Choice = iota
	YesToAll
	No
	NoToAll
)

// RunOptions tune Run.
type RunOptions struct {
	// Ask answers a confirmation prompt (caption "Confirm", the question); nil: Confirm, else yes.
	Ask func(caption, question string) Choice
	// Confirm answers a confirmation prompt yes or no (older callers); nil with Ask nil answers yes
	// (scenario files).
	Confirm func(question string) bool
	// Session keeps variables from one line to the next; nil: a fresh one for this line.
	Session *Session
	// Verbs are the shell's simulation verbs, for Get-Command and Get-Help.
	Verbs []Verb
}

// Session is the state a Management Shell keeps between lines: its variables.
type Session struct {
	vars map[string]any
}

// NewSession returns an empty session.
func NewSession() *Session { return &Session{vars: map[string]any{}} }

// Var returns a variable's value (case-insensitive name, without '$').
func (s *Session) Var(name string) (any, bool) {
	if s == nil {
		return nil, false
	}
	v, ok := s.vars[strings.ToLower(name)]
	return v, ok
}

// SetVar sets a variable.
func (s *Session) SetVar(name string, v any) { s.vars[strings.ToLower(name)] = v }

// Result is what a line printed and produced.
type Result struct {
	Objects  []any    // the pipeline's output objects (*pwsh.Object or scalars), before formatting
	Records  []Record // Objects as list-view records (what `output:` expectations compare)
	Warnings []string // without the "WARNING: " prefix
	Errors   []*CmdletError
	// Verbose: a cmdlet of the line ran with -Verbose; the shell shows the line's events as VERBOSE lines.
	Verbose bool
	Text    string  // exactly what the shell prints: warnings, what-if lines, errors and output, in order
	Chunks  []Chunk // Text in pieces by kind, for a shell that colours errors and warnings
	Files   []File  // files the line asked to write (the shell writes them)
}

// Chunk is a piece of a Result's text: "output", "warning", "whatif" or "error".
type Chunk struct{ Kind, Text string }

// Record is one object of the shell's list view.
type Record []Field

// Field is one property of a record, with its value as the shell prints it (True, Success, Tag:X).
type Field struct{ Name, Value string }

// Get returns the value of the named field (case-insensitive) and whether it is there.
func (r Record) Get(name string) (string, bool) {
	for _, f := range r {
		if strings.EqualFold(f.Name, name) {
			return f.Value, true
		}
	}
	return "", false
}

// CmdletError is an error of a cmdlet line. A terminating error (a line that does not parse or
// bind) changes nothing; an error of one pipeline object leaves the other objects' changes.
type CmdletError struct {
	Cmdlet    string // canonical name, or the name as typed when unknown
	Parameter string // without the dash; "" if the error is not about one parameter
	Column    int    // 1-based column in the line; 0 if not tied to a place
	Length    int    // characters to underline from Column; 0: the token there
	Message   string
	// Category and ErrorID complete PowerShell's `+ CategoryInfo` and `+ FullyQualifiedErrorId`
	// lines; empty ones are derived from the kind of error.
	Category string // e.g. "InvalidArgument: (:) [Get-CsUser], ParameterBindingException"
	ErrorID  string // e.g. "NamedParameterNotFound,Microsoft.Rtc.Management.AD.Cmdlets.GetOcsUserCmdlet"

	elemCol, elemLen int  // a runtime error underlines the whole pipeline element
	parse            bool // a parse error: PowerShell prints the place first, then the message

	Err error // the engine error behind it, if any (errors.Is reaches its sentinel: ErrUnknownUser, ...)
}

// parseErrorIDs maps the start of a parse error message to PowerShell's error id.
var parseErrorIDs = []struct{ prefix, id string }{
	{"An empty pipe element", "EmptyPipeElement"},
	{"Missing closing '}'", "MissingEndCurlyBrace"},
	{"Missing closing ')'", "MissingEndParenthesisInExpression"},
	{"Expressions are only allowed", "ExpressionsMustBeFirstInPipeline"},
	{"Unexpected token", "UnexpectedToken"},
	{"You must provide a value", "ExpectedValueExpression"},
	{"Missing property name", "MissingPropertyName"},
	{"Missing expression", "MissingExpression"},
	{"the string starting here", "TerminatorExpectedAtEndOfString"},
	{"empty line", "EmptyLine"},
	{"control or invisible character", "InvalidCharacter"},
	{"line break", "InvalidCharacter"},
	{"invalid UTF-8", "InvalidCharacter"},
	{"expected a cmdlet name", "CommandNameExpected"},
	{"redirection", "RedirectionNotSupported"},
	{"the '&' operator", "AmpersandNotAllowed"},
	{"expressions in parentheses", "ExpressionsNotSupported"},
	{"'@' (arrays", "ExpressionsNotSupported"},
	{"line continuation", "LineContinuationNotSupported"},
}

// parseErrorID names a parse error as PowerShell's parser does.
func parseErrorID(pe *pwsh.Error) string {
	for _, m := range parseErrorIDs {
		if strings.HasPrefix(pe.Msg, m.prefix) {
			return m.id
		}
	}
	return "ParseError"
}

// Unwrap lets errors.Is reach the engine error behind a cmdlet error (ErrUnknownUser, ...).
func (e *CmdletError) Unwrap() error { return e.Err }

func (e *CmdletError) Error() string {
	var b strings.Builder
	if e.Cmdlet != "" {
		b.WriteString(e.Cmdlet + ": ")
	}
	b.WriteString(e.Message)
	switch {
	case e.Parameter != "" && e.Column > 0:
		fmt.Fprintf(&b, " (parameter -%s, column %d)", e.Parameter, e.Column)
	case e.Parameter != "":
		fmt.Fprintf(&b, " (parameter -%s)", e.Parameter)
	case e.Column > 0:
		fmt.Fprintf(&b, " (column %d)", e.Column)
	}
	return b.String()
}

// Format prints the error as the Management Shell does, for the line it came from:
//
//	Get-CsUser : Management object not found for identity "Nobody".
//	At line:1 char:1
//	+ Get-CsUser "Nobody"
//	+ ~~~~~~~~~~~~~~~~~~~
//	    + CategoryInfo          : NotSpecified: (:) [Get-CsUser], ManagementException
//	    + FullyQualifiedErrorId : ...
func (e *CmdletError) Format(line string) string {
	var b strings.Builder
	if !e.parse {
		if e.Cmdlet != "" {
			b.WriteString(e.Cmdlet + " : ")
		}
		b.WriteString(e.Message + "\n")
	}
	runes := []rune(line)
	col, n := e.Column, e.Length
	if e.elemCol > 0 {
		col, n = e.elemCol, e.elemLen
	}
	if col <= 0 {
		col = 1
	}
	if col > len(runes)+1 {
		col = len(runes) + 1
	}
	if n <= 0 {
		n = tokenLength(runes, col-1)
	}
	fmt.Fprintf(&b, "At line:1 char:%d\n+ %s\n+ %s%s\n", col, line, strings.Repeat(" ", col-1), strings.Repeat("~", n))
	if e.parse {
		b.WriteString(e.Message + "\n")
	}
	cat, id := e.Category, e.ErrorID
	if cat == "" {
		cat = fmt.Sprintf("NotSpecified: (:) [%s], ManagementException", e.Cmdlet)
	}
	if id == "" {
		id = "Microsoft.Rtc.Management.AD.ManagementException," + cmdletClass(e.Cmdlet)
	}
	fmt.Fprintf(&b, "    + CategoryInfo          : %s\n    + FullyQualifiedErrorId : %s\n", cat, id)
	return b.String()
}

// tokenLength is the length of the token starting at index i: a quoted string, a script block or
// a run of non-blank characters; at least 1.
func tokenLength(src []rune, i int) int {
	if i >= len(src) {
		return 1
	}
	j := i
	switch r := src[i]; {
	case r == '"' || r == '\'':
		j++
		for j < len(src) && src[j] != r {
			j++
		}
		j++
	case r == '{':
		depth := 0
		for ; j < len(src); j++ {
			if src[j] == '{' {
				depth++
			} else if src[j] == '}' {
				depth--
				if depth == 0 {
					j++
					break
				}
			}
		}
	default:
		for j < len(src) && src[j] != ' ' && src[j] != '\t' && src[j] != '|' && src[j] != ';' {
			j++
		}
	}
	return max(min(j, len(src))-i, 1)
}

// cmdletClass is the .NET class of a cmdlet as FullyQualifiedErrorId names it.
func cmdletClass(name string) string {
	if c, ok := cmdletClasses[strings.ToLower(name)]; ok {
		return c
	}
	verb, noun, _ := strings.Cut(name, "-")
	noun = strings.TrimPrefix(noun, "Cs")
	return "Microsoft.Rtc.Management.Internal." + verb + noun + "Cmdlet"
}

var cmdletClasses = map[string]string{
	"get-csuser":                  "Microsoft.Rtc.Management.AD.Cmdlets.GetOcsUserCmdlet",
	"move-csuser":                 "Microsoft.Rtc.Management.AD.Cmdlets.MoveOcsUserCmdlet",
	"grant-csuserservicespolicy":  "Microsoft.Rtc.Management.AD.Cmdlets.AssignUserServicesPolicyCmdlet",
	"get-csuserservicespolicy":    "Microsoft.Rtc.Management.Internal.GetUserServicesPolicyCmdlet",
	"set-csuserservicespolicy":    "Microsoft.Rtc.Management.Internal.SetUserServicesPolicyCmdlet",
	"new-csuserservicespolicy":    "Microsoft.Rtc.Management.Internal.NewUserServicesPolicyCmdlet",
	"remove-csuserservicespolicy": "Microsoft.Rtc.Management.Internal.RemoveUserServicesPolicyCmdlet",
	"invoke-csucsrollback":        "Microsoft.Rtc.Management.Presence.Cmdlets.InvokeUcsRollbackCmdlet",
	"test-csunifiedcontactstore":  "Microsoft.Rtc.Management.SyntheticTransactions.TestUnifiedContactStoreCmdlet",
	"debug-csunifiedcontactstore": "Microsoft.Rtc.Management.Presence.Cmdlets.DebugUnifiedContactStoreCmdlet",
}

// bindingErrorIDs are the FullyQualifiedErrorId heads of PowerShell's ParameterBindingException
// for each binding error code.
var bindingErrorIDs = map[pwsh.Code]string{
	pwsh.CodeUnknownParameter:   "NamedParameterNotFound",
	pwsh.CodeAmbiguousParameter: "AmbiguousParameter",
	pwsh.CodeDuplicateParameter: "ParameterAlreadyBound",
	pwsh.CodeMissingArgument:    "MissingArgument",
	pwsh.CodeTooManyPositional:  "PositionalParameterNotFound",
	pwsh.CodeMissingMandatory:   "MissingMandatoryParameter",
	pwsh.CodeInputNotBound:      "InputObjectNotBound",
	pwsh.CodeNullNotAllowed:     "ParameterArgumentValidationErrorNullNotAllowed",
	pwsh.CodeEmptyString:        "ParameterArgumentValidationErrorEmptyStringNotAllowed",
	pwsh.CodeConversion:         "CannotConvertArgumentNoMessage",
	pwsh.CodeSwitchValue:        "CannotConvertArgumentNoMessage",
}

// bindingError is a parameter binding error with PowerShell's category and id.
func bindingError(cmdlet string, pe *pwsh.Error) *CmdletError {
	ce := &CmdletError{Cmdlet: cmdlet, Parameter: pe.Param, Column: pe.Col, Message: pe.Msg}
	id, binding := bindingErrorIDs[pe.Code]
	switch {
	case pe.Code == pwsh.CodeMissingArgument:
		ce.Message = fmt.Sprintf("Missing an argument for parameter '%s'. Specify a parameter of type '%s' and try again.", pe.Param, paramTypeOf(cmdlet, pe.Param))
	case pe.Code == pwsh.CodeConversion || pe.Code == pwsh.CodeSwitchValue:
		if pe.Param != "" && !strings.HasPrefix(ce.Message, "Cannot bind") {
			ce.Message = fmt.Sprintf("Cannot bind parameter '%s'. %s", pe.Param, ce.Message)
		}
	case pe.Code == pwsh.CodeUnknownCmdlet:
		ce.Message = fmt.Sprintf("The term '%s' is not recognized as the name of a cmdlet, function, script file, or operable program. "+
			"Check the spelling of the name, or if a path was included, verify that the path is correct and try again.", cmdlet)
		if _, hint, ok := strings.Cut(pe.Msg, " Did you mean "); ok {
			ce.Message += " Did you mean " + hint
		}
		ce.Category = fmt.Sprintf("ObjectNotFound: (%s:String) [], CommandNotFoundException", cmdlet)
		ce.ErrorID = "CommandNotFoundException"
		return ce
	case !binding:
		ce.Category = "ParserError: (:) [], ParentContainsErrorRecordException"
		ce.ErrorID = parseErrorID(pe)
		ce.parse = true
		ce.Length = 1
		return ce
	}
	ce.Category = fmt.Sprintf("InvalidArgument: (:) [%s], ParameterBindingException", cmdlet)
	ce.ErrorID = id + "," + cmdletClass(cmdlet)
	return ce
}

func paramTypeOf(cmdlet, param string) string {
	if c := lookupCmdlet(cmdlet); c != nil {
		for _, p := range c.spec.Params {
			if strings.EqualFold(p.Name, param) {
				return paramType(p)
			}
		}
	}
	return "System.String"
}

// ParseCommand checks a line's syntax, names its cmdlets and binds their parameters, without
// looking at the world (the scenario validator uses it). The line may hold a pipeline and several
// statements; the Command returned is the first cmdlet. Errors are *CmdletError.
func ParseCommand(line string) (*Command, error) {
	_, first, err := bindLine(line)
	if err != nil {
		return nil, err
	}
	if first == nil {
		return &Command{}, nil
	}
	return first, nil
}

// bindLine parses a line, then resolves and binds every cmdlet in it without looking at the world
// (help requests become Get-Help). It returns the script and its first cmdlet (nil: none).
func bindLine(line string) (*pwsh.Script, *Command, *CmdletError) {
	sc, err := pwsh.ParseScript(line)
	if err != nil {
		return nil, nil, wrapPwsh(knownFirstWord(line), err)
	}
	var first *Command
	for _, st := range sc.Statements {
		for i, el := range st.Elements {
			if el.Cmd == nil {
				continue
			}
			if isHelpRequest(el.Cmd) {
				el.Cmd = helpFor(el.Cmd)
			}
			c := lookupCmdlet(el.Cmd.Name)
			if c == nil {
				_, rerr := pwsh.Resolve(el.Cmd, allSpecs())
				return nil, nil, wrapPwsh(el.Cmd.Name, rerr)
			}
			b, err := c.bindStatic(withoutVariables(el.Cmd), i > 0)
			if err != nil {
				return nil, nil, err
			}
			if first == nil {
				first = &Command{Cmdlet: c.spec.Name, Line: el.Cmd, Params: b}
			}
		}
	}
	return sc, first, nil
}

// knownFirstWord names the cmdlet of a line that did not parse, when its first word is one.
func knownFirstWord(line string) string {
	f := strings.Fields(line)
	if len(f) == 0 {
		return ""
	}
	if c := lookupCmdlet(f[0]); c != nil {
		return c.spec.Name
	}
	return ""
}

func wrapPwsh(cmdlet string, err error) *CmdletError {
	var pe *pwsh.Error
	if errors.As(err, &pe) {
		return bindingError(cmdlet, pe)
	}
	return &CmdletError{Cmdlet: cmdlet, Message: err.Error()}
}

// Run runs one Management Shell line: statements separated by ';', each a pipeline of cmdlets
// (Get-CsUser -Filter {...} | Invoke-CsUcsRollback -Confirm:$False), optionally assigned to a
// variable. Cmdlets that talk to Exchange (Invoke-CsUcsRollback, Test-CsUnifiedContactStore,
// Move-CsUser to a Lync Server 2010 pool) do so on the calling goroutine and return when done.
//
// A line that does not parse or bind is a terminating error: nothing runs, Run returns it. An
// error of one cmdlet invocation does not stop the others; Run returns the Result with every
// error in Errors, and the first of them as its error.
func (e *Engine) Run(ctx context.Context, line string, opt RunOptions) (*Result, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(e.root, cancel)()
	sess := opt.Session
	if sess == nil {
		sess = NewSession()
	}
	// Resolve and bind every cmdlet before running anything: a typo anywhere changes nothing.
	sc, _, ce := bindLine(line)
	if ce != nil {
		e.recordError(ce)
		return nil, ce
	}
	r := &runner{e: e, ctx: ctx, opt: opt, sess: sess, res: &Result{}, line: line}
	r.script(sc)
	res := r.res
	for _, it := range res.Objects {
		if o, ok := it.(*pwsh.Object); ok {
			res.Records = append(res.Records, recordOf(o))
		}
	}
	if len(res.Errors) > 0 {
		return res, res.Errors[0]
	}
	return res, nil
}

// recordError records a cmdlet.error trace event.
func (e *Engine) recordError(ce *CmdletError) {
	e.lock()
	e.emitLocked(EventCmdletError, "", map[string]any{"cmdlet": ce.Cmdlet, "message": ce.Error()})
	e.unlock()
}

func recordOf(o *pwsh.Object) Record {
	r := make(Record, len(o.Props))
	for i, p := range o.Props {
		r[i] = Field{Name: p.Name, Value: pwsh.Text(p.Value)}
	}
	return r
}

// argError builds the error of a semantically wrong argument.
func (c *Command) argError(param, format string, a ...any) *CmdletError {
	return &CmdletError{Cmdlet: c.Cmdlet, Parameter: param, Column: c.Params.Col(param), Message: fmt.Sprintf(format, a...)}
}

// notFound is the product's error for an identity that names no user.
// argErr is err as a failure of the named parameter, keeping err for errors.Is.
func (c *Command) argErr(param string, err error) *CmdletError {
	ce := c.argError(param, "%s", err.Error())
	ce.Err = err
	return ce
}

func (c *Command) notFound(param, identity string) *CmdletError {
	ce := c.argError(param, "Management object not found for identity %q.", identity)
	ce.Category = fmt.Sprintf("InvalidData: (%s:UserIdParameter) [%s], ManagementException", identity, c.Cmdlet)
	ce.ErrorID = "Identity," + cmdletClass(c.Cmdlet)
	return ce
}

func (c *Command) str(name string) string {
	s, _ := c.Params.String(name)
	return s
}

func (c *Command) flag(name string) bool {
	b, _ := c.Params.Bool(name)
	return b
}
