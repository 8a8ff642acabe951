package enom

import (
	"errors"
	"strings"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// ErrOutcomeUnknown is wrapped by every error after which Enom may or may not have carried out the
// command: network failures, timeouts, HTTP 5xx answers and bodies that cannot be read. For a
// purchase it means the certificate may have been bought; find it with CertGetCerts before buying
// again. Test with errors.Is.
var ErrOutcomeUnknown = errors.New("enom: the provider's answer was not received, so the outcome is unknown")

// upstreamError is one error Enom reported: the ErrN text and, when given, the matching
// ResponseNumberN and ResponseStringN.
type upstreamError struct {
	Text   string // Err1…ErrN, meant by Enom to be shown as is
	Number string // six digits: system · error · parameter
	Detail string // ResponseString, "category; reason; parameter"
}

// Staff-facing messages for the failures they must fix themselves.
const (
	msgBadCredentials = "Enom refused the login: check the login ID (uid) and API token (pw) of this provider account, " +
		"and that they belong to the environment it is set to use (test credentials work only on resellertest.enom.com, " +
		"live credentials only on reseller.enom.com)"
	msgIPNotAllowed = "Enom does not accept API calls from this server's IP address%s: register this server's public IP " +
		"address for API access in the Enom reseller control panel (the test and live environments each keep their own " +
		"list), then test the connection again"
	msgUnauthorized = "Enom says this account is not authorised for that command or object: check that the provider " +
		"account is the reseller account that owns it"
	msgBalance = "Enom could not charge the reseller account: add funds to the Enom account balance (or ask Enom to " +
		"reset the test account's balance); the purchase can then be retried"
	msgMaintenance = "Enom is down for maintenance; try again later"
	msgSystem      = "Enom had an internal error; try again later"
)

// errorRule maps an upstream error to a class. Text matches case-insensitively anywhere in the
// error text; Number is a six-character pattern over ResponseNumber where 'x' is any digit. A rule
// with both needs both. Message replaces the upstream text when set (a %s in it receives the IP
// address Enom names, for the IP rule).
type errorRule struct {
	Name    string
	Text    string
	Number  string
	Class   provider.Class
	Message string
}

// errorRules is the one table from Enom's error texts and numbers to error classes; the first rule
// that matches wins, so exact texts and numbers come before the digit classes of Enom's numbering
// (system bit, error bit, parameter bit; see providers.md 1.3). An error that matches nothing is
// Invalid with Enom's own text: Enom answered, and its texts are written to be shown to the user.
var errorRules = []errorRule{
	// Known texts.
	{Name: "bad credentials", Text: "Bad User name or Password", Class: provider.Auth, Message: msgBadCredentials},
	{Name: "ip not permitted", Text: "not permitted from this IP address", Class: provider.Auth, Message: msgIPNotAllowed},
	{Name: "invalid client ip", Text: "Invalid client IP", Class: provider.Auth, Message: msgIPNotAllowed},
	{Name: "maintenance text", Text: "maintenance", Class: provider.Temporary, Message: msgMaintenance},
	{Name: "rate limit text", Text: "too many requests", Class: provider.Temporary},
	{Name: "try later text", Text: "try again later", Class: provider.Temporary},
	{Name: "insufficient funds text", Text: "insufficient funds", Class: provider.Temporary, Message: msgBalance},
	// Known numbers.
	{Name: "bad login id", Number: "304155", Class: provider.Auth, Message: msgBadCredentials},
	{Name: "bad password", Number: "304156", Class: provider.Auth, Message: msgBadCredentials},
	{Name: "unauthorized subaccount", Number: "313157", Class: provider.Auth, Message: msgUnauthorized},
	{Name: "domain not found", Number: "316153", Class: provider.NotFound},
	{Name: "failed to process", Number: "321393", Class: provider.Temporary},
	// Error bits.
	{Name: "down for maintenance", Number: "x18xxx", Class: provider.Temporary, Message: msgMaintenance},
	{Name: "insufficient balance", Number: "x24xxx", Class: provider.Temporary, Message: msgBalance},
	{Name: "failed to deduct", Number: "x19xxx", Class: provider.Temporary, Message: msgBalance},
	{Name: "connection failed", Number: "x07xxx", Class: provider.Temporary},
	{Name: "not available", Number: "x15xxx", Class: provider.Unsupported},
	{Name: "not found", Number: "x16xxx", Class: provider.NotFound},
	{Name: "unauthorized", Number: "x13xxx", Class: provider.Auth, Message: msgUnauthorized},
	// System bits.
	{Name: "authentication error", Number: "4xxxxx", Class: provider.Auth, Message: msgBadCredentials},
	{Name: "system error", Number: "6xxxxx", Class: provider.Temporary, Message: msgSystem},
	{Name: "unknown error", Number: "0xxxxx", Class: provider.Temporary},
	{Name: "unknown error bit", Number: "x99xxx", Class: provider.Temporary},
	{Name: "payment error", Number: "5xxxxx", Class: provider.Temporary, Message: msgBalance},
	{Name: "policy error", Number: "7xxxxx", Class: provider.Rejected},
	{Name: "registry error", Number: "2xxxxx", Class: provider.Rejected},
	{Name: "validation error", Number: "3xxxxx", Class: provider.Invalid},
	// Texts of errors that come without a number.
	{Name: "not found text", Text: "not found", Class: provider.NotFound},
	{Name: "does not belong text", Text: "does not belong", Class: provider.NotFound},
}

// matches reports whether the rule applies to e.
func (r errorRule) matches(e upstreamError) bool {
	if r.Text == "" && r.Number == "" {
		return false
	}
	if r.Text != "" && !strings.Contains(strings.ToLower(e.Text), strings.ToLower(r.Text)) {
		return false
	}
	if r.Number != "" && !numberMatches(strings.TrimSpace(e.Number), r.Number) {
		return false
	}
	return true
}

func numberMatches(num, pattern string) bool {
	if len(num) != len(pattern) {
		return false
	}
	for i := 0; i < len(num); i++ {
		if num[i] < '0' || num[i] > '9' {
			return false
		}
		if pattern[i] != 'x' && pattern[i] != num[i] {
			return false
		}
	}
	return true
}

// ruleFor returns the first rule matching e, or nil.
func ruleFor(e upstreamError) *errorRule {
	for i := range errorRules {
		if errorRules[i].matches(e) {
			return &errorRules[i]
		}
	}
	return nil
}

// classRank orders classes when one response carries several errors: the one staff must act on
// first wins.
var classRank = map[provider.Class]int{
	provider.Auth: 6, provider.Temporary: 5, provider.NotFound: 4, provider.Unsupported: 3,
	provider.Rejected: 2, provider.Invalid: 1,
}

// classify turns the errors of one response into one classified error.
func classify(command string, errs []upstreamError) *provider.Error {
	if len(errs) == 0 {
		errs = []upstreamError{{Text: "Enom reported an error without a message"}}
	}
	best := &provider.Error{Class: provider.Invalid, Command: command}
	bestRank := -1
	texts := make([]string, 0, len(errs))
	for _, e := range errs {
		t := e.Text
		if t == "" {
			t = e.Detail
		}
		if t != "" {
			texts = append(texts, t)
		}
		class, msg := provider.Invalid, ""
		if r := ruleFor(e); r != nil {
			class, msg = r.Class, r.Message
			msg = strings.Replace(msg, "%s", ipSuffix(e.Text), 1)
		}
		if classRank[class] > bestRank {
			bestRank = classRank[class]
			best.Class, best.Code, best.Message = class, e.Number, msg
			best.Field = fieldFor(e)
		}
	}
	upstream := strings.Join(texts, "; ")
	switch {
	case best.Message == "":
		best.Message = upstream
	case upstream != "":
		best.Message += " (Enom said: " + upstream + ")"
	}
	if best.Message == "" {
		best.Message = "Enom reported an error without a message"
	}
	if best.Class != provider.Invalid {
		best.Field = ""
	}
	return best
}

// ipSuffix extracts the address from "User not permitted from this IP address: 1.2.3.4".
func ipSuffix(text string) string {
	i := strings.LastIndex(text, ":")
	if i < 0 {
		return ""
	}
	ip := strings.TrimSpace(text[i+1:])
	if ip == "" || strings.ContainsAny(ip, " \t") {
		return ""
	}
	return " (" + ip + ")"
}

// fieldFor names our field an Invalid error concerns, from the text or the parameter bit.
func fieldFor(e upstreamError) string {
	t := strings.ToLower(e.Text + " " + e.Detail)
	switch {
	case strings.Contains(t, "csr"):
		return "csr"
	case strings.Contains(t, "approver"):
		return "approver_email"
	case strings.Contains(t, "webservertype") || strings.Contains(t, "web server"):
		return "server_type"
	case strings.Contains(t, "phone"):
		return "phone"
	}
	n := strings.TrimSpace(e.Number)
	if len(n) != 6 {
		return ""
	}
	switch p := n[3:]; {
	case p == "153" || p == "151" || p == "152":
		return "domain"
	case p == "010" || (p >= "065" && p <= "069"):
		return "phone"
	case p == "012" || (p >= "075" && p <= "079"):
		return "email"
	case p == "182":
		return "product"
	case p == "197" || p == "183":
		return "period"
	case p == "397":
		return "certificate"
	}
	return ""
}
