package hexonetsim

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sslreseller/sslreseller/internal/pki"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, time.June, 1, 10, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is a simulator behind a real HTTP server.
type fixture struct {
	sim   *Sim
	srv   *httptest.Server
	clock *clock
	creds Credentials
}

func newFixture(tb testing.TB, opts Options) *fixture {
	tb.Helper()
	c := newClock()
	if opts.Now == nil {
		opts.Now = c.Now
	}
	s := New(opts)
	srv := httptest.NewServer(s.Handler())
	tb.Cleanup(srv.Close)
	return &fixture{sim: s, srv: srv, clock: c, creds: s.DefaultCredentials()}
}

// post sends raw form fields and returns the HTTP status and body.
func (f *fixture) post(tb testing.TB, form url.Values) (int, string) {
	tb.Helper()
	resp, err := http.PostForm(f.srv.URL+Path, form)
	if err != nil {
		tb.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("read: %v", err)
	}
	return resp.StatusCode, string(b)
}

// cmd sends a command (KEY=VALUE lines) as the default account in the OT&E entity.
func (f *fixture) cmd(tb testing.TB, lines ...string) string {
	tb.Helper()
	return f.cmdAs(tb, EntityTest, f.creds, lines...)
}

func (f *fixture) cmdAs(tb testing.TB, entity string, creds Credentials, lines ...string) string {
	tb.Helper()
	status, body := f.post(tb, url.Values{
		"s_entity": {entity}, "s_login": {creds.Login}, "s_pw": {creds.Password},
		"s_command": {strings.Join(lines, "\n")},
	})
	if status != http.StatusOK {
		tb.Fatalf("HTTP %d: %s", status, body)
	}
	return body
}

// wantContains fails unless body has every substring.
func wantContains(tb testing.TB, body string, subs ...string) {
	tb.Helper()
	for _, s := range subs {
		if !strings.Contains(body, s) {
			tb.Errorf("body lacks %q:\n%s", s, body)
		}
	}
}

// prop returns the values of PROPERTY[name] in a body, in index order.
func prop(body, name string) []string {
	re := regexp.MustCompile(`(?m)^PROPERTY\[` + regexp.QuoteMeta(name) + `\]\[(\d+)\] =(?: (.*?))?\r?$`)
	type iv struct {
		i int
		v string
	}
	var out []iv
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		n := 0
		for _, d := range m[1] {
			n = n*10 + int(d-'0')
		}
		out = append(out, iv{n, m[2]})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].i < out[b].i })
	vals := make([]string, len(out))
	for i, o := range out {
		vals[i] = o.v
	}
	return vals
}

func first(body, name string) string {
	if v := prop(body, name); len(v) > 0 {
		return v[0]
	}
	return ""
}

// csrFor makes a key and a CSR for names (the first is the common name), returned as CSRn lines.
func csrFor(tb testing.TB, keyType string, names ...string) (crypto.Signer, string, []string) {
	tb.Helper()
	key, err := pki.GenerateKey(keyType)
	if err != nil {
		tb.Fatalf("GenerateKey: %v", err)
	}
	csr, err := pki.CreateCSR(key, pki.Subject{CommonName: names[0], Organization: "Example Ltd", Country: "GB"}, names[1:])
	if err != nil {
		tb.Fatalf("CreateCSR: %v", err)
	}
	var lines []string
	for i, l := range strings.Split(strings.TrimSpace(string(csr)), "\n") {
		lines = append(lines, "CSR"+itoa(i)+"="+l)
	}
	return key, string(csr), lines
}

// joinPEM rebuilds a PEM text from one-line-per-index values.
func joinPEM(lines []string) string { return strings.Join(lines, "\n") + "\n" }

func parseCert(tb testing.TB, pemText string) *x509.Certificate {
	tb.Helper()
	b, _ := pem.Decode([]byte(pemText))
	if b == nil {
		tb.Fatalf("no PEM in %q", pemText)
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		tb.Fatalf("ParseCertificate: %v", err)
	}
	return c
}

// samePublicKey reports whether two public keys are equal.
func samePublicKey(a, b crypto.PublicKey) bool {
	k, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(b)
}
