package sectigo_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/provider"
	"github.com/sslreseller/sslreseller/internal/provider/sectigo"
	"github.com/sslreseller/sslreseller/internal/provider/sectigo/sectigosim"
)

// clock is a test clock the adapter's poll limiter reads.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// sectigoEnv is a Sectigo adapter of the default account of a simulator started in-process.
type sectigoEnv struct {
	sim   *sectigosim.Sim
	srv   *httptest.Server
	p     provider.Provider
	acct  sectigosim.Account
	clock *clock
}

func newSectigoEnv(tb testing.TB, environment string, opts sectigosim.Options) *sectigoEnv {
	tb.Helper()
	sim := sectigosim.New(opts)
	srv := httptest.NewServer(sim.Handler())
	tb.Cleanup(srv.Close)
	e := &sectigoEnv{sim: sim, srv: srv, acct: sim.DefaultAccount(), clock: &clock{t: time.Now()}}
	e.p = e.adapter(tb, environment, e.acct.LoginName, e.acct.LoginPassword)
	return e
}

func (e *sectigoEnv) adapter(tb testing.TB, environment, login, password string) provider.Provider {
	tb.Helper()
	p, err := sectigo.Spec().New(provider.Account{Provider: "sectigo", Environment: environment, Endpoint: e.srv.URL,
		Credentials: map[string]string{sectigo.CredLoginName: login, sectigo.CredLoginPassword: password}},
		provider.Deps{HTTP: e.srv.Client(), Now: e.clock.now})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func sectigoRequest(tb testing.TB, method, approver string, names ...string) provider.Request {
	tb.Helper()
	key, err := pki.GenerateKey(pki.KeyECDSAP256)
	if err != nil {
		tb.Fatal(err)
	}
	csr, err := pki.CreateCSR(key, pki.Subject{Organization: "Example Ltd", Country: "GB"}, names)
	if err != nil {
		tb.Fatal(err)
	}
	var dcv []provider.DomainDCV
	for _, n := range names {
		dcv = append(dcv, provider.DomainDCV{Name: n, Method: method, ApproverEmail: approver})
	}
	return provider.Request{Ref: uuid.NewString(), Item: "287", PeriodMonths: 12, Validation: "dv", CSR: csr, CommonName: names[0], Names: names,
		ServerType: "nginx", DCV: dcv, Contacts: provider.Contacts{
			Admin:        provider.Contact{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com", Phone: "+44 20 7946 0958"},
			Tech:         provider.Contact{FirstName: "Tim", LastName: "Berners", Email: "tim@example.com"},
			Organization: provider.Organization{Name: "Example Ltd", Line1: "1 Main St", City: "London", PostalCode: "N1 1AA", Country: "GB"},
		}}
}

func sectigoPoll(tb testing.TB, p provider.Provider, ref string, req provider.Request, n int) (*provider.Status, int) {
	tb.Helper()
	for i := 1; i <= n; i++ {
		st, err := p.Status(context.Background(), provider.StatusQuery{Ref: ref, Request: req})
		if err != nil {
			tb.Fatalf("poll %d: %v", i, err)
		}
		if st.State != provider.StatePending {
			return st, i
		}
	}
	tb.Fatalf("still pending after %d polls", n)
	return nil, 0
}

func asErr(tb testing.TB, err error) *provider.Error {
	tb.Helper()
	var pe *provider.Error
	if !errors.As(err, &pe) {
		tb.Fatalf("error %v (%T) is not a *provider.Error", err, err)
	}
	return pe
}

func TestAdapterSupportsSectigo(t *testing.T) {
	t.Parallel()
	e := newSectigoEnv(t, sectigo.EnvironmentTest, sectigosim.Options{})
	for action, want := range map[string]bool{"approver_emails": true, "reissue": true, "renew_native": false, "revoke": true,
		"cancel": true, "change_dcv": true, "resend_dcv": true, "find": true} {
		if got := provider.Supports(e.p, action); got != want {
			t.Errorf("Supports(%s) = %v, want %v", action, got, want)
		}
	}
	ctx := context.Background()
	detail, err := e.p.TestConnection(ctx)
	if err != nil || !strings.Contains(detail, "Test mode") || !strings.Contains(detail, e.acct.LoginName) {
		t.Fatalf("%q %v", detail, err)
	}
	items, err := e.p.Catalog(ctx)
	if err != nil || !slices.ContainsFunc(items, func(it provider.CatalogItem) bool { return it.Code == "287" && it.Periods[0].Cost == nil }) {
		t.Fatalf("%+v %v", items, err)
	}
}

// TestAdapterTestOrdersSectigo: test=Y orders are marked as test orders and never issue.
func TestAdapterTestOrdersSectigo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newSectigoEnv(t, sectigo.EnvironmentTest, sectigosim.Options{})
	req := sectigoRequest(t, provider.DCVDNS, "", "polls1.example.com")
	sub, err := e.p.Submit(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !sub.Test {
		t.Errorf("submission %+v is not marked as a test order", sub)
	}
	if o, ok := e.sim.Order(sub.Ref); !ok || !o.Test || o.ForeignOrderNumber != req.Ref {
		t.Errorf("order %+v", o)
	}
	for range 4 {
		st, err := e.p.Status(ctx, provider.StatusQuery{Ref: sub.Ref, Request: req})
		if err != nil || st.State != provider.StatePending || !strings.Contains(st.Raw, "test order") {
			t.Fatalf("%+v %v", st, err)
		}
	}
}

// TestAdapterLifecycleSectigo orders, collects, reissues, changes and resends DCV, revokes, and
// cancels another order with a refund.
func TestAdapterLifecycleSectigo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newSectigoEnv(t, sectigo.EnvironmentTest, sectigosim.Options{IssueTestOrders: true})
	list, err := e.p.(provider.ApproverLister).ApproverEmails(ctx, "287", "polls2.example.com")
	if err != nil || !slices.Contains(list, "admin@polls2.example.com") {
		t.Fatalf("%v %v", list, err)
	}
	req := sectigoRequest(t, provider.DCVHTTP, "", "polls2.example.com")
	sub, err := e.p.Submit(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	in := sub.DCV[0].Instructions
	if in == nil || in.Method != provider.DCVHTTP || !strings.HasPrefix(in.FilePath, "/.well-known/pki-validation/") || in.FileContent == "" {
		t.Fatalf("dcv %+v", sub.DCV)
	}
	dcv, err := e.p.(provider.DCVChanger).ChangeDCV(ctx, sub.Ref, []provider.DomainDCV{{Name: "polls2.example.com", Method: "email", ApproverEmail: "admin@polls2.example.com"}})
	if err != nil || dcv[0].ApproverEmail != "admin@polls2.example.com" {
		t.Fatalf("%+v %v", dcv, err)
	}
	if err := e.p.(provider.DCVResender).ResendDCV(ctx, sub.Ref); err != nil {
		t.Fatal(err)
	}
	if o, _ := e.sim.Order(sub.Ref); o.Resends != 1 {
		t.Errorf("resends %d", o.Resends)
	}
	st, n := sectigoPoll(t, e.p, sub.Ref, req, 6)
	if st.State != provider.StateIssued || n != 2 {
		t.Fatalf("%s after %d", st.State, n)
	}
	if err := pki.Verify(st.CertPEM, st.ChainPEM, e.sim.RootPEM(), time.Now(), "polls2.example.com"); err != nil {
		t.Fatal(err)
	}
	re := sectigoRequest(t, provider.DCVDNS, "", "polls2.example.com")
	if _, err := e.p.(provider.Reissuer).Reissue(ctx, sub.Ref, re); err != nil {
		t.Fatal(err)
	}
	st2, _ := sectigoPoll(t, e.p, sub.Ref, re, 6)
	if st2.State != provider.StateIssued || string(st2.CertPEM) == string(st.CertPEM) {
		t.Fatalf("reissue %s", st2.State)
	}
	if err := e.p.(provider.Revoker).Revoke(ctx, sub.Ref, "superseded"); err != nil {
		t.Fatal(err)
	}
	// test=Y: Sectigo accepts the revocation but only pretends (live mode revokes: TestAdapterLivePollingSectigo).
	if o, _ := e.sim.Order(sub.Ref); o.State == sectigosim.StateRevoked {
		t.Errorf("a test order was revoked: %+v", o)
	}
	other := sectigoRequest(t, provider.DCVDNS, "", "pending.example.com")
	sub2, err := e.p.Submit(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	refunded, err := e.p.(provider.Canceller).Cancel(ctx, sub2.Ref)
	if err != nil || !refunded {
		t.Fatalf("cancel %v %v", refunded, err)
	}
	if st, err := e.p.Status(ctx, provider.StatusQuery{Ref: sub2.Ref, Request: other}); err != nil || st.State != provider.StateCancelled {
		t.Fatalf("after cancel %+v %v", st, err)
	}
	d, err := e.p.(*sectigo.Adapter).DecodeCSR(ctx, req.CSR)
	if err != nil || d == nil {
		t.Fatalf("%+v %v", d, err)
	}
}

// TestAdapterLivePollingSectigo: in live mode an order is polled at most every three hours.
func TestAdapterLivePollingSectigo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newSectigoEnv(t, sectigo.EnvironmentLive, sectigosim.Options{})
	req := sectigoRequest(t, provider.DCVDNS, "", "polls2.example.com")
	sub, err := e.p.Submit(ctx, req)
	if err != nil || sub.Test {
		t.Fatalf("%+v %v", sub, err)
	}
	if _, err := e.p.Status(ctx, provider.StatusQuery{Ref: sub.Ref, Request: req}); err != nil {
		t.Fatal(err)
	}
	polls := e.sim.Requests("CollectSSL")
	_, err = e.p.Status(ctx, provider.StatusQuery{Ref: sub.Ref, Request: req})
	if pe := asErr(t, err); pe.Class != provider.Temporary {
		t.Errorf("error %+v", pe)
	}
	if e.sim.Requests("CollectSSL") != polls {
		t.Error("polled again within three hours")
	}
	e.clock.add(3*time.Hour + time.Minute)
	if st, err := e.p.Status(ctx, provider.StatusQuery{Ref: sub.Ref, Request: req}); err != nil || st.State != provider.StateIssued {
		t.Fatalf("%+v %v", st, err)
	}
	if err := e.p.(provider.Revoker).Revoke(ctx, sub.Ref, "key_compromise"); err != nil {
		t.Fatal(err)
	}
	e.clock.add(3*time.Hour + time.Minute)
	if st, err := e.p.Status(ctx, provider.StatusQuery{Ref: sub.Ref, Request: req}); err != nil || st.State != provider.StateRevoked {
		t.Fatalf("after revoke %+v %v", st, err)
	}
}

func TestAdapterScenariosSectigo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name string
		run  func(t *testing.T, e *sectigoEnv)
	}{
		{"bad credentials", func(t *testing.T, e *sectigoEnv) {
			_, err := e.adapter(t, sectigo.EnvironmentTest, e.acct.LoginName, "wrong").TestConnection(ctx)
			if pe := asErr(t, err); pe.Class != provider.Auth || strings.Contains(pe.Error(), e.acct.LoginPassword) {
				t.Errorf("error %v", err)
			}
		}},
		{"ip not permitted", func(t *testing.T, e *sectigoEnv) {
			_, err := e.adapter(t, sectigo.EnvironmentTest, "ipblocked-"+e.acct.LoginName, e.acct.LoginPassword).TestConnection(ctx)
			if pe := asErr(t, err); pe.Class != provider.Auth || !strings.Contains(pe.Message, "IP") {
				t.Errorf("error %v", err)
			}
		}},
		{"insufficient balance", func(t *testing.T, e *sectigoEnv) {
			_, err := e.adapter(t, sectigo.EnvironmentLive, e.acct.LoginName, e.acct.LoginPassword).Submit(ctx,
				sectigoRequest(t, provider.DCVDNS, "", "nocredit.example.com"))
			if pe := asErr(t, err); pe.Class != provider.Temporary {
				t.Errorf("error %v", err)
			}
		}},
		{"temporary 5xx", func(t *testing.T, e *sectigoEnv) {
			e.sim.FailNext(1, 503)
			if _, err := e.p.TestConnection(ctx); err == nil || provider.ClassOf(err) != provider.Temporary {
				t.Errorf("error %v", err)
			}
		}},
		{"slow answers", func(t *testing.T, e *sectigoEnv) {
			e.sim.SetDelay(2 * time.Second)
			c, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
			defer cancel()
			if _, err := e.p.TestConnection(c); err == nil || provider.ClassOf(err) != provider.Temporary {
				t.Errorf("error %v", err)
			}
		}},
		{"malformed body", func(t *testing.T, e *sectigoEnv) {
			e.sim.MalformNext(1)
			if _, err := e.p.TestConnection(ctx); err == nil || provider.ClassOf(err) != provider.Temporary {
				t.Errorf("error %v", err)
			}
		}},
		{"reject", func(t *testing.T, e *sectigoEnv) {
			req := sectigoRequest(t, provider.DCVDNS, "", "reject.example.com")
			sub, err := e.p.Submit(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			st, _ := sectigoPoll(t, e.p, sub.Ref, req, 6)
			if st.State != provider.StateRejected || !strings.HasPrefix(st.Reason, "Sectigo") {
				t.Errorf("status %+v", st)
			}
		}},
		{"issue after N polls", func(t *testing.T, e *sectigoEnv) {
			req := sectigoRequest(t, provider.DCVDNS, "", "polls4.example.com")
			sub, err := e.p.Submit(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if st, n := sectigoPoll(t, e.p, sub.Ref, req, 8); st.State != provider.StateIssued || n != 4 {
				t.Errorf("%s after %d", st.State, n)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, newSectigoEnv(t, sectigo.EnvironmentTest, sectigosim.Options{IssueTestOrders: true}))
		})
	}
}

// TestAdapterFindSectigo loses the answer to an order and finds it by our reference; an order for the
// name without a reference is found by name.
func TestAdapterFindSectigo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newSectigoEnv(t, sectigo.EnvironmentTest, sectigosim.Options{IssueTestOrders: true})
	since := time.Now().Add(-10 * time.Minute)
	req := sectigoRequest(t, provider.DCVDNS, "", "lost.example.com")
	if _, err := e.p.Submit(ctx, req); err == nil || provider.ClassOf(err) != provider.Temporary {
		t.Fatalf("error %v", err)
	}
	finder := e.p.(provider.Finder)
	found, err := finder.Find(ctx, provider.FindQuery{Ref: req.Ref, Names: req.Names, Since: since})
	if err != nil || len(found) != 1 || !found[0].ByOurRef {
		t.Fatalf("found %+v %v", found, err)
	}
	if st, _ := sectigoPoll(t, e.p, found[0].Ref, req, 6); st.State != provider.StateIssued {
		t.Fatalf("state %s", st.State)
	}
	found, err = finder.Find(ctx, provider.FindQuery{Ref: uuid.NewString(), Names: []string{"other.example.com"}, Since: since})
	if err != nil || len(found) != 0 {
		t.Fatalf("found %+v %v", found, err)
	}
}
