package sandbox

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/provider"
)

func TestReissue(t *testing.T) {
	t.Parallel()
	f := newFixture(t, today, nil)
	ctx := context.Background()
	orig := request(t, "iss-1", ItemDV, "example.com")
	if _, err := f.a.Submit(ctx, orig); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(today.Add(time.Hour))
	old, oldCert := issuedCert(t, f, provider.StatusQuery{Ref: "sbx-iss-1", Request: orig, SubmittedAt: today})

	// A new key for the same name, 60 days later.
	reissuedAt := today.Add(60 * day)
	f.clock.Set(reissuedAt)
	next := request(t, "iss-2", ItemDV, "example.com")
	next.PeriodMonths = 0
	sub, err := f.a.Reissue(ctx, "sbx-iss-1", next)
	if err != nil {
		t.Fatal(err)
	}
	if sub.Ref != "sbx-iss-2" || sub.State != provider.StatePending || len(sub.DCV) != 1 {
		t.Fatalf("reissue %+v", sub)
	}
	f.clock.Set(reissuedAt.Add(time.Minute))
	st, cert := issuedCert(t, f, provider.StatusQuery{Ref: sub.Ref, Request: next, SubmittedAt: reissuedAt})
	if cert.SerialNumber.Cmp(oldCert.SerialNumber) == 0 || bytes.Equal(st.CertPEM, old.CertPEM) {
		t.Fatal("the reissue has the old certificate's serial")
	}
	if got := cert.NotAfter.Sub(cert.NotBefore) + time.Second; got != 200*day {
		t.Errorf("a reissue without a period gets %s, want the maximum", got)
	}
	if err := pki.Verify(st.CertPEM, st.ChainPEM, f.a.RootPEM(), f.clock.Now(), "example.com"); err != nil {
		t.Fatal(err)
	}

	refusals := []struct {
		name  string
		ref   string
		req   provider.Request
		class provider.Class
		field string
	}{
		{"unknown reference", "12345", next, provider.NotFound, ""},
		{"the same reference", "sbx-iss-2", next, provider.Invalid, "ref"},
		{"wildcard on a single-name item", "sbx-iss-1", request(t, "iss-3", ItemDV, "*.example.com"), provider.Invalid, "domains"},
		{"weak key", "sbx-iss-1", func() provider.Request {
			r := request(t, "iss-4", ItemDV, "example.com")
			r.CSR = weakCSR(t, "example.com")
			return r
		}(), provider.Invalid, "csr"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := f.a.Reissue(ctx, tt.ref, tt.req)
			wantProviderError(t, err, tt.class, tt.field)
		})
	}
}

func TestRenew(t *testing.T) {
	t.Parallel()
	f := newFixture(t, today, nil)
	ctx := context.Background()
	req := request(t, "ren-2", ItemDVMulti, "example.com", "www.example.com")
	sub, err := f.a.Renew(ctx, "sbx-ren-1", req)
	if err != nil {
		t.Fatal(err)
	}
	if sub.Ref != "sbx-ren-2" || sub.State != provider.StatePending {
		t.Fatalf("renewal %+v", sub)
	}
	again, err := f.a.Renew(ctx, "sbx-ren-1", req)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sub, again); diff != "" {
		t.Errorf("renewing with the same reference differs:\n%s", diff)
	}

	noPeriod := req
	noPeriod.PeriodMonths = 0
	refusals := []struct {
		name  string
		ref   string
		req   provider.Request
		class provider.Class
		field string
	}{
		{"unknown reference", "ABC-1", req, provider.NotFound, ""},
		{"no period", "sbx-ren-1", noPeriod, provider.Invalid, "period_months"},
		{"the same reference", "sbx-ren-2", req, provider.Invalid, "ref"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := f.a.Renew(ctx, tt.ref, tt.req)
			wantProviderError(t, err, tt.class, tt.field)
		})
	}
}

func TestRevoke(t *testing.T) {
	t.Parallel()
	f := newFixture(t, today, nil)
	tests := []struct {
		ref, reason string
		class       provider.Class // "" for accepted
		field       string
	}{
		{"sbx-r", "unspecified", "", ""},
		{"sbx-r", "key_compromise", "", ""},
		{"sbx-r", "affiliation_changed", "", ""},
		{"sbx-r", "superseded", "", ""},
		{"sbx-r", "cessation_of_operation", "", ""},
		{"sbx-r", "", "", ""},
		{"sbx-r", "ca_compromise", provider.Invalid, "reason"},
		{"sbx-r", "Key Compromise", provider.Invalid, "reason"},
		{"r", "superseded", provider.NotFound, ""},
		{"sbx-", "superseded", provider.NotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.ref+"/"+tt.reason, func(t *testing.T) {
			t.Parallel()
			err := f.a.Revoke(context.Background(), tt.ref, tt.reason)
			if tt.class == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantProviderError(t, err, tt.class, tt.field)
		})
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	f := newFixture(t, today, nil)
	refunded, err := f.a.Cancel(context.Background(), "sbx-c1")
	if err != nil || !refunded {
		t.Fatalf("cancel: refunded %t, %v", refunded, err)
	}
	refunded, err = f.a.Cancel(context.Background(), "c1")
	if refunded {
		t.Error("refunded an unknown reference")
	}
	wantProviderError(t, err, provider.NotFound, "")
}

func TestChangeDCV(t *testing.T) {
	t.Parallel()
	f := newFixture(t, today, nil)
	ctx := context.Background()
	req := request(t, "chg", ItemDVMulti, "example.com", "www.example.com", "api.shop.example.com")
	sub, err := f.a.Submit(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.a.ChangeDCV(ctx, sub.Ref, []provider.DomainDCV{
		{Name: "www.example.com", Method: provider.DCVHTTP},
		{Name: "API.shop.example.com", Method: provider.DCVEmail, ApproverEmail: "postmaster@shop.example.com"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "www.example.com" || got[1].Name != "api.shop.example.com" {
		t.Fatalf("changed %+v", got)
	}
	for _, d := range got {
		if d.Status != "pending" {
			t.Errorf("%s: status %s", d.Name, d.Status)
		}
		checkInstructions(t, d)
	}
	// The new instructions are those Status then shows for the changed request.
	req.DCV[1], req.DCV[2] = got[0], got[1]
	st, err := f.a.Status(ctx, provider.StatusQuery{Ref: sub.Ref, Request: req, SubmittedAt: today})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, st.DCV[1:]); diff != "" {
		t.Errorf("status after the change (-change +status):\n%s", diff)
	}

	refusals := []struct {
		name  string
		now   time.Time
		ref   string
		dcv   []provider.DomainDCV
		class provider.Class
		field string
	}{
		{"unknown reference", today, "x", []provider.DomainDCV{{Name: "example.com", Method: "dns"}}, provider.NotFound, ""},
		{"nothing to change", today, sub.Ref, nil, provider.Invalid, "domains"},
		{"not a domain", today, sub.Ref, []provider.DomainDCV{{Name: "exa mple.com", Method: "dns"}}, provider.Invalid, "domains"},
		{"approver not in the list", today, sub.Ref, []provider.DomainDCV{{Name: "example.com", Method: "email", ApproverEmail: "me@example.com"}},
			provider.Invalid, "approver_email"},
		{"e-mail after 2028-03-15", at(2028, time.April, 1, 0, 0, 0), sub.Ref,
			[]provider.DomainDCV{{Name: "example.com", Method: "email", ApproverEmail: "admin@example.com"}}, provider.Invalid, "dcv_method"},
		{"http for a wildcard", today, sub.Ref, []provider.DomainDCV{{Name: "*.shop.example.com", Method: "http"}}, provider.Invalid, "dcv_method"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := newFixture(t, today, nil)
			g.clock.Set(tt.now)
			_, err := g.a.ChangeDCV(ctx, tt.ref, tt.dcv)
			wantProviderError(t, err, tt.class, tt.field)
		})
	}
}

func TestResendDCV(t *testing.T) {
	t.Parallel()
	f := newFixture(t, today, nil)
	if err := f.a.ResendDCV(context.Background(), "sbx-ok"); err != nil {
		t.Fatal(err)
	}
	wantProviderError(t, f.a.ResendDCV(context.Background(), "ok"), provider.NotFound, "")
}

func TestFind(t *testing.T) {
	t.Parallel()
	f := newFixture(t, today, nil)
	since := today.Add(-time.Minute)
	tests := []struct {
		name string
		q    provider.FindQuery
		want []provider.Found
	}{
		{"by our reference", provider.FindQuery{Ref: "f1", Names: []string{"Example.com", "www.example.com"}, Since: since},
			[]provider.Found{{Ref: "sbx-f1", State: provider.StatePending, CommonName: "example.com", SubmittedAt: since, ByOurRef: true}}},
		{"rejected names", provider.FindQuery{Ref: "f2", Names: []string{"shop.reject.test"}, Since: since},
			[]provider.Found{{Ref: "sbx-f2", State: provider.StateRejected, CommonName: "shop.reject.test", SubmittedAt: since, ByOurRef: true}}},
		{"without a time", provider.FindQuery{Ref: "f3"},
			[]provider.Found{{Ref: "sbx-f3", State: provider.StatePending, SubmittedAt: today, ByOurRef: true}}},
		{"without our reference nothing is listed", provider.FindQuery{Names: []string{"example.com"}, Since: since}, []provider.Found{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := f.a.Find(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("found (-want +got):\n%s", diff)
			}
		})
	}
	// What Find answers is the order Submit makes for the same reference.
	req := request(t, "f1", ItemDV, "example.com")
	sub, err := f.a.Submit(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if sub.Ref != tests[0].want[0].Ref {
		t.Errorf("Submit gave %s, Find %s", sub.Ref, tests[0].want[0].Ref)
	}
}
