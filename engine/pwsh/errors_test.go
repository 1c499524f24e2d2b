package pwsh_test

import (
	"errors"
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ucssim/ucssim/engine/pwsh"
)

const boolHint = " Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0."

var _ = Describe("malformed lines", func() {
	DescribeTable("are refused with the exact message and column",
		func(line string, code pwsh.Code, col int, message string) {
			_, err := run(line)
			Expect(err).To(HaveOccurred())
			var perr *pwsh.Error
			Expect(errors.As(err, &perr)).To(BeTrue(), "an *pwsh.Error")
			Expect(perr.Error()).To(Equal(message))
			Expect(perr.Col).To(Equal(col))
			Expect(perr.Code).To(Equal(code), perr.Code.String())
		},
		// nothing to run
		Entry("empty line", ``, pwsh.CodeEmptyLine, 1,
			`column 1: empty line: expected a cmdlet such as Get-CsUserServicesPolicy`),
		Entry("blanks only", "  \t ", pwsh.CodeEmptyLine, 1,
			`column 1: empty line: expected a cmdlet such as Get-CsUserServicesPolicy`),
		Entry("a comment only", `# Grant-CsUserServicesPolicy`, pwsh.CodeEmptyLine, 1,
			`column 1: empty line: expected a cmdlet such as Get-CsUserServicesPolicy`),

		// not a Verb-Noun name
		Entry("starts with a parameter", `-Identity "Ken Myer"`, pwsh.CodeNotCmdlet, 1,
			`column 1: expected a cmdlet name in Verb-Noun form such as Get-CsUserServicesPolicy, found a parameter (-Identity)`),
		Entry("no dash in the name", `GrantCsUserServicesPolicy -Identity x`, pwsh.CodeUnknownCmdlet, 1,
			`column 1: The term 'GrantCsUserServicesPolicy' is not recognized as the name of a cmdlet. Did you mean Grant-CsUserServicesPolicy?`),
		Entry("a typographic dash in the name", "Grant\u2013CsUserServicesPolicy -Identity x", pwsh.CodeNotCmdlet, 1,
			"column 1: expected a cmdlet name in Verb-Noun form, found \"Grant\u2013CsUserServicesPolicy\": it contains a typographic dash; type '-' between verb and noun"),
		Entry("a quoted name", `"Get-CsUserServicesPolicy"`, pwsh.CodeNotCmdlet, 1,
			`column 1: expected a cmdlet name in Verb-Noun form such as Get-CsUserServicesPolicy, found a quoted or escaped string`),
		Entry("a value first", `  $True`, pwsh.CodeNotCmdlet, 3,
			`column 3: expected a cmdlet name in Verb-Noun form such as Get-CsUserServicesPolicy, found the value $True`),
		Entry("an unknown cmdlet", `Foo-Bar -Identity x`, pwsh.CodeUnknownCmdlet, 1,
			`column 1: The term 'Foo-Bar' is not recognized as the name of a cmdlet.`),
		Entry("a misspelt cmdlet", `Grant-CsUserServicePolicy -Identity x -PolicyName y`, pwsh.CodeUnknownCmdlet, 1,
			`column 1: The term 'Grant-CsUserServicePolicy' is not recognized as the name of a cmdlet. Did you mean Grant-CsUserServicesPolicy?`),

		// strings
		Entry("unterminated double quote", `Grant-CsUserServicesPolicy -Identity "Ken Myer`, pwsh.CodeUnterminatedString, 38,
			`column 38: the string starting here is missing its closing quote (")`),
		Entry("unterminated single quote", `New-CsUserServicesPolicy -Identity 'AllowUnifiedContactStore`, pwsh.CodeUnterminatedString, 36,
			`column 36: the string starting here is missing its closing quote (')`),
		Entry("a closing quote escaped by a backtick", "Invoke-CsUcsRollback \"Ken Myer`\"", pwsh.CodeUnterminatedString, 22,
			`column 22: the string starting here is missing its closing quote (")`),
		Entry("a quote inside a bare word", `Invoke-CsUcsRollback -Identity O'Neil`, pwsh.CodeSyntax, 33,
			`column 33: unexpected quote inside an unquoted word: quote the whole value`),
		Entry("text glued to a closing quote", `Invoke-CsUcsRollback -Identity "Ken"Myer`, pwsh.CodeSyntax, 37,
			`column 37: unexpected character 'M' right after the value that starts at column 32: separate arguments with a space`),
		Entry("a value glued to a parameter", `Invoke-CsUcsRollback -Identity"Ken Myer"`, pwsh.CodeSyntax, 31,
			`column 31: parameter -Identity: unexpected character '"' after the parameter name: put a space or ':' between a parameter and its value`),
		Entry("a malformed Unicode escape in a bare word", "Get-CsUserServicesPolicy x`u{zz}", pwsh.CodeSyntax, 27,
			"column 27: invalid Unicode escape: write `u{XXXX} with 1 to 6 hexadecimal digits"),
		Entry("a quoted string glued to another", `Invoke-CsUcsRollback "Ken"'Myer'`, pwsh.CodeSyntax, 27,
			`column 27: unexpected character "'" right after the value that starts at column 22: separate arguments with a space`),
		Entry("a bad Unicode escape", "Invoke-CsUcsRollback \"Ken`u{D800}\"", pwsh.CodeSyntax, 26,
			"column 26: invalid Unicode escape: U+D800 is not a character"),

		// what this shell does not run
		Entry("redirection", `Get-CsUserServicesPolicy > out.txt`, pwsh.CodeUnsupported, 26,
			`column 26: redirection ('>') is not supported`),
		Entry("a chain operator", `Invoke-CsUcsRollback -Identity "Ken Myer" && Get-X`, pwsh.CodeUnsupported, 43,
			`column 43: the '&' operator is not supported: run one cmdlet per line, or separate them with ';'`),
		Entry("line continuation", "Invoke-CsUcsRollback -Identity \"Ken Myer\" `", pwsh.CodeUnsupported, 43,
			"column 43: line continuation (a backtick at the end of the line) is not supported: write the whole command on one line"),
		Entry("an expression on $True", `Set-CsUserServicesPolicy -UcsAllowed $True.x`, pwsh.CodeUnsupported, 43,
			`column 43: unexpected character '.' after $True: expressions are not supported; separate arguments with a space`),
		Entry("'$' inside a bare word", `Invoke-CsUcsRollback -Identity ken$x`, pwsh.CodeUnsupported, 35,
			`column 35: variables are not supported ('$' inside an unquoted word): quote the value with single quotes`),
		Entry("an array for a single value", `Invoke-CsUcsRollback -Identity a,b`, pwsh.CodeConversion, 32,
			`column 32: parameter -Identity: Cannot convert 'System.Object[]' to the type 'System.String' required by parameter 'Identity'. Specified method is not supported.`),
		Entry("an array expression", `Invoke-CsUcsRollback -Identity @("a")`, pwsh.CodeUnsupported, 32,
			`column 32: '@' (arrays, hash tables, here-strings, splatting) is not supported`),
		Entry("a subexpression", `Invoke-CsUcsRollback -Identity (Get-CsUser)`, pwsh.CodeUnsupported, 32,
			`column 32: expressions in parentheses are not supported: give a literal value or a $variable`),

		// characters a line may not hold
		Entry("a control character", "Get-CsUserServicesPolicy\a", pwsh.CodeControlChar, 25,
			`column 25: control or invisible character U+0007 is not allowed`),
		Entry("a line break", "Get-CsUserServicesPolicy -Identity global\nRemove-CsUserServicesPolicy", pwsh.CodeControlChar, 42,
			`column 42: line break (U+000A) inside the line: give one command per line`),
		Entry("a zero-width space pasted from a web page", "Get-CsUserServicesPolicy\u200b -Identity global", pwsh.CodeControlChar, 25,
			`column 25: control or invisible character U+200B is not allowed`),
		Entry("invalid UTF-8", "Get-CsUserServicesPolicy -Identity \u00e9\xff", pwsh.CodeInvalidUTF8, 37,
			`column 37: invalid UTF-8 byte 0xff`),

		// binding
		Entry("a parameter given twice", `Set-CsUserServicesPolicy -UcsAllowed $False -UcsAllowed $True`, pwsh.CodeDuplicateParameter, 45,
			`column 45: Cannot bind parameter because parameter 'UcsAllowed' is specified more than once.`),
		Entry("a parameter given twice, by name and by position", `Invoke-CsUcsRollback x -Identity y`, pwsh.CodeTooManyPositional, 22,
			`column 22: A positional parameter cannot be found that accepts argument 'x'.`),
		Entry("a parameter given twice through a prefix", `Invoke-CsUcsRollback -Identity x -Ident y`, pwsh.CodeDuplicateParameter, 34,
			`column 34: Cannot bind parameter because parameter 'Identity' is specified more than once.`),
		Entry("an unknown parameter", `Grant-CsUserServicesPolicy -Identity "Ken Myer" -Fooo x`, pwsh.CodeUnknownParameter, 49,
			`column 49: A parameter cannot be found that matches parameter name 'Fooo'.`),
		Entry("an ambiguous prefix", `Grant-CsUserServicesPolicy -Identity "Ken Myer" -P NoUnifiedContactStore`, pwsh.CodeAmbiguousParameter, 49,
			`column 49: Parameter cannot be processed because the parameter name 'P' is ambiguous. Possible matches include: -PolicyName -PassThru.`),
		Entry("an ambiguous prefix on Debug-", `Debug-CsUnifiedContactStore -Po atl-cs-001.litwareinc.com`, pwsh.CodeAmbiguousParameter, 29,
			`column 29: Parameter cannot be processed because the parameter name 'Po' is ambiguous. Possible matches include: -PoolFqdn -PolicyName.`),
		Entry("a missing argument at the end", `Grant-CsUserServicesPolicy -Identity "Ken Myer" -PolicyName`, pwsh.CodeMissingArgument, 49,
			`column 49: parameter -PolicyName: missing an argument`),
		Entry("a missing argument before the next parameter", `Set-CsUserServicesPolicy -UcsAllowed -Identity global`, pwsh.CodeMissingArgument, 26,
			`column 26: parameter -UcsAllowed: missing an argument: give $True or $False`),
		Entry("a missing argument after ':'", `Invoke-CsUcsRollback -Identity:`, pwsh.CodeMissingArgument, 22,
			`column 22: parameter -Identity: missing an argument after ':'`),
		Entry("a missing argument for a prefix", `Test-CsUnifiedContactStore -UserSipAddress sip:kenmyer@litwareinc.com -Target`, pwsh.CodeMissingArgument, 71,
			`column 71: parameter -TargetFqdn: missing an argument`),
		Entry("too many positional values", `Invoke-CsUcsRollback "Ken Myer" extra`, pwsh.CodeTooManyPositional, 33,
			`column 33: A positional parameter cannot be found that accepts argument 'extra'.`),
		Entry("a value after a switch is positional", `Invoke-CsUcsRollback -Identity "Ken Myer" -Force now`, pwsh.CodeTooManyPositional, 50,
			`column 50: A positional parameter cannot be found that accepts argument 'now'.`),
		Entry("a switch value without a colon", `Invoke-CsUcsRollback -Identity "Ken Myer" -confirm $False`, pwsh.CodeSwitchValue, 52,
			`column 52: parameter -Confirm: a switch takes its value after a colon: write -confirm:$False`),
		Entry("a named-only parameter given by position", `Test-CsUnifiedContactStore sip:kenmyer@litwareinc.com`, pwsh.CodeTooManyPositional, 28,
			`column 28: A positional parameter cannot be found that accepts argument 'sip:kenmyer@litwareinc.com'.`),
		Entry("a mandatory parameter missing", `Grant-CsUserServicesPolicy -Identity "Ken Myer"`, pwsh.CodeMissingMandatory, 48,
			`column 48: Cannot process command because of one or more missing mandatory parameters: PolicyName.`),
		Entry("several mandatory parameters missing", `Grant-CsUserServicesPolicy -WhatIf`, pwsh.CodeMissingMandatory, 35,
			`column 35: Cannot process command because of one or more missing mandatory parameters: Identity PolicyName.`),
		Entry("$Null where not allowed", `Invoke-CsUcsRollback -Identity $Null`, pwsh.CodeNullNotAllowed, 32,
			`column 32: Cannot bind argument to parameter 'Identity' because it is null.`),
		Entry("$Null for a Boolean", `Set-CsUserServicesPolicy -UcsAllowed $Null`, pwsh.CodeNullNotAllowed, 38,
			`column 38: Cannot bind argument to parameter 'UcsAllowed' because it is null.`),
		Entry("an empty mandatory string", `Invoke-CsUcsRollback -Identity ""`, pwsh.CodeEmptyString, 32,
			`column 32: Cannot bind argument to parameter 'Identity' because it is an empty string.`),
		Entry("a word where a Boolean is required", `Set-CsUserServicesPolicy -Identity global -UcsAllowed yes`, pwsh.CodeConversion, 55,
			`column 55: parameter -UcsAllowed: Cannot convert value "yes" to type System.Boolean.`+boolHint),
		Entry("a quoted $True where a Boolean is required", `Set-CsUserServicesPolicy -Identity global -UcsAllowed "$True"`, pwsh.CodeConversion, 55,
			`column 55: parameter -UcsAllowed: Cannot convert value "$True" to type System.Boolean.`+boolHint),
		Entry("a bare True where a Boolean is required", `Set-CsUserServicesPolicy -UcsAllowed:True`, pwsh.CodeConversion, 38,
			`column 38: parameter -UcsAllowed: Cannot convert value "True" to type System.Boolean.`+boolHint),
		Entry("a word for a switch", `Invoke-CsUcsRollback -Identity "Ken Myer" -Force:yes`, pwsh.CodeConversion, 50,
			`column 50: parameter -Force: Cannot convert value "yes" to type System.Management.Automation.SwitchParameter.`+boolHint),
	)

	It("names the parameter in Param, canonical once resolved and as typed when not", func() {
		_, err := run(`Grant-CsUserServicesPolicy -Identity x -polic`)
		var perr *pwsh.Error
		Expect(errors.As(err, &perr)).To(BeTrue())
		Expect(perr.Param).To(Equal("PolicyName"))

		_, err = run(`Grant-CsUserServicesPolicy -Identity x -Nope y`)
		Expect(errors.As(err, &perr)).To(BeTrue())
		Expect(perr.Param).To(Equal("Nope"))
	})

	It("refuses a runaway line before reading it", func() {
		long := "Get-CsUserServicesPolicy " + strings.Repeat("x", pwsh.MaxLineBytes)
		_, err := pwsh.Parse(long)
		Expect(err).To(MatchError(fmt.Sprintf("column 1: the line is %d bytes long; the limit is %d", len(long), pwsh.MaxLineBytes)))
		_, err = pwsh.Parse(long[:pwsh.MaxLineBytes])
		Expect(err).NotTo(HaveOccurred())
	})

	It("names its codes and kinds for logs", func() {
		Expect(pwsh.CodeAmbiguousParameter.String()).To(Equal("ambiguous-parameter"))
		Expect(pwsh.Code(99).String()).To(Equal("code(99)"))
		Expect(pwsh.Number.String()).To(Equal("Number"))
		Expect(pwsh.ValueKind(0).String()).To(Equal("ValueKind(0)"))
		Expect(pwsh.BoolParam.String()).To(Equal("Boolean"))
		Expect(pwsh.SwitchParam.String()).To(Equal("SwitchParameter"))
		Expect(pwsh.ParamKind(9).String()).To(Equal("ParamKind(9)"))
	})

	It("returns nothing alongside an error", func() {
		c, err := pwsh.Parse(`Get-CsUserServicesPolicy | Out-Host`)
		Expect(err).To(HaveOccurred())
		Expect(c).To(BeNil())
		b, err := run(`Grant-CsUserServicesPolicy -Identity x`)
		Expect(err).To(HaveOccurred())
		Expect(b).To(BeNil())
	})
})
