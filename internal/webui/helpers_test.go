package webui_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/app/apptest"
	"github.com/sslreseller/sslreseller/internal/audit"
)

// visitor is a browser without JavaScript: a cookie jar, no automatic redirects.
type visitor struct {
	t    *testing.T
	s    *apptest.Server
	c    *http.Client
	host string // Host header to send, "" for the server's own
}

func newVisitor(t *testing.T, s *apptest.Server) *visitor {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &visitor{t: t, s: s, c: &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// page is one answer: status, headers and body.
type page struct {
	Status int
	Header http.Header
	Body   string
}

// Location is the redirect target.
func (p page) Location() string { return p.Header.Get("Location") }

func (v *visitor) do(method, path string, form url.Values, hdr ...string) page {
	v.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, v.s.URL+path, body)
	if err != nil {
		v.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if v.host != "" {
		req.Host = v.host
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := v.c.Do(req)
	if err != nil {
		v.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		v.t.Fatal(err)
	}
	return page{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

func (v *visitor) get(path string, hdr ...string) page {
	v.t.Helper()
	return v.do(http.MethodGet, path, nil, hdr...)
}

func (v *visitor) post(path string, form url.Values, hdr ...string) page {
	v.t.Helper()
	return v.do(http.MethodPost, path, form, hdr...)
}

// login signs in through a sign-in form and expects to be sent on.
func (v *visitor) login(path, email, pw string) {
	v.t.Helper()
	p := v.post(path, url.Values{"email": {email}, "password": {pw}})
	if p.Status != http.StatusSeeOther {
		v.t.Fatalf("sign in at %s as %s: %d\n%s", path, email, p.Status, p.Body)
	}
}

func want(t *testing.T, p page, status int, contains ...string) {
	t.Helper()
	if p.Status != status {
		t.Errorf("status %d, want %d\n%.2000s", p.Status, status, p.Body)
	}
	for _, c := range contains {
		if !strings.Contains(p.Body, c) {
			t.Errorf("page lacks %q\n%.3000s", c, p.Body)
		}
	}
}

// noInline checks the page needs nothing the CSP forbids.
func noInline(t *testing.T, p page) {
	t.Helper()
	if strings.Contains(p.Body, "style=") || strings.Contains(p.Body, "<style") {
		t.Error("page has inline styles")
	}
	for _, m := range regexp.MustCompile(`<script[^>]*>`).FindAllString(p.Body, -1) {
		if !strings.Contains(m, " src=") {
			t.Errorf("inline script: %s", m)
		}
	}
	if strings.Contains(p.Body, " on") && regexp.MustCompile(`\son[a-z]+="`).MatchString(p.Body) {
		t.Error("page has inline event handlers")
	}
}

// link returns the unescaped href of the first <a> whose text contains label.
func link(t *testing.T, p page, label string) string {
	t.Helper()
	for _, m := range regexp.MustCompile(`(?s)<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>`).FindAllStringSubmatch(p.Body, -1) {
		if strings.Contains(m[2], label) {
			return html.UnescapeString(m[1])
		}
	}
	return ""
}

func actorCtx() context.Context {
	return audit.WithActor(context.Background(), audit.Actor{Type: audit.ActorCLI, Label: "test"})
}

func addUser(t *testing.T, s *apptest.Server, email, role string) {
	t.Helper()
	if _, err := s.App.Accounts.CreateUser(actorCtx(), s.Tenant.ID, account.UserInput{Email: email, Name: role + " user", Role: role,
		Password: "a good password"}); err != nil {
		t.Fatal(err)
	}
}

func clientForm(email string) url.Values {
	return url.Values{"email": {email}, "first_name": {"Ada"}, "last_name": {"Lovelace"}, "organization": {"Engines"},
		"phone": {""}, "address.line1": {""}, "address.line2": {""}, "address.city": {""}, "address.state": {""},
		"address.postal_code": {""}, "address.country": {"GB"}}
}
