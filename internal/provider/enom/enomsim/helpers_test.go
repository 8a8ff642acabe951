package enomsim

import (
	"crypto"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sslreseller/sslreseller/internal/pki"
)

// testEnv is a simulator behind a real HTTP server.
type testEnv struct {
	sim *Sim
	srv *httptest.Server
	uid string
	pw  string
}

func newEnv(tb testing.TB, opts Options) *testEnv {
	tb.Helper()
	sim := New(opts)
	srv := httptest.NewServer(sim.Handler())
	tb.Cleanup(srv.Close)
	creds := sim.DefaultAccount()
	return &testEnv{sim: sim, srv: srv, uid: creds.UID, pw: creds.PW}
}

// call POSTs a command as the default account with ResponseType=XML; kv are extra name/value
// pairs, which may override uid, pw and ResponseType.
func (e *testEnv) call(tb testing.TB, command string, kv ...string) string {
	tb.Helper()
	body, status := e.raw(tb, http.MethodPost, command, kv...)
	if status != http.StatusOK {
		tb.Fatalf("%s: HTTP %d: %s", command, status, body)
	}
	return body
}

func (e *testEnv) raw(tb testing.TB, method, command string, kv ...string) (string, int) {
	tb.Helper()
	form := url.Values{"command": {command}, "uid": {e.uid}, "pw": {e.pw}, "ResponseType": {"XML"}}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Del(kv[i])
		form.Set(kv[i], kv[i+1])
	}
	var resp *http.Response
	var err error
	if method == http.MethodGet {
		resp, err = http.Get(e.srv.URL + "/interface.asp?" + form.Encode())
	} else {
		resp, err = http.PostForm(e.srv.URL+"/interface.asp", form)
	}
	if err != nil {
		tb.Fatalf("%s: %v", command, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s: read: %v", command, err)
	}
	return string(b), resp.StatusCode
}

// field extracts the text of the first <name> element (test use only: the sample shapes are known).
func field(body, name string) string {
	m := regexp.MustCompile(`<` + name + `>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</` + name + `>`).FindStringSubmatch(strings.ReplaceAll(body, "\r\n", "\n"))
	if m == nil {
		return ""
	}
	return m[1]
}

// pemField extracts a multi-line CDATA element.
func pemField(body, name string) string {
	m := regexp.MustCompile(`(?s)<` + name + `><!\[CDATA\[(.*?)\]\]></` + name + `>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

func mustContain(tb testing.TB, body string, wants ...string) {
	tb.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			tb.Errorf("response lacks %q:\n%s", w, body)
		}
	}
}

// newCSR makes a key and a CSR for the names (the first is the common name).
func newCSR(tb testing.TB, subj pki.Subject, names ...string) (string, crypto.Signer) {
	tb.Helper()
	key, err := pki.GenerateKey(pki.KeyECDSAP256)
	if err != nil {
		tb.Fatal(err)
	}
	csr, err := pki.CreateCSR(key, subj, names)
	if err != nil {
		tb.Fatal(err)
	}
	return string(csr), key
}

// sameKey reports whether pub is the public half of key.
func sameKey(key crypto.Signer, pub crypto.PublicKey) bool {
	k, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(pub)
}

// contacts are CertConfigureCert contact parameters for Admin, Tech and Billing.
func contacts() []string {
	var kv []string
	for _, t := range []string{"Admin", "Tech", "Billing"} {
		kv = append(kv,
			t+"FName", "Ada", t+"LName", "Lovelace", t+"OrgName", "Example Ltd", t+"JobTitle", "IT",
			t+"Address1", "1 Main St", t+"City", "Kirkland", t+"State", "WA", t+"StateProvinceChoice", "S",
			t+"PostalCode", "98033", t+"Country", "US", t+"Phone", "+1.4252744500", t+"EmailAddress", "ada@example.com",
		)
	}
	return kv
}

// buy purchases a product as the default account and returns the CertID.
func (e *testEnv) buy(tb testing.TB, service string, years string) string {
	tb.Helper()
	body := e.call(tb, "PurchaseServices", "Service", service, "NumYears", years)
	id := field(body, "CertID")
	if id == "" {
		tb.Fatalf("no CertID:\n%s", body)
	}
	return id
}

// configure sends CertConfigureCert with a fresh CSR for names and returns the response and key.
func (e *testEnv) configure(tb testing.TB, certID, webServerType string, names ...string) (string, crypto.Signer) {
	tb.Helper()
	csr, key := newCSR(tb, pki.Subject{Organization: "Example Ltd", Country: "US"}, names...)
	kv := append([]string{"CertID", certID, "WebServerType", webServerType, "CSR", csr}, contacts()...)
	return e.call(tb, "CertConfigureCert", kv...), key
}

// submitted buys, configures and submits a certificate for the names, e-mail validated.
func (e *testEnv) submitted(tb testing.TB, service, webServerType string, names ...string) (string, crypto.Signer) {
	tb.Helper()
	id := e.buy(tb, service, "1")
	body, key := e.configure(tb, id, webServerType, names...)
	mustContain(tb, body, "<ErrCount>0</ErrCount>")
	body = e.call(tb, "CertPurchaseCert", "CertID", id, "ApproverEmail", "admin@"+strings.TrimPrefix(names[0], "*."))
	mustContain(tb, body, "<ErrCount>0</ErrCount>", "<Success>True</Success>")
	return id, key
}
