package enom

import (
	"strconv"
	"strings"
	"testing"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// TestErrorRules has one case per row of errorRules: an error that row must be the first to match,
// and the class it gives. A row without a case fails the test.
func TestErrorRules(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		err   upstreamError
		class provider.Class
	}{
		"bad credentials":         {upstreamError{Text: "Bad User name or Password"}, provider.Auth},
		"ip not permitted":        {upstreamError{Text: "User not permitted from this IP address: 1.2.3.4"}, provider.Auth},
		"invalid client ip":       {upstreamError{Text: "Invalid client IP 203.0.113.9"}, provider.Auth},
		"maintenance text":        {upstreamError{Text: "The system is down for scheduled maintenance"}, provider.Temporary},
		"rate limit text":         {upstreamError{Text: "Too many requests, slow down"}, provider.Temporary},
		"try later text":          {upstreamError{Text: "Please try again later"}, provider.Temporary},
		"insufficient funds text": {upstreamError{Text: "Insufficient funds"}, provider.Temporary},
		"bad login id":            {upstreamError{Text: "Validation error", Number: "304155"}, provider.Auth},
		"bad password":            {upstreamError{Text: "Passwords do not match", Number: "304156"}, provider.Auth},
		"unauthorized subaccount": {upstreamError{Text: "Unauthorized", Number: "313157"}, provider.Auth},
		"domain not found":        {upstreamError{Text: "Domain name not found", Number: "316153"}, provider.NotFound},
		"failed to process":       {upstreamError{Text: "Failed to process folder", Number: "321393"}, provider.Temporary},
		"down for maintenance":    {upstreamError{Text: "Unavailable", Number: "618000"}, provider.Temporary},
		"insufficient balance":    {upstreamError{Text: "Cannot complete the order", Number: "524181"}, provider.Temporary},
		"failed to deduct":        {upstreamError{Text: "Could not charge", Number: "519181"}, provider.Temporary},
		"connection failed":       {upstreamError{Text: "Registry link down", Number: "207000"}, provider.Temporary},
		"not available":           {upstreamError{Text: "CertReissueCert is available for Symantec, VeriSign and GeoTrust certificates only", Number: "715397"}, provider.Unsupported},
		"not found":               {upstreamError{Text: "Certificate not found: CertID 9", Number: "316397"}, provider.NotFound},
		"unauthorized":            {upstreamError{Text: "No access", Number: "313397"}, provider.Auth},
		"authentication error":    {upstreamError{Text: "Session expired", Number: "404000"}, provider.Auth},
		"system error":            {upstreamError{Text: "Object reference not set", Number: "600000"}, provider.Temporary},
		"unknown error":           {upstreamError{Text: "Oops", Number: "000000"}, provider.Temporary},
		"unknown error bit":       {upstreamError{Text: "Oops", Number: "399000"}, provider.Temporary},
		"payment error":           {upstreamError{Text: "Card declined", Number: "514198"}, provider.Temporary},
		"policy error":            {upstreamError{Text: "The certificate authority declined the order", Number: "714397"}, provider.Rejected},
		"registry error":          {upstreamError{Text: "CA refused", Number: "200000"}, provider.Rejected},
		"validation error":        {upstreamError{Text: "NumYears must be from 1 to 2", Number: "303197"}, provider.Invalid},
		"not found text":          {upstreamError{Text: "Order not found"}, provider.NotFound},
		"does not belong text":    {upstreamError{Text: "This certificate does not belong to you"}, provider.NotFound},
	}
	for i, rule := range errorRules {
		t.Run(rule.Name, func(t *testing.T) {
			c, ok := cases[rule.Name]
			if !ok {
				t.Fatalf("error rule %q has no test case", rule.Name)
			}
			got := ruleFor(c.err)
			if got == nil || got.Name != rule.Name {
				t.Fatalf("%+v matched rule %v, want %q (row %d)", c.err, got, rule.Name, i)
			}
			if got.Class != c.class {
				t.Errorf("class %s, want %s", got.Class, c.class)
			}
			if e := classify("Cmd", []upstreamError{c.err}); e.Class != c.class || e.Command != "Cmd" {
				t.Errorf("classify: %+v", e)
			}
		})
	}
	if len(cases) != len(errorRules) {
		t.Errorf("%d cases for %d rules", len(cases), len(errorRules))
	}
}

func TestClassifyMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		errs       []upstreamError
		class      provider.Class
		field      string
		code       string
		contains   []string
		notContain []string
	}{
		{name: "bad credentials tell staff what to check",
			errs: []upstreamError{{Text: "Bad User name or Password", Number: "304155"}}, class: provider.Auth, code: "304155",
			contains: []string{"login ID", "API token", "resellertest.enom.com", "reseller.enom.com", "Enom said: Bad User name or Password"}},
		{name: "ip refusal names the address and the fix",
			errs: []upstreamError{{Text: "User not permitted from this IP address: 198.51.100.7"}}, class: provider.Auth,
			contains: []string{"(198.51.100.7)", "register this server's public IP address", "control panel"}},
		{name: "insufficient balance tells staff to add funds",
			errs: []upstreamError{{Text: "Insufficient funds in the reseller account", Number: "524181"}}, class: provider.Temporary,
			contains: []string{"add funds"}},
		{name: "unknown text is shown as Enom wrote it",
			errs: []upstreamError{{Text: "Something odd happened"}}, class: provider.Invalid, contains: []string{"Something odd happened"}},
		{name: "field from text", errs: []upstreamError{{Text: "Invalid CSR: short", Number: "304397"}}, class: provider.Invalid, field: "csr"},
		{name: "field from number", errs: []upstreamError{{Text: "Bad value", Number: "303197"}}, class: provider.Invalid, field: "period"},
		{name: "auth outranks the rest",
			errs:  []upstreamError{{Text: "Invalid CSR: short", Number: "304397"}, {Text: "Bad User name or Password", Number: "304155"}},
			class: provider.Auth, contains: []string{"Invalid CSR: short; Bad User name or Password"}},
		{name: "detail used when text is missing", errs: []upstreamError{{Number: "304182", Detail: "Validation error; invalid ; product type"}},
			class: provider.Invalid, field: "product", contains: []string{"product type"}},
		{name: "no errors listed", errs: nil, class: provider.Invalid, contains: []string{"without a message"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := classify("GetBalance", tt.errs)
			if e.Class != tt.class || e.Field != tt.field || (tt.code != "" && e.Code != tt.code) {
				t.Errorf("got class %s field %q code %q, want %s %q %q", e.Class, e.Field, e.Code, tt.class, tt.field, tt.code)
			}
			for _, c := range tt.contains {
				if !strings.Contains(e.Message, c) {
					t.Errorf("message %q lacks %q", e.Message, c)
				}
			}
		})
	}
}

func TestStatusErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		class  provider.Class
		field  string
	}{
		{200, "", ""},
		{401, provider.Auth, ""},
		{403, provider.Auth, ""},
		{404, provider.Invalid, "endpoint"},
		{405, provider.Invalid, "endpoint"},
		{429, provider.Temporary, ""},
		{500, provider.Temporary, ""},
		{502, provider.Temporary, ""},
		{503, provider.Temporary, ""},
		{418, provider.Temporary, ""},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			e := statusError("GetBalance", tt.status)
			if tt.class == "" {
				if e != nil {
					t.Fatalf("got %v", e)
				}
				return
			}
			if e == nil || e.Class != tt.class || e.Field != tt.field {
				t.Fatalf("got %+v, want %s %q", e, tt.class, tt.field)
			}
		})
	}
}

func TestNumberMatches(t *testing.T) {
	t.Parallel()
	tests := []struct {
		num, pattern string
		want         bool
	}{
		{"304155", "304155", true},
		{"304155", "3xxxxx", true},
		{"304155", "x04xxx", true},
		{"304155", "4xxxxx", false},
		{"30415", "3xxxxx", false},
		{"3041a5", "3xxxxx", false},
		{"", "xxxxxx", false},
	}
	for _, tt := range tests {
		if got := numberMatches(tt.num, tt.pattern); got != tt.want {
			t.Errorf("numberMatches(%q, %q) = %v", tt.num, tt.pattern, got)
		}
	}
}
