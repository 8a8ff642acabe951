package hexonetsim

import (
	"context"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sslreseller/sslreseller/internal/pki"
)

func TestStatusAccountWireFormat(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	body := f.cmd(t, "COMMAND=StatusAccount")
	if !strings.HasPrefix(body, "[RESPONSE]\r\nCODE = 200\r\nDESCRIPTION = Command completed successfully\r\n") {
		t.Errorf("head of answer:\n%s", body)
	}
	if !strings.HasSuffix(body, "EOF\r\n") {
		t.Errorf("answer does not end with EOF:\n%s", body)
	}
	wantContains(t, body,
		"PROPERTY[AMOUNT][0] = 1000.00\r\n",
		"PROPERTY[CREDIT][0] = 0.00\r\n",
		"PROPERTY[CURRENCY][0] = USD\r\n",
		"PROPERTY[DEPOSIT][0] = 0.00\r\n",
	)
}

func TestCommandAsPlainFormField(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	status, body := f.post(t, url.Values{"s_entity": {"1234"}, "s_login": {f.creds.Login}, "s_pw": {f.creds.Password}, "command": {"statusaccount"}})
	if status != http.StatusOK {
		t.Fatalf("HTTP %d", status)
	}
	wantContains(t, body, "CODE = 200", "PROPERTY[AMOUNT][0] = 1000.00")
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	liveOnly := f.sim.AddAccount(Account{Login: "live.only", Password: "live-secret", Entity: EntityLive, Balance: 500})
	tests := []struct {
		name   string
		entity string
		creds  Credentials
		want   []string
	}{
		{"wrong password", EntityTest, Credentials{f.creds.Login, "nope"}, []string{"CODE = 530", "DESCRIPTION = Authentication failed\r\n"}},
		{"unknown user", EntityTest, Credentials{"nobody", "x"}, []string{"CODE = 530"}},
		{"unknown entity", "9999", f.creds, []string{"CODE = 530", "unknown system entity 9999"}},
		{"live account in OT&E", EntityTest, liveOnly, []string{"CODE = 530"}},
		{"live account in live", EntityLive, liveOnly, []string{"CODE = 200", "PROPERTY[AMOUNT][0] = 5.00"}},
		{"login case-insensitive", EntityTest, Credentials{strings.ToUpper(f.creds.Login), f.creds.Password}, []string{"CODE = 200"}},
		{"ip denied by convention", EntityTest, Credentials{f.creds.Login + "+ipdenied", f.creds.Password}, []string{"CODE = 531", "Authorization failed; IP address 127.0.0.1 is not allowed"}},
		{"convention needs the password", EntityTest, Credentials{f.creds.Login + "+ipdenied", "wrong"}, []string{"CODE = 530"}},
		{"unknown convention", EntityTest, Credentials{f.creds.Login + "+other", f.creds.Password}, []string{"CODE = 530"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := f.cmdAs(t, tt.entity, tt.creds, "COMMAND=StatusAccount")
			wantContains(t, body, tt.want...)
		})
	}
}

func TestIPDeniedFlag(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	creds := f.sim.AddAccount(Account{Login: "filtered"})
	if !f.sim.SetIPDenied("filtered", true) {
		t.Fatal("SetIPDenied: account not found")
	}
	wantContains(t, f.cmdAs(t, EntityLive, creds, "COMMAND=StatusAccount"), "CODE = 531", "IP address")
	f.sim.SetIPDenied("filtered", false)
	wantContains(t, f.cmdAs(t, EntityLive, creds, "COMMAND=StatusAccount"), "CODE = 200")
}

func TestUnknownCommandAndPath(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	wantContains(t, f.cmd(t, "COMMAND=AddCertificate"), "CODE = 500", "DESCRIPTION = Invalid command name")
	wantContains(t, f.cmd(t, "DOMAIN=example.com"), "CODE = 507")
	resp, err := http.Get(f.srv.URL + "/api/other.cgi")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("other path: HTTP %d, want 404", resp.StatusCode)
	}
}

func TestStatusUserRelations(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	body := f.cmd(t, "COMMAND=StatusUser")
	wantContains(t, body,
		"PROPERTY[ALLOWEDIP][0] =\r\n", // empty property, written without a trailing blank
		"PROPERTY[ACCOUNTCURRENCY][0] = USD",
		"PROPERTY[USER][0] = "+f.creds.Login,
	)
	types, values := prop(body, "RELATIONTYPE"), prop(body, "RELATIONVALUE")
	if len(types) != len(values) || len(types) == 0 {
		t.Fatalf("relations: %d types, %d values", len(types), len(values))
	}
	rel := map[string]string{}
	for i := range types {
		rel[types[i]] = values[i]
	}
	want := map[string]string{
		"PRICE_CLASS_SSLCERT_COMODO_ESSENTIALSSL_ANNUAL":   "19.00",
		"PRICE_CLASS_SSLCERT_COMODO_ESSENTIALSSL_CURRENCY": "USD",
		"PRICE_CLASS_SSLCERT_COMODO_ESSENTIALSSL_SETUP":    "0.00",
		"PRICE_CLASS_SSLCERT_COMODO_SSL_EV_SETUP":          "15.00",
		"PRICE_CLASS_DOMAIN_COM_ANNUAL":                    "8.50",
	}
	for k, v := range want {
		if rel[k] != v {
			t.Errorf("relation %s = %q, want %q", k, rel[k], v)
		}
	}
	noRel := f.cmd(t, "COMMAND=StatusUser", "RELATIONS=0")
	if strings.Contains(noRel, "RELATIONTYPE") {
		t.Errorf("RELATIONS=0 still lists relations")
	}
}

func TestParseSSLCertCSR(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	_, _, lines := csrFor(t, pki.KeyRSA2048, "example.com", "www.example.com")
	body := f.cmd(t, append([]string{"COMMAND=ParseSSLCertCSR"}, lines...)...)
	wantContains(t, body,
		"PROPERTY[CN][0] = example.com",
		"PROPERTY[ALTERNATECN][0] = www.example.com",
		"PROPERTY[CACRT][0] = FALSE",
		"PROPERTY[RSAPUBLICKEYBITS][0] = 2048",
		"PROPERTY[O][0] = Example Ltd",
		"PROPERTY[C][0] = GB",
	)
	wantContains(t, f.cmd(t, "COMMAND=ParseSSLCertCSR"), "CODE = 504", "Missing required attribute; CSR")
	wantContains(t, f.cmd(t, "COMMAND=ParseSSLCertCSR", "CSR0=garbage"), "CODE = 505", "Invalid attribute value syntax; CSR")
}

func TestApproverList(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	body := f.cmd(t, "COMMAND=QuerySSLCertDCVEMailAddressList", "SSLCERTCLASS=COMODO_ESSENTIALSSL", "DOMAIN=www.example.co.uk")
	want := []string{
		"admin@www.example.co.uk", "administrator@www.example.co.uk", "hostmaster@www.example.co.uk", "postmaster@www.example.co.uk", "webmaster@www.example.co.uk",
		"admin@example.co.uk", "administrator@example.co.uk", "hostmaster@example.co.uk", "postmaster@example.co.uk", "webmaster@example.co.uk",
	}
	if diff := cmp.Diff(want, prop(body, "EMAIL")); diff != "" {
		t.Errorf("EMAIL (-want +got):\n%s", diff)
	}
	for _, l := range prop(body, "LEVEL") {
		if l != "GENERIC" {
			t.Errorf("LEVEL %q, want GENERIC", l)
		}
	}
	_, _, lines := csrFor(t, pki.KeyECDSAP256, "shop.example.org")
	byCSR := f.cmd(t, append([]string{"COMMAND=QuerySSLCertDCVEMailAddressList", "SSLCERTCLASS=COMODO_ESSENTIALSSL"}, lines...)...)
	wantContains(t, byCSR, "PROPERTY[EMAIL][0] = admin@shop.example.org", "PROPERTY[EMAIL][5] = admin@example.org")
	wantContains(t, f.cmd(t, "COMMAND=QuerySSLCertDCVEMailAddressList", "DOMAIN=example.com"), "CODE = 504", "SSLCERTCLASS")
	wantContains(t, f.cmd(t, "COMMAND=QuerySSLCertDCVEMailAddressList", "SSLCERTID=1"), "CODE = 545")
}

// create orders a certificate and returns the answer.
func (f *fixture) create(t *testing.T, class string, extra []string, names ...string) (string, string) {
	t.Helper()
	_, csr, lines := csrFor(t, pki.KeyECDSAP256, names...)
	body := f.cmd(t, append(append([]string{"COMMAND=CreateSSLCert", "SSLCERTCLASS=" + class}, lines...), extra...)...)
	return body, csr
}

func TestCreateAndIssue(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	body, _ := f.create(t, "COMODO_ESSENTIALSSL", []string{"SERVERSOFTWARE=APACHE2", "VALIDATION0=EMAIL", "VALIDATIONEMAIL0=admin@example.com", "EMAIL=owner@example.com"}, "example.com", "www.example.com")
	// A single-name class refuses two names.
	wantContains(t, body, "CODE = 541", "at most 1 names")

	body, csr := f.create(t, "COMODO_UCC", []string{"SERVERSOFTWARE=APACHE2", "VALIDATION0=EMAIL", "VALIDATIONEMAIL0=admin@example.com", "ORGANIZATION=Example Ltd", "COUNTRY=GB"}, "example.com", "www.example.com")
	wantContains(t, body, "CODE = 200",
		"PROPERTY[STATUS][0] = REQUESTEDCREATE",
		"PROPERTY[SSLCERTCLASS][0] = COMODO_UCC",
		"PROPERTY[DOMAIN][0] = example.com", "PROPERTY[DOMAIN][1] = www.example.com",
		"PROPERTY[VALIDATION][0] = EMAIL", "PROPERTY[VALIDATIONEMAIL][0] = admin@example.com",
		"PROPERTY[VALIDATIONDNSRR][0] =\r\n",
		"PROPERTY[CREATEDDATE][0] = 2026-06-01 10:00:00",
		"PROPERTY[EXPIRATIONDATE][0] = 2027-06-01 10:00:00",
		"PROPERTY[CSR][0] = -----BEGIN CERTIFICATE REQUEST-----",
		"PROPERTY[SERVERSOFTWARE][0] = APACHE2",
	)
	if strings.Contains(body, "PROPERTY[CRT]") {
		t.Errorf("CRT before issuance")
	}
	id := first(body, "SSLCERTID")
	if bal, _ := f.sim.Balance(EntityTest, f.creds.Login); bal != 100000-8900-1000 {
		t.Errorf("balance after purchase = %d, want %d", bal, 100000-8900-1000)
	}

	poll1 := f.cmd(t, "COMMAND=StatusSSLCert", "SSLCERTID="+id)
	wantContains(t, poll1, "PROPERTY[STATUS][0] = PENDINGCREATE")
	f.clock.Add(time.Hour)
	poll2 := f.cmd(t, "COMMAND=StatusSSLCert", "SSLCERTID="+id)
	wantContains(t, poll2, "PROPERTY[STATUS][0] = ACTIVE", "PROPERTY[STATUSDETAILS][0] = Valid",
		"PROPERTY[CRT][0] = -----BEGIN CERTIFICATE-----", "PROPERTY[CACRT][0] = -----BEGIN CERTIFICATE-----")

	crtPEM, chainPEM := joinPEM(prop(poll2, "CRT")), joinPEM(prop(poll2, "CACRT"))
	leaf := parseCert(t, crtPEM)
	if diff := cmp.Diff([]string{"example.com", "www.example.com"}, leaf.DNSNames); diff != "" {
		t.Errorf("DNS names (-want +got):\n%s", diff)
	}
	info, err := pki.ParseCSR([]byte(csr))
	if err != nil {
		t.Fatal(err)
	}
	if !samePublicKey(leaf.PublicKey, info.Request.PublicKey) {
		t.Errorf("certificate is not for the CSR's key")
	}
	issuedAt := f.clock.Now()
	if got, limit := leaf.NotAfter.Sub(leaf.NotBefore), pki.MaxValidity(issuedAt); got >= limit {
		t.Errorf("validity %v exceeds the cap %v", got, limit)
	}
	if err := pki.Verify([]byte(crtPEM), []byte(chainPEM), f.sim.RootPEM(), issuedAt.Add(time.Minute), "www.example.com"); err != nil {
		t.Errorf("Verify: %v", err)
	}
	if leaf.Subject.Organization[0] != "Example Ltd" {
		t.Errorf("OV subject organisation = %v", leaf.Subject.Organization)
	}
	wantContains(t, poll2, "PROPERTY[EXPIRATIONDATE][0] = "+leaf.NotAfter.UTC().Format("2006-01-02 15:04:05"))

	orders := f.sim.Orders()
	if len(orders) != 1 || orders[0].ID != id || orders[0].Status != "ACTIVE" || orders[0].Price != 9900 {
		t.Errorf("Orders() = %+v", orders)
	}
}

func TestCreateRefusals(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	_, _, lines := csrFor(t, pki.KeyECDSAP256, "example.com")
	_, _, wild := csrFor(t, pki.KeyECDSAP256, "*.example.com")
	with := func(extra ...string) []string {
		return append(append([]string{"COMMAND=CreateSSLCert"}, lines...), extra...)
	}
	tests := []struct {
		name  string
		lines []string
		want  []string
	}{
		{"no class", with(), []string{"CODE = 504", "Missing required attribute; SSLCERTCLASS"}},
		{"unknown class", with("SSLCERTCLASS=ACME_FREE"), []string{"CODE = 541", "Invalid attribute value; SSLCERTCLASS ACME_FREE"}},
		{"no csr", []string{"COMMAND=CreateSSLCert", "SSLCERTCLASS=COMODO_ESSENTIALSSL"}, []string{"CODE = 504", "CSR"}},
		{"bad csr", []string{"COMMAND=CreateSSLCert", "SSLCERTCLASS=COMODO_ESSENTIALSSL", "CSR0=-----BEGIN CERTIFICATE REQUEST-----", "CSR1=AAAA", "CSR2=-----END CERTIFICATE REQUEST-----"}, []string{"CODE = 505"}},
		{"period syntax", with("SSLCERTCLASS=COMODO_ESSENTIALSSL", "PERIOD=one"), []string{"CODE = 505", "PERIOD"}},
		{"period value", with("SSLCERTCLASS=COMODO_ESSENTIALSSL", "PERIOD=3"), []string{"CODE = 541", "PERIOD"}},
		{"wildcard in plain class", append([]string{"COMMAND=CreateSSLCert", "SSLCERTCLASS=COMODO_ESSENTIALSSL"}, wild...), []string{"CODE = 541", "wildcard"}},
		{"domain mismatch", with("SSLCERTCLASS=COMODO_ESSENTIALSSL", "SSLCERTDOMAIN=other.com"), []string{"CODE = 541", "SSLCERTDOMAIN"}},
		{"domains mismatch", with("SSLCERTCLASS=COMODO_ESSENTIALSSL", "DOMAIN0=other.com"), []string{"CODE = 541", "DOMAIN must list"}},
		{"foreign approver", with("SSLCERTCLASS=COMODO_ESSENTIALSSL", "VALIDATIONEMAIL0=info@example.com"), []string{"CODE = 541", "VALIDATIONEMAIL0"}},
		{"dns for OV", with("SSLCERTCLASS=COMODO_INSTANTSSL", "VALIDATION0=DNSZONE"), []string{"CODE = 541", "DNSZONE is not available"}},
		{"unknown method", with("SSLCERTCLASS=COMODO_ESSENTIALSSL", "VALIDATION0=FAX"), []string{"CODE = 541", "VALIDATION0 FAX"}},
		{"order pipeline", with("SSLCERTCLASS=COMODO_ESSENTIALSSL", "ORDER=CREATE"), []string{"CODE = 510"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantContains(t, f.cmd(t, tt.lines...), tt.want...)
		})
	}
	if n := f.sim.Purchases(""); n != 0 {
		t.Errorf("refused orders made %d purchases", n)
	}
	if bal, _ := f.sim.Balance(EntityTest, f.creds.Login); bal != DefaultBalance {
		t.Errorf("refused orders changed the balance to %d", bal)
	}
}

func TestCreditLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	f.sim.SetBalance(EntityTest, f.creds.Login, 1000)
	body, _ := f.create(t, "COMODO_ESSENTIALSSL", nil, "example.com")
	wantContains(t, body, "CODE = 546", "Credit limit exceeded")
	f.sim.SetCredit(EntityTest, f.creds.Login, 1000)
	body, _ = f.create(t, "COMODO_ESSENTIALSSL", nil, "example.com")
	wantContains(t, body, "CODE = 200")
	if bal, _ := f.sim.Balance(EntityTest, f.creds.Login); bal != -900 {
		t.Errorf("balance = %d, want -900 (credit in use)", bal)
	}
	body, _ = f.create(t, "COMODO_ESSENTIALSSL", nil, "nocredit.example.com")
	wantContains(t, body, "CODE = 546")
	nc := f.cmdAs(t, EntityTest, Credentials{f.creds.Login + "+nocredit", f.creds.Password}, "COMMAND=StatusAccount")
	wantContains(t, nc, "PROPERTY[AMOUNT][0] = 0.00", "PROPERTY[CREDIT][0] = 0.00")
}

func TestDCVInstructions(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	body, _ := f.create(t, "COMODO_ESSENTIALSSL", []string{"VALIDATION0=URL"}, "example.com")
	wantContains(t, body, "PROPERTY[VALIDATION][0] = URL", "PROPERTY[VALIDATIONURL][0] = http://example.com/.well-known/pki-validation/")
	if c := first(body, "VALIDATIONURLCONTENT"); !strings.Contains(c, "sectigo.com") {
		t.Errorf("VALIDATIONURLCONTENT = %q", c)
	}
	body, _ = f.create(t, "COMODO_ESSENTIALSSL_WILDCARD", []string{"VALIDATION0=DNSZONE"}, "*.example.net")
	rr := strings.Fields(first(body, "VALIDATIONDNSRR"))
	if len(rr) != 3 || !strings.HasSuffix(rr[0], ".example.net.") || rr[1] != "CNAME" || !strings.HasSuffix(rr[2], ".sectigo.com.") {
		t.Errorf("VALIDATIONDNSRR = %q", first(body, "VALIDATIONDNSRR"))
	}
	body, _ = f.create(t, "COMODO_ESSENTIALSSL_WILDCARD", []string{"VALIDATION0=URL"}, "*.example.org")
	wantContains(t, body, "CODE = 541", "wildcard")
	body, _ = f.create(t, "COMODO_ESSENTIALSSL", nil, "www.example.biz")
	wantContains(t, body, "PROPERTY[VALIDATION][0] = EMAIL", "PROPERTY[VALIDATIONEMAIL][0] = admin@example.biz")
}

func TestNameConventions(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	body, _ := f.create(t, "COMODO_ESSENTIALSSL", nil, "reject.example.com")
	id := first(body, "SSLCERTID")
	f.cmd(t, "COMMAND=StatusSSLCert", "SSLCERTID="+id)
	rejected := f.cmd(t, "COMMAND=StatusSSLCert", "SSLCERTID="+id)
	wantContains(t, rejected, "PROPERTY[STATUS][0] = FAILED", "PROPERTY[STATUSDETAILS][0] = Rejected%20by%20the%20certificate%20authority%20%28simulated%29")
	if strings.Contains(rejected, "PROPERTY[CRT]") {
		t.Error("a rejected order has a certificate")
	}

	body, _ = f.create(t, "COMODO_ESSENTIALSSL", nil, "polls0.example.com")
	wantContains(t, body, "PROPERTY[STATUS][0] = ACTIVE", "PROPERTY[CRT][0] = -----BEGIN CERTIFICATE-----")

	body, _ = f.create(t, "COMODO_ESSENTIALSSL", nil, "polls4.example.com")
	id = first(body, "SSLCERTID")
	for i := 1; i <= 3; i++ {
		wantContains(t, f.cmd(t, "COMMAND=StatusSSLCert", "SSLCERTID="+id), "PROPERTY[STATUS][0] = PENDINGCREATE")
	}
	wantContains(t, f.cmd(t, "COMMAND=StatusSSLCert", "SSLCERTID="+id), "PROPERTY[STATUS][0] = ACTIVE")
}

func TestGoScenarios(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{PollsToIssue: 1})
	f.sim.Reject("bad.example.com", "Domain control validation failed")
	body, _ := f.create(t, "COMODO_ESSENTIALSSL", nil, "bad.example.com")
	wantContains(t, f.cmd(t, "COMMAND=StatusSSLCert", "SSLCERTID="+first(body, "SSLCERTID")), "PROPERTY[STATUS][0] = FAILED", "Domain%20control%20validation%20failed")

	f.sim.SetPollsToIssue("later.example.com", 3)
	body, _ = f.create(t, "COMODO_ESSENTIALSSL", nil, "later.example.com")
	id := first(body, "SSLCERTID")
	wantContains(t, f.cmd(t, "COMMAND=StatusSSLCert", "SSLCERTID="+id), "PENDINGCREATE")
	wantContains(t, f.cmd(t, "COMMAND=StatusSSLCert", "SSLCERTID="+id), "PENDINGCREATE")
	wantContains(t, f.cmd(t, "COMMAND=StatusSSLCert", "SSLCERTID="+id), "PROPERTY[STATUS][0] = ACTIVE")

	body, _ = f.create(t, "COMODO_ESSENTIALSSL", nil, "quick.example.com")
	wantContains(t, f.cmd(t, "COMMAND=StatusSSLCert", "SSLCERTID="+first(body, "SSLCERTID")), "PROPERTY[STATUS][0] = ACTIVE")
}

func TestFailureScenarios(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	form := url.Values{"s_entity": {"1234"}, "s_login": {f.creds.Login}, "s_pw": {f.creds.Password}, "s_command": {"COMMAND=StatusAccount"}}

	f.sim.FailNext(2)
	for i := range 2 {
		status, body := f.post(t, form)
		if status != http.StatusServiceUnavailable || !strings.Contains(body, "Service Unavailable") {
			t.Errorf("request %d: HTTP %d %q, want 503", i, status, body)
		}
	}
	f.sim.TemporaryErrorNext(1)
	_, body := f.post(t, form)
	wantContains(t, body, "CODE = 421", "Command failed due to server error. Client should try again")
	f.sim.MalformedNext(1)
	_, body = f.post(t, form)
	if strings.Contains(body, "EOF") || !strings.HasPrefix(body, "[RESPONSE]") {
		t.Errorf("malformed body = %q", body)
	}
	_, body = f.post(t, form)
	wantContains(t, body, "CODE = 200")
}

func TestCreateScenariosByName(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	_, _, lines := csrFor(t, pki.KeyECDSAP256, "unavailable.example.com")
	form := url.Values{"s_entity": {"1234"}, "s_login": {f.creds.Login}, "s_pw": {f.creds.Password},
		"s_command": {strings.Join(append([]string{"COMMAND=CreateSSLCert", "SSLCERTCLASS=COMODO_ESSENTIALSSL"}, lines...), "\n")}}
	if status, _ := f.post(t, form); status != http.StatusServiceUnavailable {
		t.Errorf("first create: HTTP %d, want 503", status)
	}
	if f.sim.Purchases("") != 0 {
		t.Error("the failed create bought something")
	}
	if status, body := f.post(t, form); status != http.StatusOK || !strings.Contains(body, "CODE = 200") {
		t.Errorf("second create: HTTP %d %s", status, body)
	}

	_, _, lines = csrFor(t, pki.KeyECDSAP256, "malformed.example.com")
	form.Set("s_command", strings.Join(append([]string{"COMMAND=CreateSSLCert", "SSLCERTCLASS=COMODO_ESSENTIALSSL"}, lines...), "\n"))
	if _, body := f.post(t, form); strings.Contains(body, "EOF") {
		t.Errorf("malformed create answered a complete body")
	}
	if f.sim.Purchases("") != 1 {
		t.Errorf("purchases = %d, want 1", f.sim.Purchases(""))
	}

	_, _, lines = csrFor(t, pki.KeyECDSAP256, "lost.example.com")
	form.Set("s_command", strings.Join(append([]string{"COMMAND=CreateSSLCert", "SSLCERTCLASS=COMODO_ESSENTIALSSL"}, lines...), "\n"))
	if status, _ := f.post(t, form); status != http.StatusBadGateway {
		t.Errorf("lost create: HTTP %d, want 502", status)
	}
	if f.sim.Purchases("") != 2 {
		t.Errorf("purchases = %d, want 2 (the lost answer's order exists)", f.sim.Purchases(""))
	}
	found := f.cmd(t, "COMMAND=QuerySSLCertList", "WIDE=1", "SSLCERTCN=lost.example.com")
	wantContains(t, found, "PROPERTY[COUNT][0] = 1", "PROPERTY[SSLCERTCN][0] = lost.example.com", "PROPERTY[SSLCERTSTATUS][0] = REQUESTEDCREATE")
}

func TestSlowAnswers(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{SlowDelay: 300 * time.Millisecond})
	start := time.Now()
	body, _ := f.create(t, "COMODO_ESSENTIALSSL", nil, "slow.example.com")
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("slow name answered in %v", d)
	}
	wantContains(t, body, "CODE = 200")

	f.sim.SetDelay(2 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, f.srv.URL+Path, strings.NewReader("s_entity=1234&s_command=COMMAND%3DStatusAccount"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("delayed answer came back: HTTP %d", resp.StatusCode)
	}
}

// issued orders a certificate and polls it to ACTIVE, returning its ID.
func (f *fixture) issued(t *testing.T, class string, names ...string) string {
	t.Helper()
	body, _ := f.create(t, class, nil, names...)
	id := first(body, "SSLCERTID")
	if id == "" {
		t.Fatalf("no SSLCERTID:\n%s", body)
	}
	for range DefaultPollsToIssue {
		body = f.cmd(t, "COMMAND=StatusSSLCert", "SSLCERTID="+id)
	}
	wantContains(t, body, "PROPERTY[STATUS][0] = ACTIVE")
	return id
}

func TestReissue(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	id := f.issued(t, "COMODO_ESSENTIALSSL", "example.com")
	before := first(f.cmd(t, "COMMAND=StatusSSLCert", "SSLCERTID="+id), "CRT")

	_, _, other := csrFor(t, pki.KeyECDSAP256, "other.com")
	wantContains(t, f.cmd(t, append([]string{"COMMAND=ReissueSSLCert", "SSLCERTID=" + id}, other...)...), "CODE = 541", "common name must stay example.com")

	key, _, lines := csrFor(t, pki.KeyRSA2048, "example.com")
	body := f.cmd(t, append([]string{"COMMAND=ReissueSSLCert", "SSLCERTID=" + id, "VALIDATION0=DNSZONE"}, lines...)...)
	wantContains(t, body, "CODE = 200", "PROPERTY[DOMAIN][0] = example.com", "PROPERTY[VALIDATION][0] = DNSZONE", "PROPERTY[VALIDATIONDNSRR][0] = _")
	wantContains(t, f.cmd(t, append([]string{"COMMAND=ReissueSSLCert", "SSLCERTID=" + id}, lines...)...), "CODE = 552")

	poll := f.cmd(t, "COMMAND=StatusSSLCert", "SSLCERTID="+id)
	wantContains(t, poll, "PROPERTY[STATUS][0] = PENDINGREISSUE")
	poll = f.cmd(t, "COMMAND=StatusSSLCert", "SSLCERTID="+id)
	wantContains(t, poll, "PROPERTY[STATUS][0] = ACTIVE")
	crt := joinPEM(prop(poll, "CRT"))
	if first(poll, "CRT") == "" || prop(poll, "CRT")[1] == before {
		t.Errorf("reissue kept the old certificate")
	}
	leaf := parseCert(t, crt)
	if leaf.PublicKeyAlgorithm != x509.RSA || !samePublicKey(leaf.PublicKey, key.Public()) {
		t.Errorf("reissued certificate is not for the new key")
	}
	if o, _ := f.sim.Order(EntityTest, id); o.Reissues != 1 {
		t.Errorf("Reissues = %d", o.Reissues)
	}
	if f.sim.Purchases("") != 1 {
		t.Errorf("a reissue was charged as a purchase")
	}
}

func TestRenew(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	pending := first(mustCreate(t, f, "pending.example.com"), "SSLCERTID")
	wantContains(t, f.cmd(t, "COMMAND=RenewSSLCert", "SSLCERTID="+pending), "CODE = 552")

	id := f.issued(t, "COMODO_ESSENTIALSSL", "example.com")
	body := f.cmd(t, "COMMAND=RenewSSLCert", "SSLCERTID="+id, "PERIOD=1")
	wantContains(t, body, "CODE = 200", "PROPERTY[STATUS][0] = REQUESTEDRENEW", "PROPERTY[OLD-SSLCERTID][0] = "+id, "PROPERTY[OLD-EXPIRATIONDATE][0] = 20")
	newID := first(body, "SSLCERTID")
	if newID == id || newID == "" {
		t.Fatalf("renewal ID %q", newID)
	}
	wantContains(t, f.cmd(t, "COMMAND=RenewSSLCert", "SSLCERTID="+id), "CODE = 555", "Object already renewed")
	wantContains(t, f.cmd(t, "COMMAND=StatusSSLCert", "SSLCERTID="+newID), "PROPERTY[STATUS][0] = PENDINGRENEW")
	wantContains(t, f.cmd(t, "COMMAND=StatusSSLCert", "SSLCERTID="+newID), "PROPERTY[STATUS][0] = ACTIVE")
	wantContains(t, f.cmd(t, "COMMAND=StatusSSLCert", "SSLCERTID="+id), "PROPERTY[STATUS][0] = REPLACED")
	if n := f.sim.Purchases(EntityTest); n != 3 {
		t.Errorf("purchases = %d, want 3 (pending, original, renewal)", n)
	}
}

func mustCreate(t *testing.T, f *fixture, names ...string) string {
	t.Helper()
	body, _ := f.create(t, "COMODO_ESSENTIALSSL", nil, names...)
	wantContains(t, body, "CODE = 200")
	return body
}

func TestRevokeAndResend(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	pending := first(mustCreate(t, f, "example.com"), "SSLCERTID")
	wantContains(t, f.cmd(t, "COMMAND=ResendSSLCertEmail", "SSLCERTID="+pending), "CODE = 200")
	wantContains(t, f.cmd(t, "COMMAND=ResendSSLCertEmail", "SSLCERTID="+pending, "EMAIL=webmaster@example.com"), "CODE = 200")
	wantContains(t, f.cmd(t, "COMMAND=StatusSSLCert", "SSLCERTID="+pending), "PROPERTY[VALIDATIONEMAIL][0] = webmaster@example.com")
	wantContains(t, f.cmd(t, "COMMAND=ResendSSLCertEmail", "SSLCERTID="+pending, "EMAIL=boss@example.com"), "CODE = 541")
	wantContains(t, f.cmd(t, "COMMAND=ResendSSLCertEmail", "SSLCERTID="+pending, "RESENDEMAILTYPE=Postcard"), "CODE = 541")
	if o, _ := f.sim.Order(EntityTest, pending); o.Resends != 2 {
		t.Errorf("Resends = %d, want 2", o.Resends)
	}
	wantContains(t, f.cmd(t, "COMMAND=RevokeSSLCert", "SSLCERTID="+pending, "REASON=test"), "CODE = 552", "Object status does not allow for operation")

	id := f.issued(t, "COMODO_ESSENTIALSSL", "www.example.com")
	wantContains(t, f.cmd(t, "COMMAND=ResendSSLCertEmail", "SSLCERTID="+id), "CODE = 552")
	wantContains(t, f.cmd(t, "COMMAND=RevokeSSLCert", "SSLCERTID="+id), "CODE = 504", "REASON")
	revoke := f.cmd(t, "COMMAND=RevokeSSLCert", "SSLCERTID="+id, "REASON=key compromise")
	if revoke != "[RESPONSE]\r\nCODE = 200\r\nDESCRIPTION = Command completed successfully\r\nQUEUETIME = 0\r\nRUNTIME = 0.012\r\nEOF\r\n" {
		t.Errorf("revoke answer:\n%q", revoke)
	}
	wantContains(t, f.cmd(t, "COMMAND=StatusSSLCert", "SSLCERTID="+id), "PROPERTY[STATUS][0] = REVOKED")
	wantContains(t, f.cmd(t, "COMMAND=RevokeSSLCert", "SSLCERTID=999", "REASON=x"), "CODE = 545", "Object not found")
}

func TestListAndEntities(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	a := first(mustCreate(t, f, "a.example.com"), "SSLCERTID")
	f.clock.Add(24 * time.Hour)
	b := first(mustCreate(t, f, "b.example.com"), "SSLCERTID")
	other := f.sim.AddAccount(Account{Login: "other.user", Balance: 100000})
	body, _ := (&fixture{sim: f.sim, srv: f.srv, clock: f.clock, creds: other}).create(t, "COMODO_ESSENTIALSSL", nil, "c.example.com")
	wantContains(t, body, "CODE = 200")

	all := f.cmd(t, "COMMAND=QuerySSLCertList", "WIDE=1")
	if diff := cmp.Diff([]string{a, b}, prop(all, "SSLCERTID")); diff != "" {
		t.Errorf("list of the account (-want +got):\n%s", diff)
	}
	wantContains(t, all, "PROPERTY[TOTAL][0] = 2", "PROPERTY[COUNT][0] = 2", "PROPERTY[FIRST][0] = 0", "PROPERTY[LAST][0] = 1", "PROPERTY[SSLCERTCREATEDDATE][0] = 2026-06-01 10:00:00")
	narrow := f.cmd(t, "COMMAND=QuerySSLCertList")
	if strings.Contains(narrow, "SSLCERTCN") || len(prop(narrow, "SSLCERTID")) != 2 {
		t.Errorf("list without WIDE:\n%s", narrow)
	}
	tests := []struct {
		name  string
		lines []string
		want  []string
	}{
		{"by cn", []string{"SSLCERTCN=B.example.com"}, []string{b}},
		{"by glob", []string{"SSLCERTCN=*.example.com"}, []string{a, b}},
		{"by created", []string{"MINCREATEDDATE=2026-06-02 00:00:00", "MAXCREATEDDATE=2026-06-02 23:59:59"}, []string{b}},
		{"by id", []string{"SSLCERTID=" + a}, []string{a}},
		{"by status", []string{"STATUS=ACTIVE"}, nil},
		{"by class", []string{"SSLCERTCLASS=comodo_essentialssl"}, []string{a, b}},
		{"paged", []string{"FIRST=1", "LIMIT=1"}, []string{b}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := prop(f.cmd(t, append([]string{"COMMAND=QuerySSLCertList", "WIDE=1"}, tt.lines...)...), "SSLCERTID")
			if diff := cmp.Diff(tt.want, got, cmpEmpty); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	wantContains(t, f.cmd(t, "COMMAND=QuerySSLCertList", "MINCREATEDDATE=yesterday"), "CODE = 505")

	// The live entity has its own data.
	live := f.cmdAs(t, EntityLive, f.creds, "COMMAND=QuerySSLCertList", "WIDE=1")
	wantContains(t, live, "PROPERTY[TOTAL][0] = 0")
	wantContains(t, f.cmdAs(t, EntityLive, f.creds, "COMMAND=StatusSSLCert", "SSLCERTID="+a), "CODE = 545")
	if bal, _ := f.sim.Balance(EntityLive, f.creds.Login); bal != DefaultBalance {
		t.Errorf("live balance = %d after OT&E purchases", bal)
	}
	// Another account's certificate is not found.
	wantContains(t, f.cmd(t, "COMMAND=StatusSSLCert", "SSLCERTID="+first(body, "SSLCERTID")), "CODE = 545")
}

var cmpEmpty = cmp.Comparer(func(a, b []string) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return cmp.Equal([]string(a), []string(b))
})

func TestRequestsLog(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	f.cmd(t, "COMMAND=StatusAccount", "FOO=bar")
	reqs := f.sim.Requests()
	if len(reqs) != 1 || reqs[0].Command != "StatusAccount" || reqs[0].Entity != EntityTest || reqs[0].Login != f.creds.Login || reqs[0].Attributes["FOO"] != "bar" {
		t.Errorf("Requests() = %+v", reqs)
	}
	for _, r := range reqs {
		for k, v := range r.Attributes {
			if strings.Contains(v, f.creds.Password) {
				t.Errorf("attribute %s holds the password", k)
			}
		}
	}
}

func TestConcurrentPurchases(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	const n = 8
	_, _, lines := csrFor(t, pki.KeyECDSAP256, "example.com")
	var wg sync.WaitGroup
	ids := make([]string, n)
	for i := range n {
		wg.Go(func() {
			_, body := f.post(t, url.Values{"s_entity": {"1234"}, "s_login": {f.creds.Login}, "s_pw": {f.creds.Password},
				"s_command": {strings.Join(append([]string{"COMMAND=CreateSSLCert", "SSLCERTCLASS=COMODO_POSITIVESSL"}, lines...), "\n")}})
			ids[i] = first(body, "SSLCERTID")
			f.cmd(t, "COMMAND=StatusSSLCert", "SSLCERTID="+ids[i])
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, id := range ids {
		if id == "" || seen[id] {
			t.Errorf("IDs not unique: %v", ids)
		}
		seen[id] = true
	}
	if got := f.sim.Purchases(EntityTest); got != n {
		t.Errorf("purchases = %d, want %d", got, n)
	}
	if bal, _ := f.sim.Balance(EntityTest, f.creds.Login); bal != DefaultBalance-n*700 {
		t.Errorf("balance = %d, want %d", bal, DefaultBalance-n*700)
	}
}

func TestRegistrable(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"example.com": "example.com", "www.example.com": "example.com", "*.shop.example.com": "example.com",
		"a.b.example.co.uk": "example.co.uk", "example.co.uk": "example.co.uk", "localhost": "localhost", "Example.COM.": "example.com",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			if got := registrable(in); got != want {
				t.Errorf("registrable(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

func ExampleSim() {
	s := New(Options{})
	c := s.DefaultCredentials()
	fmt.Println(c.Login, c.Password)
	// Output: sim.reseller sim-password-1
}
