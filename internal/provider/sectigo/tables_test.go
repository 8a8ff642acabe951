package sectigo

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sslreseller/sslreseller/internal/provider"
)

func TestErrorTable(t *testing.T) {
	t.Parallel()
	// One case per row of errorRules: the code (or text), the command it is seen on, and what it must mean.
	codes := []struct {
		code    int
		command string
		message string
		class   provider.Class
		field   string
		says    string // a fragment the staff message must hold
	}{
		{-1, cmdApply, "Request was not made over https!", provider.Invalid, "endpoint", "https://"},
		{-2, cmdUpdateDCV, "'responseFormat' is an unrecognised argument!", provider.Invalid, "responseFormat", "does not recognise"},
		{-3, cmdApply, "The 'csr' argument is missing!", provider.Invalid, "csr", "missing"},
		{-4, cmdCollect, "The value of the 'orderNumber' argument is invalid!", provider.NotFound, "", "does not know this order"},
		{-4, cmdApply, "The value of the 'dcvEmailAddress' argument is invalid!", provider.Invalid, "approver_email", "does not accept"},
		{-5, cmdApply, "", provider.Invalid, "csr", "wildcard"},
		{-6, cmdApply, "", provider.Invalid, "csr", "wildcard"},
		{-7, cmdApply, "'XX' is not a valid ISO-3166 country!", provider.Invalid, "organization.country", "ISO 3166"},
		{-8, cmdApply, "", provider.Invalid, "csr", "lacks a field"},
		{-9, cmdApply, "", provider.Invalid, "csr", "base64"},
		{-10, cmdApply, "", provider.Invalid, "csr", "decode"},
		{-11, cmdApply, "", provider.Invalid, "csr", "algorithm"},
		{-12, cmdApply, "", provider.Invalid, "csr", "signature"},
		{-13, cmdApply, "", provider.Invalid, "csr", "key size"},
		{-14, cmdCollect, "An unknown error occurred!", provider.Temporary, "", "retried"},
		{-15, cmdApply, "Not enough credit!", provider.Temporary, "", "top up"},
		{-16, cmdApply, "Incorrect login details, account is locked, password has expired, or your source IP is blocked!", provider.Auth, "", "public IP address"},
		{-17, cmdApply, "", provider.Invalid, "endpoint", "POST"},
		{-18, cmdRefund, "This order has already been refunded!", provider.Rejected, "", "refunded"},
		{-18, cmdApply, "Name = Fully-Qualified Domain Name", provider.Invalid, "csr", "fully-qualified"},
		{-19, cmdApply, "", provider.Invalid, "csr", "IP address"},
		{-20, cmdReplace, "The order has already been cancelled!", provider.Rejected, "", "rejected or cancelled"},
		{-21, cmdReplace, "", provider.Rejected, "", "revoked"},
		{-26, cmdReplace, "", provider.Temporary, "", "issuing"},
		{-35, cmdApply, "", provider.Invalid, "csr", "IP address"},
		{-40, cmdDecode, "", provider.Invalid, "csr", "compromised"},
		{-42, cmdCollect, "Call limit reached, please try again later", provider.Temporary, "", "call limit"},
		{-115, cmdApply, "No price found for product 287", provider.Invalid, "period", "no price"},
		{-121, cmdApply, "", provider.Invalid, "product", "lower tier"},
	}
	texts := []struct {
		text   string
		status int
		class  provider.Class
		says   string
	}{
		{"Requests are not permitted from this IP address", http.StatusForbidden, provider.Auth, "public IP address"},
		{"Your source IP is blocked!", http.StatusOK, provider.Auth, "allow-list"},
		{"Incorrect login details", http.StatusOK, provider.Auth, "login name and password"},
		{"Permission denied", http.StatusForbidden, provider.Auth, "test orders use the same reseller login"},
		{"<h1>Scheduled maintenance</h1>", http.StatusOK, provider.Temporary, "maintenance"},
		{"Call limit reached", http.StatusOK, provider.Temporary, "call limit"},
		{"429 Too Many Requests", http.StatusTooManyRequests, provider.Temporary, "slow down"},
		{"<title>Internal Server Error</title>", http.StatusInternalServerError, provider.Temporary, "internal error"},
		{"503 Service Unavailable", http.StatusServiceUnavailable, provider.Temporary, "unavailable"},
		{"502 Bad Gateway", http.StatusBadGateway, provider.Temporary, "unavailable"},
		{"504 Gateway Timeout", http.StatusGatewayTimeout, provider.Temporary, "in time"},
	}

	covered := map[string]bool{}
	for _, tt := range codes {
		t.Run(fmt.Sprintf("code %d %s", tt.code, tt.command), func(t *testing.T) {
			e := classify(tt.command, tt.code, tt.message, "")
			if e.Class != tt.class {
				t.Errorf("class = %s, want %s", e.Class, tt.class)
			}
			if tt.field != "" && e.Field != tt.field {
				t.Errorf("field = %q, want %q", e.Field, tt.field)
			}
			if !strings.Contains(strings.ToLower(e.Message), strings.ToLower(tt.says)) {
				t.Errorf("message %q lacks %q", e.Message, tt.says)
			}
			if e.Code != fmt.Sprint(tt.code) || e.Command != tt.command {
				t.Errorf("code %q command %q", e.Code, e.Command)
			}
		})
		covered[fmt.Sprintf("%d/%s", tt.code, tt.command)] = true
	}
	for _, tt := range texts {
		t.Run("text "+tt.text, func(t *testing.T) {
			e := classifyText(cmdApply, tt.status, tt.text)
			if e.Class != tt.class {
				t.Errorf("class = %s, want %s", e.Class, tt.class)
			}
			if !strings.Contains(strings.ToLower(e.Message), strings.ToLower(tt.says)) {
				t.Errorf("message %q lacks %q", e.Message, tt.says)
			}
		})
		for _, r := range errorRules() {
			if r.Text != "" && strings.Contains(strings.ToLower(tt.text), r.Text) {
				covered["text/"+r.Text] = true
			}
		}
	}
	for _, r := range errorRules() {
		key := fmt.Sprintf("%d/%s", r.Code, r.Command)
		if r.Text != "" {
			key = "text/" + r.Text
		}
		if r.Code != 0 && r.Command == "" {
			found := false
			for k := range covered {
				found = found || strings.HasPrefix(k, fmt.Sprintf("%d/", r.Code))
			}
			if found {
				continue
			}
		}
		if !covered[key] {
			t.Errorf("error rule %+v has no test case", r)
		}
	}

	t.Run("unknown code", func(t *testing.T) {
		e := classify(cmdApply, -999, "Something new", "")
		if e.Class != provider.Temporary || !strings.Contains(e.Message, "Something new") {
			t.Errorf("got %+v", e)
		}
	})
	t.Run("unreadable 200", func(t *testing.T) {
		e := classifyText(cmdApply, http.StatusOK, "OK then")
		if e.Class != provider.Temporary || !strings.Contains(e.Message, "could not be read") {
			t.Errorf("got %+v", e)
		}
	})
	t.Run("upstream text is cleaned", func(t *testing.T) {
		e := classify(cmdApply, -4, "bad\x00value\n\t"+strings.Repeat("x", 1000), "")
		if strings.ContainsAny(e.Message, "\x00\n\t") || len(e.Message) > 800 {
			t.Errorf("message not cleaned: %q", e.Message)
		}
	})
}

func TestStatusTable(t *testing.T) {
	t.Parallel()
	texts := []struct {
		raw  string
		want Status
	}{
		{"Issued", StatusIssued},
		{"VALID", StatusIssued},
		{"Issued but not yet collected", StatusIssued},
		{"Certificates available", StatusIssued},
		{"certificates attached", StatusIssued},
		{"Pending", StatusPending},
		{"processing", StatusPending},
		{"Being processed", StatusPending},
		{"Being processed by Sectigo", StatusPending},
		{"being issued", StatusPending},
		{"Applied", StatusPending},
		{"Awaiting Payment", StatusPending},
		{"payment required", StatusPending},
		{"Awaiting  Validation", StatusPending},
		{"Awaiting Validation (Brand)", StatusPending},
		{"Awaiting Brand Validation", StatusPending},
		{"awaitingbrandvalidation", StatusPending},
		{"Validated", StatusPending},
		{"Not yet issued", StatusPending},
		{"verified", StatusPending},
		{"Phone number verified", StatusPending},
		{"click-through", StatusPending},
		{"EV click-through e-mail sent", StatusPending},
		{"Rejected: CAA not authorized", StatusRejected},
		{"declined", StatusRejected},
		{"failed", StatusRejected},
		{"PRE-SIGN FAILED: CAA not authorized", StatusRejected},
		{"POST-SIGN FAILED", StatusRejected},
		{"caacheckfailed", StatusRejected},
		{"Cancelled", StatusCancelled},
		{"canceled.", StatusCancelled},
		{"Refunded", StatusCancelled},
		{"Revoked!", StatusRevoked},
		{"expired", StatusExpired},
		{"Replaced", StatusReplaced},
		{"", StatusUnknown},
		{"Something new", StatusUnknown},
		{"collectssl:1", StatusUnknown},
	}
	collect := []struct {
		code int
		want Status
	}{{0, StatusPending}, {1, StatusIssued}, {2, StatusIssued}, {3, StatusIssued}, {-20, StatusRejected}, {-21, StatusRevoked}, {-26, StatusPending}, {-16, StatusUnknown}}
	push := []struct {
		code int
		want Status
	}{{3, StatusRejected}, {5, StatusRejected}, {6, StatusIssued}, {7, StatusRejected}, {8, StatusRevoked}, {9, StatusIssued}, {12, StatusPending}, {14, StatusReplaced}, {99, StatusUnknown}}

	covered := map[string]bool{}
	for _, tt := range texts {
		t.Run("text "+tt.raw, func(t *testing.T) {
			if got := StatusOf(tt.raw); got != tt.want {
				t.Errorf("StatusOf(%q) = %s, want %s", tt.raw, got, tt.want)
			}
		})
		key := normalizeStatus(tt.raw)
		if i := strings.IndexByte(key, ':'); i > 0 && !strings.HasPrefix(key, "collectssl") {
			key = strings.TrimSpace(key[:i])
		}
		covered[key] = true
	}
	for _, tt := range collect {
		t.Run(fmt.Sprint("collect ", tt.code), func(t *testing.T) {
			if got := CollectStatus(tt.code); got != tt.want {
				t.Errorf("CollectStatus(%d) = %s, want %s", tt.code, got, tt.want)
			}
		})
		covered[fmt.Sprint(collectKey, tt.code)] = true
	}
	for _, tt := range push {
		t.Run(fmt.Sprint("push ", tt.code), func(t *testing.T) {
			if got := PushStatus(tt.code); got != tt.want {
				t.Errorf("PushStatus(%d) = %s, want %s", tt.code, got, tt.want)
			}
		})
		covered[fmt.Sprint(pushKey, tt.code)] = true
	}
	for key := range statusTable() {
		if !covered[key] {
			t.Errorf("status table row %q has no test case", key)
		}
	}

	t.Run("collect outcome", func(t *testing.T) {
		cases := []struct {
			code        int
			status, msg string
			want        Status
		}{
			{-20, "", "The order has been cancelled!", StatusCancelled},
			{-20, "", "This order has been refunded", StatusCancelled},
			{-20, "", "The certificate request has been rejected", StatusRejected},
			{1, "Revoked", "", StatusRevoked},
			{1, "Issued", "", StatusIssued},
			{0, "Issued", "", StatusPending},
			{0, "Rejected: DCV failed", "", StatusRejected},
		}
		for _, c := range cases {
			if got := collectOutcome(c.code, c.status, c.msg); got != c.want {
				t.Errorf("collectOutcome(%d, %q, %q) = %s, want %s", c.code, c.status, c.msg, got, c.want)
			}
		}
	})
}

func TestCatalogue(t *testing.T) {
	t.Parallel()
	seen := map[int]bool{}
	for _, p := range Catalogue() {
		t.Run(p.Name, func(t *testing.T) {
			if seen[p.Code] {
				t.Errorf("code %d twice", p.Code)
			}
			seen[p.Code] = true
			if p.Validation != ValidationDV && p.Validation != ValidationOV && p.Validation != ValidationEV {
				t.Errorf("validation %q", p.Validation)
			}
			if p.IncludedNames < 1 || p.MaxNames < p.IncludedNames || len(p.Months) == 0 {
				t.Errorf("names %d/%d months %v", p.IncludedNames, p.MaxNames, p.Months)
			}
			if p.MultiDomain != (p.MaxNames > 2) || p.Wildcard && p.MultiDomain {
				t.Errorf("multi-domain %v wildcard %v max %d", p.MultiDomain, p.Wildcard, p.MaxNames)
			}
			if strings.Contains(p.Name, "Wildcard") != p.Wildcard {
				t.Errorf("wildcard flag does not match the name")
			}
		})
	}
	for code, want := range map[int]string{287: "PositiveSSL DV", 488: "SectigoSSL DV", 289: "PositiveSSL Wildcard DV", 337: "SectigoSSL EV"} {
		if p, ok := ProductByCode(code); !ok || p.Name != want {
			t.Errorf("ProductByCode(%d) = %+v, %v; want %s", code, p, ok, want)
		}
	}
	if _, ok := ProductByCode(24); ok {
		t.Error("legacy code 24 should not be in the catalogue")
	}
}
