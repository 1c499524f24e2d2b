package pwsh

import "fmt"

// Code classifies an Error so callers can react without matching message text.
type Code int

// Error codes.
const (
	CodeSyntax             Code = iota + 1 // malformed token (bad escape, stray quote, ...)
	CodeEmptyLine                          // nothing but blanks or a comment
	CodeNotCmdlet                          // the line does not start with a Verb-Noun name
	CodeUnterminatedString                 // a quote is never closed
	CodeUnsupported                        // pipelines, statements, redirection, variables, ...
	CodeControlChar                        // control or invisible format character, line break
	CodeInvalidUTF8                        // the line is not valid UTF-8
	CodeUnknownCmdlet                      // Resolve: no spec with that name
	CodeUnknownParameter                   // no parameter matches the name
	CodeAmbiguousParameter                 // the prefix matches several parameters
	CodeDuplicateParameter                 // a parameter given twice
	CodeMissingArgument                    // a non-switch parameter without a value
	CodeTooManyPositional                  // a positional value no parameter accepts
	CodeMissingMandatory                   // a mandatory parameter was not given
	CodeNullNotAllowed                     // $Null where the parameter does not allow it
	CodeEmptyString                        // "" for a mandatory string parameter
	CodeConversion                         // a value of the wrong type (e.g. a string for a Boolean)
	CodeBadSpec                            // the Spec itself is inconsistent (a programming error)
	CodeSwitchValue                        // -Switch $False: a value for a switch needs a colon
	CodeTooLong                            // the line exceeds MaxLineBytes
	CodeInputNotBound                      // a pipeline input object binds to no parameter
)

var codeNames = map[Code]string{
	CodeSyntax:             "syntax",
	CodeEmptyLine:          "empty-line",
	CodeNotCmdlet:          "not-cmdlet",
	CodeUnterminatedString: "unterminated-string",
	CodeUnsupported:        "unsupported",
	CodeControlChar:        "control-char",
	CodeInvalidUTF8:        "invalid-utf8",
	CodeUnknownCmdlet:      "unknown-cmdlet",
	CodeUnknownParameter:   "unknown-parameter",
	CodeAmbiguousParameter: "ambiguous-parameter",
	CodeDuplicateParameter: "duplicate-parameter",
	CodeMissingArgument:    "missing-argument",
	CodeTooManyPositional:  "too-many-positional",
	CodeMissingMandatory:   "missing-mandatory",
	CodeNullNotAllowed:     "null-not-allowed",
	CodeEmptyString:        "empty-string",
	CodeConversion:         "conversion",
	CodeBadSpec:            "bad-spec",
	CodeSwitchValue:        "switch-value",
	CodeTooLong:            "too-long",
	CodeInputNotBound:      "input-not-bound",
}

func (c Code) String() string {
	if n, ok := codeNames[c]; ok {
		return n
	}
	return fmt.Sprintf("code(%d)", int(c))
}

// Error is a parse or bind error. Msg is the bare message; Error() adds the column and, when the
// message does not already name it, the parameter:
//
//	column 49: parameter -PolicyName: missing an argument
//	column 28: A parameter cannot be found that matches parameter name 'Fooo'.
type Error struct {
	Col   int    // 1-based character column the error points at; 0 when not tied to the line
	Param string // parameter concerned: canonical name once resolved, else as typed; "" if none
	Msg   string
	Code  Code
}

// messageNamesParam lists the codes whose messages (PowerShell's wording) already quote the
// parameter name, so Error() does not repeat it.
func (c Code) messageNamesParam() bool {
	switch c {
	case CodeUnknownParameter, CodeAmbiguousParameter, CodeDuplicateParameter,
		CodeMissingMandatory, CodeNullNotAllowed, CodeEmptyString, CodeBadSpec:
		return true
	}
	return false
}

func (e *Error) Error() string {
	s := ""
	if e.Col > 0 {
		s = fmt.Sprintf("column %d: ", e.Col)
	}
	if e.Param != "" && !e.Code.messageNamesParam() {
		s += "parameter -" + e.Param + ": "
	}
	return s + e.Msg
}

func errAt(col int, code Code, format string, args ...any) *Error {
	return &Error{Col: col, Code: code, Msg: fmt.Sprintf(format, args...)}
}

func paramErr(col int, param string, code Code, format string, args ...any) *Error {
	return &Error{Col: col, Param: param, Code: code, Msg: fmt.Sprintf(format, args...)}
}
