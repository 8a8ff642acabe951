package hexonet_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/provider"
	"github.com/sslreseller/sslreseller/internal/provider/hexonet"
	"github.com/sslreseller/sslreseller/internal/provider/hexonet/hexonetsim"
)

// calls keeps the calls an adapter reports.
type calls struct {
	mu  sync.Mutex
	all []provider.Call
}

func (c *calls) record(_ context.Context, call provider.Call) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.all = append(c.all, call)
}

// adapterEnv is a HEXONET adapter of the default account of a simulator started in-process.
type adapterEnv struct {
	sim   *hexonetsim.Sim
	srv   *httptest.Server
	p     provider.Provider
	calls *calls
	creds hexonetsim.Credentials
}

func newAdapterEnv(tb testing.TB, environment string) *adapterEnv {
	tb.Helper()
	sim := hexonetsim.New(hexonetsim.Options{})
	srv := httptest.NewServer(sim.Handler())
	tb.Cleanup(srv.Close)
	e := &adapterEnv{sim: sim, srv: srv, calls: &calls{}, creds: sim.DefaultCredentials()}
	e.p = e.adapter(tb, environment, e.creds.Login, e.creds.Password)
	tb.Cleanup(func() {
		e.calls.mu.Lock()
		defer e.calls.mu.Unlock()
		for _, c := range e.calls.all {
			if strings.Contains(c.Request+c.Response+c.Error, e.creds.Password) {
				tb.Errorf("call %s leaks the password", c.Command)
			}
		}
	})
	return e
}

func (e *adapterEnv) adapter(tb testing.TB, environment, login, password string) provider.Provider {
	tb.Helper()
	p, err := hexonet.Spec().New(provider.Account{Provider: "hexonet", Environment: environment, Endpoint: e.srv.URL,
		Credentials: map[string]string{hexonet.CredentialLogin: login, hexonet.CredentialPassword: password}},
		provider.Deps{HTTP: e.srv.Client(), Record: e.calls.record})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func hexRequest(tb testing.TB, class, method, approver string, names ...string) provider.Request {
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
		d := provider.DomainDCV{Name: n, Method: method}
		if method == provider.DCVEmail {
			d.ApproverEmail = approver
		}
		dcv = append(dcv, d)
	}
	return provider.Request{Item: class, PeriodMonths: 12, CSR: csr, CommonName: names[0], Names: names, ServerType: "apache", DCV: dcv,
		Contacts: provider.Contacts{
			Admin:        provider.Contact{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com", Phone: "+44 20 7946 0958"},
			Tech:         provider.Contact{FirstName: "Tim", LastName: "Berners", Email: "tim@example.com", Phone: "+44 20 7946 0959"},
			Organization: provider.Organization{Name: "Example Ltd", Line1: "1 Main St", City: "London", PostalCode: "N1 1AA", Country: "GB", Phone: "+44 20 7946 0000"},
		}}
}

func hexPoll(tb testing.TB, p provider.Provider, ref string, req provider.Request, n int) (*provider.Status, int) {
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

func perr(tb testing.TB, err error) *provider.Error {
	tb.Helper()
	var pe *provider.Error
	if !errors.As(err, &pe) {
		tb.Fatalf("error %v (%T) is not a *provider.Error", err, err)
	}
	return pe
}

func TestAdapterSupports(t *testing.T) {
	t.Parallel()
	e := newAdapterEnv(t, hexonet.EnvironmentTest)
	for action, want := range map[string]bool{"approver_emails": true, "reissue": true, "renew_native": true, "revoke": true,
		"cancel": false, "change_dcv": true, "resend_dcv": true, "find": true} {
		if got := provider.Supports(e.p, action); got != want {
			t.Errorf("Supports(%s) = %v, want %v", action, got, want)
		}
	}
	if c := hexonet.Spec().Capabilities; c.Renew != provider.RenewNative || c.Cancel != provider.CancelLocal || c.TestIssues {
		t.Errorf("capabilities %+v", c)
	}
}

func TestAdapterConnectionCatalog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newAdapterEnv(t, hexonet.EnvironmentTest)
	detail, err := e.p.TestConnection(ctx)
	if err != nil || !strings.Contains(detail, "OT&E") || !strings.Contains(detail, e.creds.Login) || !strings.Contains(detail, "1000.00 USD") {
		t.Fatalf("%q %v", detail, err)
	}
	items, err := e.p.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(items, func(it provider.CatalogItem) bool { return it.Code == "COMODO_POSITIVESSL" })
	if i < 0 {
		t.Fatalf("items %+v", items)
	}
	it := items[i]
	if it.Validation != "dv" || it.Periods[0].Months != 12 || it.Periods[0].Cost.Minor != 700 || it.Periods[0].Cost.Currency != "USD" {
		t.Errorf("item %+v", it)
	}
	live := e.adapter(t, hexonet.EnvironmentLive, e.creds.Login, e.creds.Password)
	if d, err := live.TestConnection(ctx); err != nil || !strings.Contains(d, "live system") || strings.Contains(d, "not publicly trusted") {
		t.Errorf("live: %q %v", d, err)
	}
}

// TestAdapterLifecycleHEXONET orders, collects, reissues, renews and revokes a certificate.
func TestAdapterLifecycleHEXONET(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newAdapterEnv(t, hexonet.EnvironmentTest)
	req := hexRequest(t, "COMODO_POSITIVESSL", provider.DCVDNS, "", "polls2.example.com")
	sub, err := e.p.Submit(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if sub.Ref == "" || sub.State != provider.StatePending || !sub.Test || len(sub.DCV) != 1 || sub.DCV[0].Instructions == nil ||
		sub.DCV[0].Instructions.RecordValue == "" {
		t.Fatalf("submission %+v", sub)
	}
	st, n := hexPoll(t, e.p, sub.Ref, req, 6)
	if st.State != provider.StateIssued || n != 2 {
		t.Fatalf("%s after %d polls", st.State, n)
	}
	if err := pki.Verify(st.CertPEM, st.ChainPEM, e.sim.RootPEM(), time.Now(), "polls2.example.com"); err != nil {
		t.Fatal(err)
	}
	re := hexRequest(t, "COMODO_POSITIVESSL", provider.DCVDNS, "", "polls2.example.com")
	if _, err := e.p.(provider.Reissuer).Reissue(ctx, sub.Ref, re); err != nil {
		t.Fatal(err)
	}
	st2, _ := hexPoll(t, e.p, sub.Ref, re, 6)
	if st2.State != provider.StateIssued || string(st2.CertPEM) == string(st.CertPEM) {
		t.Fatalf("reissue %s", st2.State)
	}
	rn := hexRequest(t, "COMODO_POSITIVESSL", provider.DCVDNS, "", "polls2.example.com")
	rsub, err := e.p.(provider.Renewer).Renew(ctx, sub.Ref, rn)
	if err != nil || rsub.Ref == "" || rsub.Ref == sub.Ref {
		t.Fatalf("renew %+v %v", rsub, err)
	}
	if st3, _ := hexPoll(t, e.p, rsub.Ref, rn, 6); st3.State != provider.StateIssued {
		t.Fatalf("renewal %s", st3.State)
	}
	if err := e.p.(provider.Revoker).Revoke(ctx, rsub.Ref, "key_compromise"); err != nil {
		t.Fatal(err)
	}
	if st4, err := e.p.Status(ctx, provider.StatusQuery{Ref: rsub.Ref, Request: rn}); err != nil || st4.State != provider.StateRevoked {
		t.Fatalf("after revoke %+v %v", st4, err)
	}
	err = e.p.(provider.Revoker).Revoke(ctx, rsub.Ref, "because")
	if pe := perr(t, err); pe.Class != provider.Invalid || pe.Field != "reason" {
		t.Errorf("error %+v", pe)
	}
}

func TestAdapterApproversHEXONET(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newAdapterEnv(t, hexonet.EnvironmentTest)
	list, err := e.p.(provider.ApproverLister).ApproverEmails(ctx, "COMODO_POSITIVESSL", "polls5.shop.example.com")
	if err != nil || !slices.Contains(list, "admin@polls5.shop.example.com") {
		t.Fatalf("%v %v", list, err)
	}
	req := hexRequest(t, "COMODO_POSITIVESSL", provider.DCVEmail, "admin@polls5.shop.example.com", "polls5.shop.example.com")
	sub, err := e.p.Submit(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if sub.DCV[0].ApproverEmail != "admin@polls5.shop.example.com" {
		t.Errorf("dcv %+v", sub.DCV)
	}
	dcv, err := e.p.(provider.DCVChanger).ChangeDCV(ctx, sub.Ref, []provider.DomainDCV{{Name: "polls5.shop.example.com", ApproverEmail: list[len(list)-1]}})
	if err != nil || dcv[0].ApproverEmail != list[len(list)-1] {
		t.Fatalf("%+v %v", dcv, err)
	}
	_, err = e.p.(provider.DCVChanger).ChangeDCV(ctx, sub.Ref, []provider.DomainDCV{{Name: "polls5.shop.example.com", Method: "dns"}})
	if pe := perr(t, err); pe.Class != provider.Unsupported {
		t.Errorf("error %+v", pe)
	}
	if err := e.p.(provider.DCVResender).ResendDCV(ctx, sub.Ref); err != nil {
		t.Fatal(err)
	}
	if o, ok := e.sim.Order(hexonetsim.EntityTest, sub.Ref); !ok || o.Resends < 2 {
		t.Errorf("order %+v", o)
	}
	d, err := e.p.(*hexonet.Adapter).DecodeCSR(ctx, req.CSR)
	if err != nil || d == nil {
		t.Fatalf("%+v %v", d, err)
	}
}

func TestAdapterScenariosHEXONET(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name string
		run  func(t *testing.T, e *adapterEnv)
	}{
		{"bad credentials", func(t *testing.T, e *adapterEnv) {
			_, err := e.adapter(t, hexonet.EnvironmentTest, e.creds.Login, "wrong").TestConnection(ctx)
			if pe := perr(t, err); pe.Class != provider.Auth || !strings.Contains(pe.Message, "OT&E") {
				t.Errorf("error %v", err)
			}
		}},
		{"ip not permitted", func(t *testing.T, e *adapterEnv) {
			_, err := e.adapter(t, hexonet.EnvironmentTest, e.creds.Login+"+ipdenied", e.creds.Password).Catalog(ctx)
			if pe := perr(t, err); pe.Class != provider.Auth || !strings.Contains(pe.Message, "IP address") {
				t.Errorf("error %v", err)
			}
		}},
		{"insufficient balance", func(t *testing.T, e *adapterEnv) {
			_, err := e.p.Submit(ctx, hexRequest(t, "COMODO_POSITIVESSL", provider.DCVDNS, "", "nocredit.example.com"))
			if pe := perr(t, err); pe.Class != provider.Temporary || pe.Code != "546" {
				t.Errorf("error %v", err)
			}
			if e.sim.Purchases(hexonetsim.EntityTest) != 0 {
				t.Error("bought anyway")
			}
		}},
		{"temporary 5xx", func(t *testing.T, e *adapterEnv) {
			e.sim.FailNext(1)
			if _, err := e.p.Catalog(ctx); provider.ClassOf(err) != provider.Temporary || err == nil {
				t.Errorf("error %v", err)
			}
		}},
		{"slow answers", func(t *testing.T, e *adapterEnv) {
			e.sim.SetDelay(2 * time.Second)
			c, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
			defer cancel()
			if _, err := e.p.TestConnection(c); err == nil || provider.ClassOf(err) != provider.Temporary {
				t.Errorf("error %v", err)
			}
		}},
		{"malformed body", func(t *testing.T, e *adapterEnv) {
			e.sim.MalformedNext(1)
			if _, err := e.p.Catalog(ctx); err == nil || provider.ClassOf(err) != provider.Temporary {
				t.Errorf("error %v", err)
			}
		}},
		{"reject", func(t *testing.T, e *adapterEnv) {
			req := hexRequest(t, "COMODO_POSITIVESSL", provider.DCVDNS, "", "reject.example.com")
			sub, err := e.p.Submit(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			st, _ := hexPoll(t, e.p, sub.Ref, req, 6)
			if st.State != provider.StateRejected || !strings.HasPrefix(st.Reason, "HEXONET") {
				t.Errorf("status %+v", st)
			}
		}},
		{"issue after N polls", func(t *testing.T, e *adapterEnv) {
			req := hexRequest(t, "COMODO_POSITIVESSL", provider.DCVDNS, "", "polls4.example.com")
			sub, err := e.p.Submit(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if st, n := hexPoll(t, e.p, sub.Ref, req, 8); st.State != provider.StateIssued || n != 4 {
				t.Errorf("%s after %d", st.State, n)
			}
		}},
		{"local validation", func(t *testing.T, e *adapterEnv) {
			req := hexRequest(t, "COMODO_POSITIVESSL", provider.DCVEmail, "", "a.example.com")
			_, err := e.p.Submit(ctx, req)
			if pe := perr(t, err); pe.Class != provider.Invalid || pe.Field != "approver_email" {
				t.Errorf("error %+v", pe)
			}
			req.PeriodMonths = 18
			_, err = e.p.Submit(ctx, req)
			if pe := perr(t, err); pe.Class != provider.Invalid || pe.Field != "period_months" {
				t.Errorf("error %+v", pe)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, newAdapterEnv(t, hexonet.EnvironmentTest))
		})
	}
}

// TestAdapterFindHEXONET loses the answer to a purchase and finds the order by its name and date.
func TestAdapterFindHEXONET(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newAdapterEnv(t, hexonet.EnvironmentTest)
	started := time.Now()
	req := hexRequest(t, "COMODO_POSITIVESSL", provider.DCVDNS, "", "lost.example.com")
	if _, err := e.p.Submit(ctx, req); err == nil || provider.ClassOf(err) != provider.Temporary {
		t.Fatalf("error %v", err)
	}
	if e.sim.Purchases(hexonetsim.EntityTest) != 1 {
		t.Fatal("not bought")
	}
	finder := e.p.(provider.Finder)
	q := provider.FindQuery{Names: []string{"lost.example.com"}, Since: started.Add(-10 * time.Minute)}
	found, err := finder.Find(ctx, q)
	if err != nil || len(found) != 1 || found[0].ByOurRef || found[0].CommonName != "lost.example.com" {
		t.Fatalf("found %+v %v", found, err)
	}
	if st, _ := hexPoll(t, e.p, found[0].Ref, req, 6); st.State != provider.StateIssued {
		t.Fatalf("state %s", st.State)
	}
	if f, _ := finder.Find(ctx, provider.FindQuery{Names: []string{"other.example.com"}, Since: q.Since}); len(f) != 0 {
		t.Errorf("found %+v", f)
	}
	if _, err := e.p.Submit(ctx, hexRequest(t, "COMODO_POSITIVESSL", provider.DCVDNS, "", "lost.example.com")); err != nil {
		t.Fatal(err)
	}
	if found, err := finder.Find(ctx, q); err != nil || len(found) != 2 {
		t.Fatalf("found %+v %v", found, err)
	}
}
