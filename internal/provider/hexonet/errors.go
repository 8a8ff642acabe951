package hexonet

import (
	"errors"
	"strconv"
	"strings"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// authAdvice tells staff what to check when HEXONET refuses the login. HEXONET does not say whether the
// password, the environment or the IP filter was the cause, so the advice names all three.
const authAdvice = "Check the HEXONET user name and password of this provider account; " +
	"check that they belong to the chosen environment (OT&E test credentials only work in test mode, " +
	"live credentials only in live mode); and check that this server's public IP address is allowed " +
	"in the IP filter of the HEXONET control panel."

// ipAdvice is the advice when HEXONET names the IP address as the reason.
const ipAdvice = "HEXONET does not accept API calls from this server's IP address. Register this server's " +
	"public IP address in the IP filter (allowed IPs) of the HEXONET control panel, for the environment " +
	"in use (OT&E test or live), then test the connection again."

// codeRule is one row of the result-code table. A row matches a code in [From, To] whose description
// contains Contains (lower case; "" matches any). The first matching row wins.
type codeRule struct {
	From, To int
	Contains string
	Class    provider.Class
	// Message is the sentence staff read; HEXONET's own code and description are added after it.
	Message string
}

// codeRules maps every HEXONET result code and error text the service knows to an error class. Codes
// and texts are those of HEXONET's command documentation (providers.md 2.3); the SDK-made texts (421
// "HTTP communication error", 423 "Empty API response", 530 "SESSION NOT FOUND") are covered by their
// code. Specific rows come before the ranges that catch the rest: 4xx is temporary, any other 5xx is a
// refusal of our input.
var codeRules = []codeRule{
	// Text rows first: they override the code.
	{From: 0, To: 999, Contains: "maintenance", Class: provider.Temporary, Message: "HEXONET is in maintenance; the call will be retried"},
	{From: 0, To: 999, Contains: "rate limit", Class: provider.Temporary, Message: "HEXONET's rate limit was reached; the call will be retried"},
	{From: 0, To: 999, Contains: "too many", Class: provider.Temporary, Message: "HEXONET's rate limit was reached; the call will be retried"},
	{From: 530, To: 531, Contains: "ip", Class: provider.Auth, Message: ipAdvice},
	{From: 531, To: 531, Contains: "forbidden by acl", Class: provider.Auth, Message: "The HEXONET user (or role user) may not run this command: allow it in the user's access control list in the HEXONET control panel, or use the account's main user."},

	// Temporary failures on HEXONET's side.
	{From: 420, To: 420, Class: provider.Temporary, Message: "HEXONET closed the connection after a server error; the call will be retried"},
	{From: 421, To: 421, Class: provider.Temporary, Message: "HEXONET had a server error and asks to try again; the call will be retried"},
	{From: 423, To: 423, Class: provider.Temporary, Message: "HEXONET could not open a session or sent an empty answer; the call will be retried"},
	{From: 425, To: 425, Class: provider.Temporary, Message: "HEXONET temporarily locked the service because the usage limit was exceeded; the call will be retried later"},
	{From: 520, To: 520, Class: provider.Temporary, Message: "HEXONET closed the connection; the call will be retried"},

	// Our input or the command.
	{From: 500, To: 500, Class: provider.Unsupported, Message: "HEXONET does not know this command"},
	{From: 503, To: 503, Class: provider.Invalid, Message: "HEXONET refused an attribute name"},
	{From: 504, To: 504, Class: provider.Invalid, Message: "HEXONET needs an attribute that was not sent"},
	{From: 505, To: 505, Class: provider.Invalid, Message: "HEXONET refused the syntax of an attribute value"},
	{From: 506, To: 506, Class: provider.Invalid, Message: "HEXONET refused an option value"},
	{From: 507, To: 507, Class: provider.Invalid, Message: "HEXONET refused the format of the command"},
	{From: 510, To: 510, Class: provider.Unsupported, Message: "HEXONET does not support this command for this kind of certificate"},
	{From: 540, To: 540, Class: provider.Invalid, Message: "HEXONET says a value that must be unique is already in use"},
	{From: 541, To: 541, Class: provider.Invalid, Message: "HEXONET refused an attribute value"},
	{From: 547, To: 547, Class: provider.Invalid, Message: "HEXONET refused the command in the certificate's current state (invalid command sequence)"},
	{From: 548, To: 548, Class: provider.Invalid, Message: "the certificate is not up for renewal at HEXONET yet"},
	{From: 552, To: 552, Class: provider.Invalid, Message: "the certificate's status at HEXONET does not allow this operation"},
	{From: 555, To: 555, Class: provider.Invalid, Message: "the certificate was already renewed at HEXONET"},

	// Login and permissions.
	{From: 530, To: 530, Class: provider.Auth, Message: "HEXONET refused the login. " + authAdvice},
	{From: 531, To: 531, Class: provider.Auth, Message: "HEXONET refused the authorization for this user. " + authAdvice},

	// Objects, money, the CA.
	{From: 545, To: 545, Class: provider.NotFound, Message: "HEXONET does not know this certificate (or it belongs to another account or environment)"},
	{From: 546, To: 546, Class: provider.Temporary, Message: "the HEXONET account's credit limit is exceeded: add funds to the HEXONET account; the order is retried afterwards"},
	{From: 549, To: 549, Class: provider.Rejected, Message: "HEXONET or the certificate authority refused the request"},

	// Everything else, by code class.
	{From: 400, To: 499, Class: provider.Temporary, Message: "HEXONET reported a temporary error; the call will be retried"},
	{From: 500, To: 599, Class: provider.Invalid, Message: "HEXONET refused the request"},
	{From: 0, To: 999, Class: provider.Temporary, Message: "HEXONET answered with an unexpected result code; the call will be retried"},
}

// matchRule returns the index of the first row of codeRules that matches.
func matchRule(code int, description string) int {
	desc := strings.ToLower(description)
	for i, rule := range codeRules {
		if code < rule.From || code > rule.To {
			continue
		}
		if rule.Contains != "" && !containsWord(desc, rule.Contains) {
			continue
		}
		return i
	}
	return len(codeRules) - 1
}

// containsWord reports whether text contains needle not glued to letters on either side, so that "ip"
// matches "IP address" and "ip:" but not "description" or "relationship".
func containsWord(text, needle string) bool {
	for start := 0; ; {
		i := strings.Index(text[start:], needle)
		if i < 0 {
			return false
		}
		i += start
		before := i == 0 || !isLetter(text[i-1])
		after := i+len(needle) >= len(text) || !isLetter(text[i+len(needle)])
		if before && after {
			return true
		}
		start = i + 1
	}
}

func isLetter(b byte) bool { return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') }

// responseError classifies a non-success response; nil for 2xx. The message never holds credentials:
// only the code, HEXONET's description and our own sentence.
func responseError(r *Response) *provider.Error {
	if r.Success() {
		return nil
	}
	rule := codeRules[matchRule(r.Code, r.Description)]
	desc := strings.TrimSpace(r.Description)
	msg := rule.Message
	if desc != "" {
		msg += " (HEXONET: " + strconv.Itoa(r.Code) + " " + desc + ")"
	}
	e := &provider.Error{Class: rule.Class, Message: msg, Code: strconv.Itoa(r.Code)}
	if rule.Class == provider.Invalid {
		e.Field = fieldOf(desc)
	}
	return e
}

// attributeFields maps the HEXONET attribute named after the ";" of a description to the service's
// field, so a form can point at the input to fix. Prefixes match indexed attributes (CSR0, DOMAIN1).
var attributeFields = []struct{ prefix, field string }{
	{"SSLCERTCLASS", "product"},
	{"SSLCERTDOMAIN", "names"},
	{"SSLCERTID", "reference"},
	{"CSR", "csr"},
	{"DOMAIN", "names"},
	{"ALTERNATECN", "names"},
	{"VALIDATIONEMAIL", "approver_email"},
	{"EMAIL", "approver_email"},
	{"VALIDATION", "dcv_method"},
	{"PERIOD", "period"},
	{"SERVERSOFTWARE", "server_type"},
	{"REASON", "reason"},
	{"OWNERCONTACT", "contacts"},
	{"ADMINCONTACT", "contacts"},
	{"TECHCONTACT", "contacts"},
	{"BILLINGCONTACT", "contacts"},
}

// fieldOf returns our field for the attribute a description names after ";", or "".
func fieldOf(description string) string {
	_, detail, ok := strings.Cut(description, ";")
	if !ok {
		return ""
	}
	detail = strings.ToUpper(strings.TrimSpace(detail))
	word, _, _ := strings.Cut(detail, " ")
	word = strings.Trim(word, "()[]:,.")
	for _, a := range attributeFields {
		if strings.HasPrefix(word, a.prefix) {
			return a.field
		}
	}
	return ""
}

// InsufficientCredit reports whether err is HEXONET's "546 Credit limit exceeded": the purchase was
// refused because the HEXONET account has no funds left. It is a Temporary error (the order can go ahead
// once funds are added), but staff should be told at once.
func InsufficientCredit(err error) bool {
	var e *provider.Error
	return errors.As(err, &e) && e.Code == "546"
}
