package sectigosim

import (
	"context"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sslreseller/sslreseller/internal/pki"
)

// harness is a simulator over real HTTP with helpers for raw requests.
type harness struct {
	sim  *Sim
	srv  *httptest.Server
	acct Account
}

func newHarness(tb testing.TB, opts Options) *harness {
	tb.Helper()
	if opts.DefaultPassword == "" {
		opts.DefaultPassword = "s3cret-Pa55"
	}
	s := New(opts)
	srv := httptest.NewServer(s.Handler())
	tb.Cleanup(srv.Close)
	return &harness{sim: s, srv: srv, acct: s.DefaultAccount()}
}

// post sends a form to a path below /products/, with the default login unless the form names one (or
// the endpoint is DecodeCSR), and returns the HTTP status and body.
func (h *harness) post(tb testing.TB, path string, form url.Values) (int, string) {
	tb.Helper()
	if !form.Has("loginName") && !strings.Contains(path, "DecodeCSR") {
		form.Set("loginName", h.acct.LoginName)
		form.Set("loginPassword", h.acct.LoginPassword)
	}
	return h.raw(tb, path, form)
}

// raw posts a form as it is.
func (h *harness) raw(tb testing.TB, path string, form url.Values) (int, string) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+"/products/"+path, strings.NewReader(form.Encode()))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(tb, req)
}

func do(tb testing.TB, req *http.Request) (int, string) {
	tb.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// expect checks a body holds every fragment.
func expect(tb testing.TB, body string, fragments ...string) {
	tb.Helper()
	for _, f := range fragments {
		if !strings.Contains(body, f) {
			tb.Errorf("body %q lacks %q", body, f)
		}
	}
}

func csrFor(tb testing.TB, names ...string) string {
	tb.Helper()
	key, err := pki.GenerateKey(pki.KeyECDSAP256)
	if err != nil {
		tb.Fatal(err)
	}
	csr, err := pki.CreateCSR(key, pki.Subject{CommonName: names[0]}, names[1:])
	if err != nil {
		tb.Fatal(err)
	}
	return string(csr)
}

func applyForm(csr string, extra ...string) url.Values {
	f := url.Values{"product": {"287"}, "days": {"365"}, "csr": {csr}, "serverSoftware": {"-1"},
		"dcvMethod": {"CNAME_CSR_HASH"}, "responseFormat": {"1"}, "showCertificateID": {"Y"}}
	for i := 0; i+1 < len(extra); i += 2 {
		f.Set(extra[i], extra[i+1])
	}
	return f
}

var orderNumberRE = regexp.MustCompile(`orderNumber=(\d+)`)

// place orders a certificate and returns the order number.
func (h *harness) place(tb testing.TB, csr string, extra ...string) string {
	tb.Helper()
	status, body := h.post(tb, "!AutoApplySSL", applyForm(csr, extra...))
	m := orderNumberRE.FindStringSubmatch(body)
	if status != 200 || m == nil {
		tb.Fatalf("apply: %d %q", status, body)
	}
	return m[1]
}

func (h *harness) collect(tb testing.TB, order string, extra ...string) string {
	tb.Helper()
	f := url.Values{"orderNumber": {order}, "queryType": {"1"}, "responseType": {"3"}, "responseFormat": {"1"},
		"showExtStatus": {"Y"}, "showValidityPeriod": {"Y"}, "showFQDN": {"Y"}}
	for i := 0; i+1 < len(extra); i += 2 {
		f.Set(extra[i], extra[i+1])
	}
	_, body := h.post(tb, "download/CollectSSL", f)
	return body
}

func TestRequestChecks(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	csr := csrFor(t, "www.example.com")
	tests := []struct {
		name      string
		method    string
		path      string
		form      url.Values
		noLogin   bool
		status    int
		fragments []string
	}{
		{name: "GET is refused", method: http.MethodGet, path: "!AutoApplySSL?loginName=x", status: 200, fragments: []string{"-17\n"}},
		{name: "GET with responseFormat=1", method: http.MethodGet, path: "download/CollectSSL?responseFormat=1", status: 200, fragments: []string{"errorCode=-17&errorMessage="}},
		{name: "missing login name", path: "!AutoApplySSL", form: url.Values{"responseFormat": {"1"}}, noLogin: true,
			fragments: []string{"errorCode=-3&errorItem=loginName&errorMessage=The+%27loginName%27+argument+is+missing%21"}},
		{name: "missing password, newline", path: "!AutoApplySSL", form: url.Values{"loginName": {"sim-reseller"}}, noLogin: true,
			fragments: []string{"-3\nThe 'loginPassword' argument is missing!\n"}},
		{name: "wrong password", path: "!AutoApplySSL", form: url.Values{"loginName": {"sim-reseller"}, "loginPassword": {"nope"}, "responseFormat": {"1"}}, noLogin: true,
			fragments: []string{"errorCode=-16&errorMessage=Incorrect+login+details%2C+account+is+locked%2C+password+has+expired%2C+or+your+source+IP+is+blocked%21"}},
		{name: "ipblocked account", path: "download/CollectSSL", form: url.Values{"loginName": {"ipblocked-sim-reseller"}, "loginPassword": {"s3cret-Pa55"}}, noLogin: true,
			fragments: []string{"-16\nIncorrect login details"}},
		{name: "unknown argument", path: "!AutoApplySSL", form: url.Values{"colour": {"blue"}, "responseFormat": {"1"}},
			fragments: []string{"errorCode=-2&errorItem=colour&errorMessage=%27colour%27+is+an+unrecognised+argument%21"}},
		{name: "AutoUpdateDCV refuses responseFormat", path: "!AutoUpdateDCV", form: url.Values{"orderNumber": {"1"}, "newMethod": {"HTTP_CSR_HASH"}, "responseFormat": {"1"}},
			fragments: []string{"errorCode=-2&errorItem=responseFormat&errorMessage=%27responseFormat%27+is+an+unrecognised+argument%21"}},
		{name: "argument names are case-insensitive", path: "!AutoApplySSL", form: url.Values{"RESPONSEFORMAT": {"1"}, "Product": {"287"}},
			fragments: []string{"errorCode=-3&errorItem=csr"}},
		{name: "bad responseFormat", path: "!AutoApplySSL", form: url.Values{"responseFormat": {"7"}}, fragments: []string{"-4\nThe value of the 'responseFormat' argument is invalid!"}},
		{name: "unknown product", path: "!AutoApplySSL", form: applyForm(csr, "product", "4242"), fragments: []string{"errorCode=-4&errorItem=product"}},
		{name: "no price for the term", path: "!AutoApplySSL", form: applyForm(csr, "days", "4000"), fragments: []string{"errorCode=-115&errorMessage=No+price+found+for+product+287"}},
		{name: "trial is short", path: "!AutoApplySSL", form: applyForm(csr, "product", "291", "days", "365"), fragments: []string{"errorCode=-115"}},
		{name: "damaged CSR", path: "!AutoApplySSL", form: applyForm("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"), fragments: []string{"errorCode=-10"}},
		{name: "CSR not base64", path: "!AutoApplySSL", form: applyForm("hello world!"), fragments: []string{"errorCode=-9"}},
		{name: "wildcard CSR on single product", path: "!AutoApplySSL", form: applyForm(csrFor(t, "*.example.com")), fragments: []string{"errorCode=-5"}},
		{name: "wildcard product without wildcard", path: "!AutoApplySSL", form: applyForm(csr, "product", "289"), fragments: []string{"errorCode=-6"}},
		{name: "EMAIL needs an address", path: "!AutoApplySSL", form: applyForm(csr, "dcvMethod", "EMAIL"), fragments: []string{"errorCode=-3&errorItem=dcvEmailAddress"}},
		{name: "EMAIL address from the list", path: "!AutoApplySSL", form: applyForm(csr, "dcvMethod", "EMAIL", "dcvEmailAddress", "ceo@example.com"), fragments: []string{"errorCode=-4&errorItem=dcvEmailAddress"}},
		{name: "unknown method", path: "!AutoApplySSL", form: applyForm(csr, "dcvMethod", "CARRIER_PIGEON"), fragments: []string{"errorCode=-4&errorItem=dcvMethod"}},
		{name: "OV needs an organisation", path: "!AutoApplySSL", form: applyForm(csr, "product", "316"), fragments: []string{"errorCode=-3&errorItem=organizationName"}},
		{name: "bad country", path: "!AutoApplySSL", form: applyForm(csr, "product", "316", "organizationName", "Example Ltd", "countryName", "XYZ"),
			fragments: []string{"errorCode=-7&errorMessage=%27XYZ%27+is+not+a+valid+ISO-3166+country%21"}},
		{name: "collect needs a query type", path: "download/CollectSSL", form: url.Values{"orderNumber": {"1"}}, fragments: []string{"-3\nThe 'queryType' argument is missing!"}},
		{name: "collect of an unknown order", path: "download/CollectSSL", form: url.Values{"orderNumber": {"1"}, "queryType": {"0"}, "responseFormat": {"1"}},
			fragments: []string{"errorCode=-4&errorItem=orderNumber&errorMessage=The+value+of+the+%27orderNumber%27+argument+is+invalid%21"}},
		{name: "ZIP is not simulated", path: "download/CollectSSL", form: url.Values{"orderNumber": {"1"}, "queryType": {"1"}, "responseType": {"0"}}, fragments: []string{"-4\n"}},
		{name: "report speaks snake case", path: "!WebHostReport", form: url.Values{"notBefore": {"soon"}}, fragments: []string{"error_code=-4&errorItem=notBefore&error_message="}},
		{name: "report refuses responseFormat", path: "!WebHostReport", form: url.Values{"responseFormat": {"1"}}, fragments: []string{"error_code=-2"}},
		{name: "approver list of a bad name", path: "!GetDCVEmailAddressList", form: url.Values{"domainName": {"localhost"}}, fragments: []string{"-4\nThe value of the 'domainName' argument is invalid!"}},
		{name: "DecodeCSR takes no login", path: "!DecodeCSR", form: url.Values{"csr": {csr}, "loginName": {"x"}}, noLogin: true, fragments: []string{"-2\n'loginName' is an unrecognised argument!"}},
		{name: "unknown endpoint", path: "!GetBalance", form: url.Values{}, status: 404, fragments: []string{"404"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var status int
			var body string
			switch {
			case tt.method == http.MethodGet:
				req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/products/"+tt.path, nil)
				status, body = do(t, req)
			case tt.noLogin:
				status, body = h.raw(t, tt.path, tt.form)
			default:
				form := url.Values{}
				for k, v := range tt.form {
					form[k] = v
				}
				status, body = h.post(t, tt.path, form)
			}
			want := tt.status
			if want == 0 {
				want = 200
			}
			if status != want {
				t.Errorf("status %d, want %d (%q)", status, want, body)
			}
			expect(t, body, tt.fragments...)
		})
	}
	if h.sim.Purchases("") != 0 {
		t.Errorf("refused requests placed %d orders", h.sim.Purchases(""))
	}
}

func TestApplyAndCollect(t *testing.T) {
	t.Parallel()
	now := time.Date(2027, 6, 1, 10, 0, 0, 0, time.UTC)
	h := newHarness(t, Options{Now: func() time.Time { return now }})
	csr := csrFor(t, "shop.example.com")
	status, body := h.post(t, "!AutoApplySSL", applyForm(csr, "foreignOrderNumber", "iss-7", "uniqueValue", "abc123"))
	if status != 200 || !regexp.MustCompile(`^errorCode=0&orderNumber=\d{7,8}&certificateID=\d+&totalCost=10\.00&expectedDeliveryTime=1&uniqueValue=abc123$`).MatchString(body) {
		t.Fatalf("apply: %d %q", status, body)
	}
	order := orderNumberRE.FindStringSubmatch(body)[1]
	if h.sim.Balance(h.acct.LoginName) != DefaultBalance-1000 {
		t.Errorf("balance %d", h.sim.Balance(h.acct.LoginName))
	}
	expect(t, h.collect(t, order), "errorCode=0&orderNumber="+order+"&certificateStatus=Awaiting+Validation&validationStatus=Awaiting+Validation&dcvStatus=0", "&fqdn=shop.example.com")
	body = h.collect(t, order)
	expect(t, body, "errorCode=2&orderNumber="+order+"&certificateStatus=Issued&validationStatus=Validated&dcvStatus=1", "&notBefore=", "&certificate=", "&caCertificate=")
	if strings.Count(body, "caCertificate=") != 2 {
		t.Errorf("want root and intermediate: %q", body)
	}
	values, err := url.ParseQuery(body)
	if err != nil {
		t.Fatal(err)
	}
	der, err := base64.StdEncoding.DecodeString(values.Get("certificate"))
	if err != nil {
		t.Fatal(err)
	}
	leafPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := pki.Verify(leafPEM, h.sim.IntermediatePEM(), h.sim.RootPEM(), now.Add(time.Hour), "www.shop.example.com"); err != nil {
		t.Fatalf("verify: %v", err)
	}
	certs, _ := pki.ParseCertificatesPEM(leafPEM)
	if got := certs[0].NotAfter.Sub(certs[0].NotBefore); got > 100*24*time.Hour {
		t.Errorf("validity %s exceeds the 2027 maximum of 100 days", got)
	}
	if fmt.Sprint(certs[0].DNSNames) != "[shop.example.com www.shop.example.com]" {
		t.Errorf("names %v", certs[0].DNSNames)
	}
	expect(t, h.collect(t, order, "queryType", "0"), "errorCode=1&orderNumber="+order)
	if !strings.Contains(h.collect(t, order, "queryType", "0"), "errorCode=1&") || strings.Contains(h.collect(t, order, "queryType", "0"), "certificate=") {
		t.Error("status-only query")
	}
	body = h.collect(t, order, "responseType", "2")
	expect(t, body, "errorCode=2&", "&pkcs7=")
	_, body = h.post(t, "download/CollectSSL", url.Values{"orderNumber": {order}, "queryType": {"1"}})
	if !strings.HasPrefix(body, "2\n-----BEGIN CERTIFICATE-----\n") || strings.Count(body, "-----BEGIN CERTIFICATE-----") != 3 {
		t.Errorf("newline collect %q", body)
	}
	o, _ := h.sim.Order(order)
	if o.ForeignOrderNumber != "iss-7" || o.State != StateIssued || o.Polls != 2 || o.Certificates[0].Serial == "" {
		t.Errorf("order %+v", o)
	}
}

func TestNewlineApply(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	form := applyForm(csrFor(t, "nl.example.com"), "uniqueValue", "U1")
	form.Del("responseFormat")
	_, body := h.post(t, "!AutoApplySSL", form)
	if !regexp.MustCompile(`^0\n\d{7,8}\n10\.00\n1\nU1\n\d+\n$`).MatchString(body) {
		t.Errorf("newline apply %q", body)
	}
}

func TestStateCodes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{IssueAfterPolls: 1})
	rej := h.place(t, csrFor(t, "reject.example.com"))
	expect(t, h.collect(t, rej), "errorCode=-20&errorMessage=The+certificate+request+has+been+rejected")
	busy := h.place(t, csrFor(t, "issuing.example.com"))
	expect(t, h.collect(t, busy), "errorCode=-26&errorMessage=The+certificate+is+currently+being+issued%21")
	expect(t, h.collect(t, busy), "errorCode=2&")

	_, body := h.post(t, "!AutoRevokeSSL", url.Values{"orderNumber": {busy}, "responseFormat": {"1"}})
	expect(t, body, "errorCode=-3&errorItem=revocationReason")
	_, body = h.post(t, "!AutoRevokeSSL", url.Values{"orderNumber": {busy}, "revocationReason": {"keyCompromise"}, "responseFormat": {"1"}})
	if body != "errorCode=0" {
		t.Errorf("revoke %q", body)
	}
	expect(t, h.collect(t, busy), "errorCode=-21&errorMessage=The+certificate+has+been+revoked%21")
	_, body = h.post(t, "!AutoRevokeSSL", url.Values{"orderNumber": {busy}, "revocationReason": {"again"}})
	expect(t, body, "-21\nThe certificate has already been revoked!")

	paid := h.place(t, csrFor(t, "refund.example.com"))
	before := h.sim.Balance(h.acct.LoginName)
	_, body = h.post(t, "!AutoRefund", url.Values{"orderNumber": {paid}, "refundReasonCode": {"3"}, "responseFormat": {"1"}})
	if body != "errorCode=0" || h.sim.Balance(h.acct.LoginName) != before+1000 {
		t.Errorf("refund %q balance %d", body, h.sim.Balance(h.acct.LoginName))
	}
	expect(t, h.collect(t, paid), "errorCode=-20&errorMessage=The+order+has+been+cancelled%21")
	_, body = h.post(t, "!AutoRefund", url.Values{"orderNumber": {paid}, "refundReasonCode": {"3"}})
	expect(t, body, "-18\nThis order has already been refunded!")
	_, body = h.post(t, "!AutoRefund", url.Values{"orderNumber": {paid}, "refundReasonCode": {"12"}})
	expect(t, body, "-4\nThe value of the 'refundReasonCode' argument is invalid!")
}

func TestReplace(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	csr := csrFor(t, "re.example.com")
	order := h.place(t, csr)
	h.collect(t, order)
	h.collect(t, order)
	_, body := h.post(t, "!AutoReplaceSSL", url.Values{"orderNumber": {order}, "csr": {csrFor(t, "other.example.com")}, "serverSoftware": {"-1"}, "responseFormat": {"1"}})
	expect(t, body, "errorCode=-4&errorItem=csr")
	_, body = h.post(t, "!AutoReplaceSSL", url.Values{"orderNumber": {order}, "csr": {csr}, "serverSoftware": {"-1"}, "uniqueValue": {"U2"}})
	if !regexp.MustCompile(`^0\n\d+\n1\nU2\n$`).MatchString(body) {
		t.Fatalf("replace %q", body)
	}
	expect(t, h.collect(t, order), "errorCode=2&") // same CSR: validation reused
	newKey := csrFor(t, "re.example.com")
	h.post(t, "!AutoReplaceSSL", url.Values{"orderNumber": {order}, "csr": {newKey}, "serverSoftware": {"-1"}})
	expect(t, h.collect(t, order), "errorCode=0&")
	expect(t, h.collect(t, order), "errorCode=2&")
	o, _ := h.sim.Order(order)
	if len(o.Certificates) != 3 || o.Certificates[0].State != StateReplaced || o.Certificates[1].State != StateReplaced || o.Certificates[2].State != StateIssued {
		t.Errorf("certificates %+v", o.Certificates)
	}
}

func TestApproversAndDCV(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	_, body := h.post(t, "!GetDCVEmailAddressList", url.Values{"domainName": {"*.shop.example.com"}})
	want := "0\ndomain_name\tshop.example.com\n" +
		"level2_email\tadmin@example.com\nlevel2_email\tadministrator@example.com\nlevel2_email\thostmaster@example.com\n" +
		"level2_email\tpostmaster@example.com\nlevel2_email\twebmaster@example.com\n" +
		"level3_email\tadmin@shop.example.com\nlevel3_email\tadministrator@shop.example.com\nlevel3_email\thostmaster@shop.example.com\n" +
		"level3_email\tpostmaster@shop.example.com\nlevel3_email\twebmaster@shop.example.com\n"
	if body != want {
		t.Errorf("list %q", body)
	}
	_, body = h.post(t, "!GetDCVEmailAddressList", url.Values{"domainName": {"example.co.uk"}})
	if strings.Contains(body, "level3_email") || !strings.Contains(body, "level2_email\tadmin@example.co.uk\n") {
		t.Errorf("registrable name %q", body)
	}

	csr := csrFor(t, "shop.example.com")
	order := h.place(t, csr, "dcvMethod", "EMAIL", "dcvEmailAddress", "webmaster@shop.example.com")
	_, body = h.post(t, "!ResendDCVEmail", url.Values{"orderNumber": {order}})
	if body != "errorCode=0" {
		t.Errorf("resend %q", body)
	}
	_, body = h.post(t, "!ResendDCVEmail", url.Values{"orderNumber": {order}, "dcvEmailAddress": {"evil@attacker.org"}})
	expect(t, body, "errorCode=-4&errorItem=dcvEmailAddress")
	_, body = h.post(t, "!AutoUpdateDCV", url.Values{"orderNumber": {order}, "newMethod": {"HTTP_CSR_HASH"}})
	if body != "errorCode=0" {
		t.Errorf("update %q", body)
	}
	_, body = h.post(t, "!ResendDCVEmail", url.Values{"orderNumber": {order}})
	expect(t, body, "errorCode=-4&errorItem=orderNumber")
	_, body = h.post(t, "!AutoUpdateDCV", url.Values{"orderNumber": {order}, "newMethod": {"EMAIL"}})
	expect(t, body, "errorCode=-3&errorItem=newDCVEmailAddress")
	if o, _ := h.sim.Order(order); o.Resends != 1 || o.Certificates[0].DCVMethod != "HTTP_CSR_HASH" {
		t.Errorf("order %+v", o)
	}

	t.Run("no e-mail validation from 2028-03-15", func(t *testing.T) {
		t.Parallel()
		late := newHarness(t, Options{Now: func() time.Time { return time.Date(2028, 4, 1, 0, 0, 0, 0, time.UTC) }})
		_, body := late.post(t, "!AutoApplySSL", applyForm(csrFor(t, "late.example.com"), "dcvMethod", "EMAIL", "dcvEmailAddress", "admin@example.com"))
		expect(t, body, "errorCode=-4&errorItem=dcvMethod")
	})
}

// dcvCSR and its hashes were made with openssl, independently of the simulator.
const dcvCSR = `-----BEGIN CERTIFICATE REQUEST-----
MIIBDzCBtgIBADAaMRgwFgYDVQQDDA93d3cuZXhhbXBsZS5jb20wWTATBgcqhkjO
PQIBBggqhkjOPQMBBwNCAASQU7Gk7ITtKeoVGa/xP1aEC9+0LxfFZkt/AH35FrFX
tSxds/70lFbzi9yDvxkQcO1fEPd7zot9NVe/glSAI5pjoDowOAYJKoZIhvcNAQkO
MSswKTAnBgNVHREEIDAegg93d3cuZXhhbXBsZS5jb22CC2V4YW1wbGUuY29tMAoG
CCqGSM49BAMCA0gAMEUCIQDILlTD8m3ri64z/DmtIokzu7N0jgDo8IZUK3pMMesz
VgIgdf11c6MnwWjr8dYFX0xcZKGoSQmU1tJ8NtGdB5pjk8A=
-----END CERTIFICATE REQUEST-----
`

func TestDecodeCSR(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	_, body := h.post(t, "!DecodeCSR", url.Values{"csr": {dcvCSR}, "showCSRHashes": {"Y"}, "showKeySize": {"Y"}, "showSANDNSNames": {"Y"}, "showEmptyFields": {"N"}})
	want := "0\nCN=www.example.com\nKeySize=256\ndnsName(s)=www.example.com,example.com\n" +
		"md5=03EEF616BC49996440796FC68DC80511\nsha1=96D7DA020FFF9729726E4F7CEEAA7E3C31AD83CE\n"
	if body != want {
		t.Errorf("decode %q, want %q", body, want)
	}
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/products/!DecodeCSR?csr="+url.QueryEscape("bm90IGEgY3Ny"), nil)
	_, body = do(t, req)
	if body != "1\n-10\tThe CSR could not be decoded!\n" {
		t.Errorf("GET decode of garbage %q", body)
	}
	_, body = h.post(t, "!DecodeCSR", url.Values{})
	if body != "1\n-3\tThe 'csr' argument is missing!\n" {
		t.Errorf("no csr %q", body)
	}
}

func TestReportAndInspection(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{IssueAfterPolls: 1})
	a := h.place(t, csrFor(t, "a.example.com"), "foreignOrderNumber", "ref-a")
	b := h.place(t, csrFor(t, "b.example.org"))
	h.collect(t, a)
	_, body := h.post(t, "!WebHostReport", url.Values{"showCertificateID": {"Y"}, "showCost": {"Y"}})
	expect(t, body, "error_code=0&noOfResults=2&1_orderNumber="+a+"&1_dateTime=", "&1_foreignOrderNumber=ref-a&1_cost=10.00&1_1_certificateID=",
		"&1_1_domain=a.example.com&1_1_mdcDomainNames=www.a.example.com&1_1_certificateStatusDesc=Issued&1_1_serialNumber=",
		"&2_orderNumber="+b+"&", "&2_1_certificateStatusDesc=Awaiting+Validation")
	_, body = h.post(t, "!WebHostReport", url.Values{"foreignOrderNumber": {"ref-a,ref-z"}})
	expect(t, body, "error_code=0&noOfResults=1&1_orderNumber="+a)
	_, body = h.post(t, "!WebHostReport", url.Values{"fqdn": {"_.example.org"}})
	expect(t, body, "noOfResults=1&1_orderNumber="+b)
	future := fmt.Sprint(time.Now().Add(time.Hour).Unix())
	_, body = h.post(t, "!WebHostReport", url.Values{"notBefore": {future}, "notAfter": {future}})
	if body != "error_code=0&noOfResults=0" {
		t.Errorf("empty window %q", body)
	}
	other := h.sim.AddAccount(Account{LoginName: "other", LoginPassword: "pw-other"})
	_, body = h.post(t, "!WebHostReport", url.Values{"loginName": {other.LoginName}, "loginPassword": {other.LoginPassword}})
	if body != "error_code=0&noOfResults=0" {
		t.Errorf("another account sees orders: %q", body)
	}
	_, body = h.post(t, "download/CollectSSL", url.Values{"loginName": {other.LoginName}, "loginPassword": {other.LoginPassword}, "orderNumber": {a}, "queryType": {"0"}})
	expect(t, body, "-4\n")
	if h.sim.Purchases(h.acct.LoginName) != 2 || h.sim.Purchases("other") != 0 || h.sim.Requests("WebHostReport") != 5 || len(h.sim.Orders()) != 2 {
		t.Errorf("purchases %d requests %d", h.sim.Purchases(""), h.sim.Requests("WebHostReport"))
	}
}

func TestScenarios(t *testing.T) {
	t.Parallel()
	t.Run("test orders", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, Options{IssueAfterPolls: 1})
		order := h.place(t, csrFor(t, "t.example.com"), "test", "Y")
		for i := 0; i < 3; i++ {
			expect(t, h.collect(t, order), "errorCode=0&")
		}
		if h.sim.Balance(h.acct.LoginName) != DefaultBalance {
			t.Error("a test order was billed")
		}
		h2 := newHarness(t, Options{IssueAfterPolls: 1, IssueTestOrders: true})
		order = h2.place(t, csrFor(t, "t.example.com"), "test", "Y")
		expect(t, h2.collect(t, order), "errorCode=2&")
	})
	t.Run("balance", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, Options{})
		if err := h.sim.SetBalance(h.acct.LoginName, 500); err != nil {
			t.Fatal(err)
		}
		_, body := h.post(t, "!AutoApplySSL", applyForm(csrFor(t, "x.example.com")))
		if body != "errorCode=-15&errorMessage=Not+enough+credit%21" || h.sim.Purchases("") != 0 {
			t.Errorf("short balance %q", body)
		}
		if err := h.sim.SetPayLater(h.acct.LoginName, true); err != nil {
			t.Fatal(err)
		}
		_, body = h.post(t, "!AutoApplySSL", applyForm(csrFor(t, "x.example.com")))
		expect(t, body, "errorCode=1&orderNumber=")
		order := orderNumberRE.FindStringSubmatch(body)[1]
		expect(t, h.collect(t, order), "certificateStatus=Awaiting+Payment")
		_, body = h.post(t, "!AutoAuthorize", url.Values{"orderNumber": {order}})
		expect(t, body, "-15\nNot enough credit!")
		_ = h.sim.SetBalance(h.acct.LoginName, 5000)
		_, body = h.post(t, "!AutoAuthorize", url.Values{"orderNumber": {order}})
		if body != "0\n" || h.sim.Balance(h.acct.LoginName) != 4000 {
			t.Errorf("authorize %q balance %d", body, h.sim.Balance(h.acct.LoginName))
		}
		_, body = h.post(t, "!AutoApplySSL", applyForm(csrFor(t, "nocredit.example.com")))
		expect(t, body, "errorCode=-15")
	})
	t.Run("failures", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, Options{})
		h.sim.FailNext(1, 0)
		status, body := h.post(t, "!WebHostReport", url.Values{})
		if status != 503 || !strings.Contains(body, "Service Unavailable") {
			t.Errorf("FailNext %d %q", status, body)
		}
		h.sim.MalformNext(1)
		status, body = h.post(t, "!WebHostReport", url.Values{})
		if status != 200 || strings.Contains(body, "error_code") {
			t.Errorf("MalformNext %d %q", status, body)
		}
		if _, body = h.post(t, "!WebHostReport", url.Values{}); !strings.HasPrefix(body, "error_code=0") {
			t.Errorf("after the failures %q", body)
		}
		status, _ = h.post(t, "!AutoApplySSL", applyForm(csrFor(t, "unavailable.example.com")))
		if status != 503 || h.sim.Purchases("") != 0 {
			t.Errorf("unavailable. first %d", status)
		}
		h.place(t, csrFor(t, "unavailable.example.com"))
		status, _ = h.post(t, "!AutoApplySSL", applyForm(csrFor(t, "lost.example.com")))
		if status != 502 || h.sim.Purchases("") != 2 {
			t.Errorf("lost. %d %d", status, h.sim.Purchases(""))
		}
		status, body = h.post(t, "!AutoApplySSL", applyForm(csrFor(t, "malformed.example.com")))
		if status != 200 || strings.Contains(body, "errorCode") || h.sim.Purchases("") != 3 {
			t.Errorf("malformed. %d %q", status, body)
		}
	})
	t.Run("slow", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, Options{SlowDelay: 300 * time.Millisecond})
		start := time.Now()
		h.place(t, csrFor(t, "slow.example.com"))
		if time.Since(start) < 300*time.Millisecond {
			t.Error("slow. answered at once")
		}
		h.sim.SetDelay(200 * time.Millisecond)
		start = time.Now()
		h.post(t, "!WebHostReport", url.Values{})
		if time.Since(start) < 200*time.Millisecond {
			t.Error("SetDelay had no effect")
		}
		h.sim.SetDelay(0)
		c, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		h.sim.SetDelay(5 * time.Second)
		req, _ := http.NewRequestWithContext(c, http.MethodPost, h.srv.URL+"/products/!WebHostReport", nil)
		if _, err := http.DefaultClient.Do(req); err == nil {
			t.Error("expected the client's deadline to end the request")
		}
		h.sim.SetDelay(0)
	})
	t.Run("accounts", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, Options{DefaultLogin: "demo"})
		if h.acct.LoginName != "demo" || h.acct.LoginPassword != "s3cret-Pa55" || h.acct.Balance != DefaultBalance || h.acct.Currency != "USD" {
			t.Errorf("default %+v", h.acct)
		}
		if a, ok := h.sim.Account("ipblocked-demo"); !ok || !a.IPBlocked {
			t.Errorf("ipblocked %+v", a)
		}
		gen := New(Options{}).DefaultAccount()
		if gen.LoginName != DefaultLogin || len(gen.LoginPassword) < 12 {
			t.Errorf("generated %+v", gen)
		}
		if err := h.sim.SetPassword("demo", "new-pass-1"); err != nil {
			t.Fatal(err)
		}
		_, body := h.post(t, "!WebHostReport", url.Values{})
		expect(t, body, "error_code=-16")
		if err := h.sim.SetBalance("nobody", 1); err == nil {
			t.Error("unknown account accepted")
		}
	})
}

func TestPHPURLEncode(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"The 'csr' argument is missing!": "The+%27csr%27+argument+is+missing%21",
		"a-b_c.d~e":                      "a-b_c.d%7Ee",
		"x+y/z=":                         "x%2By%2Fz%3D",
		"é":                              "%C3%A9",
		"":                               "",
	} {
		if got := phpURLEncode(in); got != want {
			t.Errorf("phpURLEncode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{IssueAfterPolls: 1})
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[string]bool{}
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			order := h.place(t, csrFor(t, fmt.Sprintf("c%d.example.com", i)))
			h.collect(t, order)
			h.sim.Orders()
			mu.Lock()
			defer mu.Unlock()
			if seen[order] {
				t.Errorf("order number %s twice", order)
			}
			seen[order] = true
		}(i)
	}
	wg.Wait()
	if h.sim.Purchases("") != 12 || h.sim.Balance(h.acct.LoginName) != DefaultBalance-12*1000 {
		t.Errorf("purchases %d balance %d", h.sim.Purchases(""), h.sim.Balance(h.acct.LoginName))
	}
	for _, o := range h.sim.Orders() {
		if o.State != StateIssued {
			t.Errorf("order %s %s", o.OrderNumber, o.State)
		}
	}
}
