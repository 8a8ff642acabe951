package hexonet

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sslreseller/sslreseller/internal/money"
	"github.com/sslreseller/sslreseller/internal/provider"
)

func usd(minor int64) money.Amount { return money.Amount{Currency: "USD", Minor: minor} }
func eur(minor int64) money.Amount { return money.Amount{Currency: "EUR", Minor: minor} }

// wantClass fails unless err is a *provider.Error of class.
func wantClass(tb testing.TB, err error, class provider.Class) *provider.Error {
	tb.Helper()
	var pe *provider.Error
	if !errors.As(err, &pe) {
		tb.Fatalf("err = %v, want a *provider.Error of class %s", err, class)
	}
	if pe.Class != class {
		tb.Fatalf("class = %s (%v), want %s", pe.Class, pe, class)
	}
	return pe
}

func TestParseStatusAccount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want *Account
	}{
		{"documentation sample", sampleStatusAccount, &Account{
			Currency: "EUR", Balance: eur(21745812), Credit: eur(100000000), Deposit: eur(165890), VAT: "19.00",
			Available: eur(21745812 + 100000000 - 165890),
		}},
		{"negative balance, CRLF, lower case", crlf("[RESPONSE]\ncode = 200\ndescription = Command completed successfully\nproperty[amount][0] = -12.5\nproperty[credit][0] = 100\nproperty[currency][0] = usd\nEOF\n"), &Account{
			Currency: "USD", Balance: usd(-1250), Credit: usd(10000), Deposit: usd(0), Available: usd(8750),
		}},
		{"missing optional properties", "[RESPONSE]\nCODE = 200\nDESCRIPTION = ok\nPROPERTY[CURRENCY][0] = JPY\nPROPERTY[AMOUNT][0] = 1300\nEOF\n", &Account{
			Currency: "JPY", Balance: money.Amount{Currency: "JPY", Minor: 1300}, Credit: money.Amount{Currency: "JPY"}, Deposit: money.Amount{Currency: "JPY"}, Available: money.Amount{Currency: "JPY", Minor: 1300},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseStatusAccount([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	_, err := parseStatusAccount([]byte(sampleAuthFailed))
	wantClass(t, err, provider.Auth)
}

func TestParseStatusUser(t *testing.T) {
	t.Parallel()
	u, err := parseStatusUser([]byte(sampleStatusUser))
	if err != nil {
		t.Fatal(err)
	}
	if u.User != "test.user" || u.ParentUser != "demo.hexonet.net" || !u.Active || u.UserClass != "RESELLER_GOLD" || u.AccountCurrency != "EUR" {
		t.Errorf("user = %+v", u)
	}
	if diff := cmp.Diff([]string{"203.0.113.7"}, u.AllowedIPs); diff != "" {
		t.Errorf("AllowedIPs (-want +got):\n%s", diff)
	}
	if len(u.Relations) != 13 || u.Relations[3] != (Relation{"PRICE_CLASS_DOMAIN_COM_ANNUAL", "8.50"}) {
		t.Errorf("relations = %+v", u.Relations)
	}
	want := []Price{
		// 129.995 is rounded up: a cost is never understated. The one-year setup fee applies to the
		// two-year term too, as no _SETUP2 is given.
		{Class: "COMODO_ESSENTIALSSL", Period: 1, Annual: usd(1900), Setup: usd(0), Cost: usd(1900)},
		{Class: "COMODO_SSL_EV", Period: 1, Annual: eur(13000), Setup: eur(1500), Cost: eur(14500)},
		{Class: "COMODO_SSL_EV", Period: 2, Annual: eur(11900), Setup: eur(1500), Cost: eur(1500 + 2*11900)},
	}
	if diff := cmp.Diff(want, u.Prices); diff != "" {
		t.Errorf("prices (-want +got):\n%s", diff)
	}
	none, err := parseStatusUser([]byte("[RESPONSE]\nCODE = 200\nDESCRIPTION = ok\nPROPERTY[USER][0] = x\nEOF\n"))
	if err != nil || len(none.Prices) != 0 || len(none.Relations) != 0 {
		t.Errorf("without relations: %+v, %v", none, err)
	}
	_, err = parseStatusUser([]byte(sampleAuthFailed))
	wantClass(t, err, provider.Auth)
}

func TestParseCSRDetails(t *testing.T) {
	t.Parallel()
	got, err := parseCSRDetails([]byte(sampleParseCSR))
	if err != nil {
		t.Fatal(err)
	}
	want := &CSRDetails{
		CommonName: "hexonet.net", AlternateNames: []string{"www.hexonet.net", "wiki.hexonet.net"},
		Country: "DE", State: "SL", Locality: "Homburg", Organization: "HEXONET", Street: "Talstr. 27",
		Email: "info@hexonet.net", RSAKeyBits: 2048,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	ca, err := parseCSRDetails([]byte("[RESPONSE]\nCODE=200\nDESCRIPTION=ok\nPROPERTY[CN][0]=x.example\nPROPERTY[CACRT][0]=True\nEOF\n"))
	if err != nil || !ca.IsCA || ca.RSAKeyBits != 0 || ca.AlternateNames != nil {
		t.Errorf("CA request: %+v, %v", ca, err)
	}
	_, err = parseCSRDetails([]byte("[RESPONSE]\nCODE = 505\nDESCRIPTION = Invalid attribute value syntax; CSR\nEOF\n"))
	if pe := wantClass(t, err, provider.Invalid); pe.Field != "csr" {
		t.Errorf("field = %q", pe.Field)
	}
}

func TestParseApprovers(t *testing.T) {
	t.Parallel()
	got, err := parseApprovers([]byte(sampleApprovers))
	if err != nil {
		t.Fatal(err)
	}
	want := []Approver{
		{"info@hexonet.net", "WHOIS"},
		{"admin@hexonet.net", "GENERIC"},
		{"administrator@hexonet.net", "GENERIC"},
		{"hostmaster@hexonet.net", "GENERIC"},
		{"webmaster@hexonet.net", "GENERIC"},
		{"postmaster@hexonet.net", "GENERIC"},
		{"support_preprod@geotrust.com", "MANUAL"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	var constructed []string
	for _, a := range got {
		if a.Constructed() {
			constructed = append(constructed, a.Email)
		}
	}
	if diff := cmp.Diff([]string{"admin@hexonet.net", "administrator@hexonet.net", "hostmaster@hexonet.net", "webmaster@hexonet.net", "postmaster@hexonet.net"}, constructed); diff != "" {
		t.Errorf("constructed (-want +got):\n%s", diff)
	}
	noLevels, err := parseApprovers([]byte("[RESPONSE]\nCODE=200\nDESCRIPTION=ok\nPROPERTY[EMAIL][0]=Admin@Example.com\nPROPERTY[EMAIL][1]=admin@example.com\nPROPERTY[EMAIL][2]=\nEOF\n"))
	if err != nil || len(noLevels) != 1 || noLevels[0] != (Approver{Email: "Admin@Example.com"}) || !noLevels[0].Constructed() {
		t.Errorf("without LEVEL: %+v, %v", noLevels, err)
	}
	_, err = parseApprovers([]byte(sampleMissing))
	wantClass(t, err, provider.Invalid)
}

func TestParseCertificate(t *testing.T) {
	t.Parallel()
	created, err := parseCertificate([]byte(sampleCreate))
	if err != nil {
		t.Fatal(err)
	}
	want := &Certificate{
		ID: "2870930343", Class: "COMODO_ESSENTIALSSL", RawStatus: "REQUESTEDCREATE", Status: StatusPending,
		CommonName: "hexonet.net", Domains: []string{"hexonet.net"},
		CSRPEM:         "-----BEGIN CERTIFICATE REQUEST-----\nMIICujCCAaICAQAwdTELMAkGA1UEBhMCREUxCzAJBgNVBAgMAlNMMRAwDgYDVQQH\n-----END CERTIFICATE REQUEST-----\n",
		Created:        time.Date(2016, 11, 2, 10, 53, 28, 0, time.UTC),
		Updated:        time.Date(2016, 11, 2, 10, 53, 28, 0, time.UTC),
		Expires:        time.Date(2017, 11, 2, 10, 53, 28, 0, time.UTC),
		OrderReference: "31046590", ServerSoftware: "APACHESSL",
		Validations: []Validation{{Domain: "hexonet.net", Method: ValidationEmail, Email: "info@hexonet.net"}},
	}
	if diff := cmp.Diff(want, created, cmpopts.IgnoreFields(Certificate{}, "Response")); diff != "" {
		t.Errorf("create (-want +got):\n%s", diff)
	}
	if created.Response.First("ADMINCONTACT0CITY") != "Test City" {
		t.Errorf("Response does not keep unmapped properties")
	}

	issued, err := parseCertificate([]byte(sampleStatusIssued))
	if err != nil {
		t.Fatal(err)
	}
	if issued.Status != StatusIssued || issued.StatusDetails != "Valid" || issued.ID != "3029900396" {
		t.Errorf("issued = %+v", issued)
	}
	if issued.CertificatePEM != "-----BEGIN CERTIFICATE-----\nMIIFHTCCBAWgAwIBAgIRALkeili0QF/XvdBpXUu0YJYwDQYJKoZIhvcNAQELBQAw\n-----END CERTIFICATE-----\n" {
		t.Errorf("CRT = %q", issued.CertificatePEM)
	}
	if !strings.HasPrefix(issued.ChainPEM, "-----BEGIN CERTIFICATE-----\nMIID1DCC") {
		t.Errorf("CACRT = %q", issued.ChainPEM)
	}
	if !issued.Expires.Equal(time.Date(2017, 11, 22, 23, 59, 59, 0, time.UTC)) {
		t.Errorf("expires = %v", issued.Expires)
	}
}

func TestParseCertificateOddInputs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		body  string
		check func(t *testing.T, c *Certificate)
	}{
		{
			name: "URL-encoded status details, alphanumeric id, lower-case status",
			body: "[RESPONSE]\r\ncode=200\r\ndescription=ok\r\nproperty[sslcertid][0]=OMYBwbNtDFG6Rp47YFuzE\r\nproperty[status][0]=failed\r\nproperty[statusdetails][0]=Approval%20not%20confirmed%3B%20expired\r\nEOF\r\n",
			check: func(t *testing.T, c *Certificate) {
				if c.ID != "OMYBwbNtDFG6Rp47YFuzE" || c.Status != StatusRejected || c.RawStatus != "FAILED" || c.StatusDetails != "Approval not confirmed; expired" {
					t.Errorf("got %+v", c)
				}
			},
		},
		{
			name: "ID only in ORDERDATA, DNS and URL validations for two names, unknown status",
			body: `[RESPONSE]
CODE = 200
DESCRIPTION = ok
PROPERTY[ORDERDATA][0] = 42
PROPERTY[STATUS][0] = ONHOLD
PROPERTY[CN][0] = example.com
PROPERTY[DOMAIN][0] = example.com
PROPERTY[DOMAIN][1] = www.example.com
PROPERTY[VALIDATION][0] = dnszone
PROPERTY[VALIDATION][1] = URL
PROPERTY[VALIDATIONDNSRR][0] = _abc.example.com. CNAME abc.def.sectigo.com.
PROPERTY[VALIDATIONDNSRR][1] =
PROPERTY[VALIDATIONURL][0] =
PROPERTY[VALIDATIONURL][1] = http://www.example.com/.well-known/pki-validation/ABC.txt
PROPERTY[VALIDATIONURLCONTENT][1] = 123 sectigo.com xyz
PROPERTY[PEM][0] = -----BEGIN PRIVATE KEY-----
PROPERTY[PEM][1] = MIIEvQ
PROPERTY[PEM][2] = -----END PRIVATE KEY-----
EOF
`,
			check: func(t *testing.T, c *Certificate) {
				if c.ID != "42" || c.Status != StatusUnknown || c.CommonName != "example.com" {
					t.Errorf("got %+v", c)
				}
				want := []Validation{
					{Domain: "example.com", Method: ValidationDNS, DNSRR: "_abc.example.com. CNAME abc.def.sectigo.com.", DNS: DNSRecord{"_abc.example.com.", "CNAME", "abc.def.sectigo.com."}},
					{Domain: "www.example.com", Method: ValidationURL, URL: "http://www.example.com/.well-known/pki-validation/ABC.txt", URLContent: "123 sectigo.com xyz"},
				}
				if diff := cmp.Diff(want, c.Validations); diff != "" {
					t.Errorf("validations (-want +got):\n%s", diff)
				}
				if c.PrivateKeyPEM != "-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----\n" {
					t.Errorf("PEM = %q", c.PrivateKeyPEM)
				}
			},
		},
		{
			name: "renewal answer",
			body: "[RESPONSE]\nCODE=200\nDESCRIPTION=ok\nPROPERTY[SSLCERTID][0]=200\nPROPERTY[STATUS][0]=REQUESTEDRENEW\nPROPERTY[OLD-SSLCERTID][0]=100\nPROPERTY[OLD-EXPIRATIONDATE][0]=2026-07-01 00:00:00\nEOF\n",
			check: func(t *testing.T, c *Certificate) {
				if c.OldID != "100" || !c.OldExpires.Equal(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)) || c.Status != StatusPending {
					t.Errorf("got %+v", c)
				}
			},
		},
		{
			name: "validation method missing: inferred from what is set",
			body: "[RESPONSE]\nCODE=200\nDESCRIPTION=ok\nPROPERTY[SSLCERTID][0]=1\nPROPERTY[VALIDATIONEMAIL][0]=admin@example.com\nPROPERTY[VALIDATIONEMAIL][1]=\nPROPERTY[EXPIRATIONDATE][0]=not a date\nEOF\n",
			check: func(t *testing.T, c *Certificate) {
				if len(c.Validations) != 1 || c.Validations[0].Method != ValidationEmail || !c.Expires.IsZero() {
					t.Errorf("got %+v", c)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := parseCertificate([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestParseCertificateErrors(t *testing.T) {
	t.Parallel()
	_, err := parseCertificate([]byte(sampleNotFound))
	wantClass(t, err, provider.NotFound)
	_, err = parseCertificate([]byte(sampleEmptyOK))
	pe := wantClass(t, err, provider.Temporary)
	if !strings.Contains(pe.Message, "SSLCERTID") {
		t.Errorf("message = %q", pe.Message)
	}
	_, err = parseCertificate([]byte("[RESPONSE]\nCODE = 546\nDESCRIPTION = Credit limit exceeded\nEOF\n"))
	if !InsufficientCredit(err) {
		t.Errorf("546 err = %v", err)
	}
}

func TestParseReissue(t *testing.T) {
	t.Parallel()
	got, err := parseReissue([]byte(sampleReissue))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&ReissueResult{Domains: []string{"1api.net"}, Validations: []Validation{{Domain: "1api.net", Method: ValidationEmail, Email: "info@1api.net"}}}, got, cmpopts.IgnoreFields(ReissueResult{}, "Response")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	_, err = parseReissue([]byte("[RESPONSE]\nCODE = 552\nDESCRIPTION = Object status does not allow for operation\nEOF\n"))
	wantClass(t, err, provider.Invalid)
}

func TestParseEmpty(t *testing.T) {
	t.Parallel()
	if err := parseEmpty([]byte(sampleEmptyOK)); err != nil {
		t.Errorf("ok answer: %v", err)
	}
	wantClass(t, parseEmpty([]byte(sampleNotFound)), provider.NotFound)
	wantClass(t, parseEmpty([]byte("[RESPONSE]\nCODE = 200\n")), provider.Temporary)
}

func TestParseCertificateList(t *testing.T) {
	t.Parallel()
	got, err := parseCertificateList([]byte(sampleList))
	if err != nil {
		t.Fatal(err)
	}
	want := &CertificateList{First: 0, Last: 1, Count: 2, Total: 2, Limit: 10000, Certificates: []ListedCertificate{
		{ID: "2251338301", Class: "COMODO_ESSENTIALSSL", CommonName: "hexonet.net", RawStatus: "ACTIVE", Status: StatusIssued,
			Created: time.Date(2016, 2, 11, 13, 10, 5, 0, time.UTC), Updated: time.Date(2016, 2, 11, 13, 10, 5, 0, time.UTC), Expires: time.Date(2017, 2, 10, 23, 59, 59, 0, time.UTC), User: "test.user"},
		{ID: "2261231414", Class: "COMODO_ESSENTIALSSL", CommonName: "1api.net", RawStatus: "FAILED", Status: StatusRejected,
			Created: time.Date(2016, 2, 18, 9, 58, 51, 0, time.UTC), Updated: time.Date(2016, 2, 18, 9, 58, 51, 0, time.UTC), Expires: time.Date(2017, 2, 17, 9, 58, 51, 0, time.UTC), User: "test.user"},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	narrow, err := parseCertificateList([]byte("[RESPONSE]\nCODE=200\nDESCRIPTION=ok\nPROPERTY[SSLCERTID][0]=7\nPROPERTY[SSLCERTID][1]=\nEOF\n"))
	if err != nil || narrow.Count != 1 || len(narrow.Certificates) != 1 || narrow.Certificates[0].ID != "7" || narrow.Certificates[0].Status != StatusUnknown {
		t.Errorf("narrow list: %+v, %v", narrow, err)
	}
	empty, err := parseCertificateList([]byte("[RESPONSE]\nCODE=200\nDESCRIPTION=ok\nPROPERTY[COUNT][0]=0\nPROPERTY[TOTAL][0]=0\nEOF\n"))
	if err != nil || len(empty.Certificates) != 0 || empty.Total != 0 {
		t.Errorf("empty list: %+v, %v", empty, err)
	}
}

func TestParseDNSRR(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want DNSRecord
		ok   bool
	}{
		{"_abc.example.com. CNAME abc.def.sectigo.com.", DNSRecord{"_abc.example.com.", "CNAME", "abc.def.sectigo.com."}, true},
		{"_dnsauth.example.com  txt  \"token value\"", DNSRecord{"_dnsauth.example.com", "TXT", "token value"}, true},
		{"_x.example.com. 3600 IN CNAME y.sectigo.com.", DNSRecord{"_x.example.com.", "CNAME", "y.sectigo.com."}, true},
		{"_x.example.com. CNAME", DNSRecord{}, false},
		{"_x.example.com. 3600 IN", DNSRecord{}, false},
		{"", DNSRecord{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, ok := parseDNSRR(tt.in)
			if ok != tt.ok || got != tt.want {
				t.Errorf("parseDNSRR(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestParseAmount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, currency string
		want         int64
		err          bool
	}{
		{"19.00", "USD", 1900, false},
		{"19", "USD", 1900, false},
		{"19.5", "usd", 1950, false},
		{".5", "USD", 50, false},
		{"-1658.90", "EUR", -165890, false},
		{"+3.10", "EUR", 310, false},
		{"129.995", "EUR", 13000, false},
		{"129.9900", "EUR", 12999, false},
		{"1300", "JPY", 1300, false},
		{"1300.4", "JPY", 1301, false},
		{"1.250", "BHD", 1250, false},
		{"2.50", "XYZ", 250, false},
		{" 7.00 ", "USD", 700, false},
		{"", "USD", 0, true},
		{".", "USD", 0, true},
		{"1,000.00", "USD", 0, true},
		{"1e3", "USD", 0, true},
		{"99999999999999999999", "USD", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in+" "+tt.currency, func(t *testing.T) {
			t.Parallel()
			got, err := parseAmount(tt.in, tt.currency)
			if (err != nil) != tt.err {
				t.Fatalf("err = %v, want error %v", err, tt.err)
			}
			if !tt.err && (got.Minor != tt.want || got.Currency != strings.ToUpper(tt.currency)) {
				t.Errorf("parseAmount(%q, %q) = %+v, want %d", tt.in, tt.currency, got, tt.want)
			}
		})
	}
}

func TestClasses(t *testing.T) {
	t.Parallel()
	c, ok := LookupClass(" comodo_essentialssl_wildcard ")
	if !ok || c.Validation != "dv" || !c.Wildcard || !c.DNSAndFileDCV || c.Brand != "Sectigo" {
		t.Errorf("LookupClass = %+v, %v", c, ok)
	}
	if _, ok := LookupClass("ACME_FREE"); ok {
		t.Error("unknown class found")
	}
	all := Classes()
	seen := map[string]bool{}
	for i, c := range all {
		if seen[c.Class] {
			t.Errorf("class %s listed twice", c.Class)
		}
		seen[c.Class] = true
		if i > 0 && all[i-1].Class > c.Class {
			t.Errorf("Classes not sorted at %s", c.Class)
		}
		if c.Validation != "dv" && c.Validation != "ov" && c.Validation != "ev" {
			t.Errorf("%s: validation %q", c.Class, c.Validation)
		}
		if c.MaxNames < 1 {
			t.Errorf("%s: MaxNames %d", c.Class, c.MaxNames)
		}
	}
}
