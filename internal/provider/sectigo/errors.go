package sectigo

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// authAdvice is what staff read when Sectigo refuses the login. Sectigo answers bad credentials, a
// locked account, an expired password, an account without API access and a source IP outside the
// allow-list with the same code (-16), so the advice names every cause.
const authAdvice = "Sectigo refused the login. Check the login name and password of this provider account " +
	"(Sectigo has no separate test login: test orders use the same reseller login with test=Y, so make sure " +
	"these are the live reseller credentials and not a web-account or test-portal password), check that API " +
	"access is enabled and the account is not locked, and register this server's public IP address in the " +
	"API IP allow-list of the Sectigo reseller control panel"

// errorRule classifies one upstream failure. A rule matches either an errorCode (Code != 0), optionally
// only for one command, or a fragment of an error text (Text != ""), used for bodies without a code
// (gateway pages, proxies) and for free-text answers.
type errorRule struct {
	Code    int
	Command string // "" matches every command
	Text    string // lower-case fragment of the body or message
	Class   provider.Class
	Field   string // our field, for Invalid; "" lets the argument named by Sectigo decide
	Message string // what staff read, before Sectigo's own words
}

// errorRules is the one table of Sectigo failures and what they mean here. Codes come from Sectigo's
// documentation and widely used clients (providers.md 3.4); command-specific rows come before the
// general row of the same code. A negative code missing here is Temporary: an unexplained failure is
// retried, never taken for a rejection.
func errorRules() []errorRule {
	return []errorRule{
		{Code: -1, Class: provider.Invalid, Field: "endpoint", Message: "Sectigo refused a request that was not made over HTTPS; set the endpoint to an https:// URL"},
		{Code: -2, Class: provider.Invalid, Message: "Sectigo does not recognise an argument the service sent"},
		{Code: -3, Class: provider.Invalid, Message: "an argument Sectigo requires is missing"},
		{Code: -4, Command: cmdCollect, Class: provider.NotFound, Message: "Sectigo does not know this order number or certificate ID"},
		{Code: -4, Class: provider.Invalid, Message: "Sectigo does not accept the value of an argument"},
		{Code: -5, Class: provider.Invalid, Field: "csr", Message: "the CSR asks for a wildcard name but the product is not a wildcard certificate"},
		{Code: -6, Class: provider.Invalid, Field: "csr", Message: "the product is a wildcard certificate but the CSR's common name is not a wildcard such as *.example.com"},
		{Code: -7, Class: provider.Invalid, Field: "organization.country", Message: "the country is not a valid ISO 3166 two-letter code"},
		{Code: -8, Class: provider.Invalid, Field: "csr", Message: "the CSR lacks a field Sectigo requires (usually the common name)"},
		{Code: -9, Class: provider.Invalid, Field: "csr", Message: "the CSR is not valid base64"},
		{Code: -10, Class: provider.Invalid, Field: "csr", Message: "Sectigo cannot decode the CSR"},
		{Code: -11, Class: provider.Invalid, Field: "csr", Message: "the CSR uses a key or signature algorithm Sectigo does not support"},
		{Code: -12, Class: provider.Invalid, Field: "csr", Message: "the CSR's signature does not verify"},
		{Code: -13, Class: provider.Invalid, Field: "csr", Message: "the CSR's key size is not supported; use RSA 2048 bits or more, or ECDSA P-256 or P-384"},
		{Code: -14, Class: provider.Temporary, Message: "Sectigo reported an unknown error; the call will be retried"},
		{Code: -15, Class: provider.Temporary, Message: "the Sectigo account does not have enough credit; top up the reseller balance at Sectigo and the order will be retried"},
		{Code: -16, Class: provider.Auth, Message: authAdvice},
		{Code: -17, Class: provider.Invalid, Field: "endpoint", Message: "Sectigo received a GET instead of a POST; an endpoint that redirects (for example http to https) causes this, so use the https:// URL"},
		{Code: -18, Command: cmdRefund, Class: provider.Rejected, Message: "the order was already refunded"},
		{Code: -18, Class: provider.Invalid, Field: "csr", Message: "the CSR's common name must be a fully-qualified domain name"},
		{Code: -19, Class: provider.Invalid, Field: "csr", Message: "the CSR's common name is an IP address reachable on the internet; use a domain name"},
		{Code: -20, Class: provider.Rejected, Message: "the order was already rejected or cancelled at Sectigo"},
		{Code: -21, Class: provider.Rejected, Message: "the certificate was already revoked"},
		{Code: -26, Class: provider.Temporary, Message: "Sectigo is issuing the certificate right now; try again in a few minutes"},
		{Code: -35, Class: provider.Invalid, Field: "csr", Message: "the CSR's common name is an IP address; use a domain name"},
		{Code: -40, Class: provider.Invalid, Field: "csr", Message: "the CSR's key is known to be compromised; generate a new key and CSR"},
		{Code: -42, Class: provider.Temporary, Message: "Sectigo's call limit was reached; the call will be retried later"},
		{Code: -115, Class: provider.Invalid, Field: "period", Message: "Sectigo has no price for this product and period; check the product code and the number of days"},
		{Code: -121, Class: provider.Invalid, Field: "product", Message: "Sectigo does not allow buying a lower tier for this product"},

		{Text: "not permitted from this ip", Class: provider.Auth, Message: authAdvice},
		{Text: "source ip is blocked", Class: provider.Auth, Message: authAdvice},
		{Text: "incorrect login details", Class: provider.Auth, Message: authAdvice},
		{Text: "permission denied", Class: provider.Auth, Message: authAdvice},
		{Text: "maintenance", Class: provider.Temporary, Message: "Sectigo is down for maintenance; the call will be retried"},
		{Text: "call limit reached", Class: provider.Temporary, Message: "Sectigo's call limit was reached; the call will be retried later"},
		{Text: "too many requests", Class: provider.Temporary, Message: "Sectigo asked the service to slow down; the call will be retried later"},
		{Text: "internal server error", Class: provider.Temporary, Message: "Sectigo had an internal error; the call will be retried"},
		{Text: "service unavailable", Class: provider.Temporary, Message: "Sectigo is unavailable; the call will be retried"},
		{Text: "bad gateway", Class: provider.Temporary, Message: "Sectigo is unavailable; the call will be retried"},
		{Text: "gateway timeout", Class: provider.Temporary, Message: "Sectigo did not answer in time; the call will be retried"},
	}
}

// argumentFields maps Sectigo argument names (as named in -2/-3/-4 errors) to the service's fields.
func argumentFields() map[string]string {
	return map[string]string{
		"csr":                 "csr",
		"product":             "product",
		"days":                "period",
		"years":               "period",
		"dcvmethod":           "dcv_method",
		"newmethod":           "dcv_method",
		"dcvemailaddress":     "approver_email",
		"newdcvemailaddress":  "approver_email",
		"domainname":          "names",
		"domainnames":         "names",
		"primarydomainname":   "names",
		"serversoftware":      "server_type",
		"organizationname":    "organization.name",
		"streetaddress1":      "organization.address",
		"localityname":        "organization.city",
		"stateorprovincename": "organization.state",
		"postalcode":          "organization.postal_code",
		"countryname":         "organization.country",
		"apprepemailaddress":  "contact.email",
		"apprepforename":      "contact.first_name",
		"apprepsurname":       "contact.last_name",
		"appreptelephone":     "contact.phone",
		"revocationreason":    "reason",
		"refundreasoncode":    "reason",
		"loginname":           "credentials",
		"loginpassword":       "credentials",
	}
}

// Upstream error messages are shortened to this many runes before they reach staff.
const maxUpstreamText = 300

// classify turns a negative errorCode into a classified error for command. message and item are
// Sectigo's errorMessage and errorItem (either may be empty).
func classify(command string, code int, message, item string) *provider.Error {
	message = cleanText(message)
	var rule *errorRule
	for _, r := range errorRules() {
		if r.Code != code || r.Code == 0 {
			continue
		}
		if r.Command != "" && r.Command != command {
			continue
		}
		r := r
		rule = &r
		break
	}
	e := &provider.Error{Command: command, Code: strconv.Itoa(code), Class: provider.Temporary,
		Message: "Sectigo reported an error the service does not know; the call will be retried"}
	if rule != nil {
		e.Class, e.Message, e.Field = rule.Class, rule.Message, rule.Field
	}
	if e.Class == provider.Invalid && e.Field == "" {
		e.Field = fieldOf(item, message)
	}
	if message != "" {
		e.Message += fmt.Sprintf(" (Sectigo said: %q)", message)
	}
	return e
}

// classifyText classifies a body that carries no errorCode by the known error texts, and otherwise by
// the HTTP status: every such failure is Temporary unless the text says the login was refused.
func classifyText(command string, httpStatus int, body string) *provider.Error {
	low := strings.ToLower(body)
	for _, r := range errorRules() {
		if r.Text != "" && strings.Contains(low, r.Text) {
			return &provider.Error{Command: command, Class: r.Class, Message: r.Message, Code: httpCode(httpStatus)}
		}
	}
	msg := "Sectigo's answer could not be read (it is not in Sectigo's response format; the service may be " +
		"under maintenance or a proxy answered instead); the call will be retried"
	if httpStatus >= 500 || httpStatus == http.StatusTooManyRequests {
		msg = fmt.Sprintf("Sectigo answered HTTP %d; the call will be retried", httpStatus)
	}
	if snippet := cleanText(body); snippet != "" {
		msg += fmt.Sprintf(" (the answer began: %q)", truncate(snippet, 120))
	}
	return &provider.Error{Command: command, Class: provider.Temporary, Message: msg, Code: httpCode(httpStatus)}
}

func httpCode(status int) string {
	if status == 0 || status == http.StatusOK {
		return ""
	}
	return "HTTP " + strconv.Itoa(status)
}

// malformed is the error for a body that has Sectigo's shape but misses what the command needs.
func malformed(command, what string) *provider.Error {
	return &provider.Error{Command: command, Class: provider.Temporary,
		Message: "Sectigo's answer could not be read: " + what + "; the call will be retried"}
}

// fieldOf finds our field for an argument Sectigo named, in errorItem or quoted in the message
// ("The 'csr' argument is missing!").
func fieldOf(item, message string) string {
	arg := strings.TrimSpace(item)
	if arg == "" {
		if i := strings.IndexByte(message, '\''); i >= 0 {
			if j := strings.IndexByte(message[i+1:], '\''); j > 0 {
				arg = message[i+1 : i+1+j]
			}
		}
	}
	if arg == "" {
		return "provider"
	}
	if f, ok := argumentFields()[strings.ToLower(arg)]; ok {
		return f
	}
	return arg
}

// cleanText makes upstream text safe to show: control characters become spaces, runs of space collapse,
// and it is cut to maxUpstreamText runes.
func cleanText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return truncate(strings.Join(strings.Fields(s), " "), maxUpstreamText)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
