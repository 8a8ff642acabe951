package sandbox

import (
	"bytes"
	"context"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sslreseller/sslreseller/internal/money"
	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/provider"
)

func TestSpec(t *testing.T) {
	t.Parallel()
	s := Spec()
	if s.Name != "sandbox" || s.Title != "Sandbox (built-in test CA)" || len(s.Credentials) != 0 || s.LiveOnly {
		t.Fatalf("spec: %+v", s)
	}
	defaults := map[string]string{}
	for _, k := range s.Settings {
		defaults[k.Name] = k.Default
	}
	if diff := cmp.Diff(map[string]string{"approve_after": "30s", "reject_suffix": "reject.test"}, defaults); diff != "" {
		t.Errorf("settings (-want +got):\n%s", diff)
	}
	want := provider.Capabilities{CatalogCosts: true, ApproverEmails: true, DecodeCSR: false, Reissue: true,
		Renew: provider.RenewNative, Revoke: true, Cancel: provider.CancelRefund, ChangeDCV: true, ResendDCV: true,
		Find: true, DCVMethods: []string{"email", "http", "dns"}, TestIssues: true, MinPoll: 0}
	if diff := cmp.Diff(want, s.Capabilities); diff != "" {
		t.Errorf("capabilities (-want +got):\n%s", diff)
	}

	// The registry's New and Init build a working adapter that implements every capability it claims.
	acct := provider.Account{Provider: "sandbox", Name: "Spec", Settings: defaults}
	state, err := s.Init(context.Background(), acct, today)
	if err != nil {
		t.Fatal(err)
	}
	acct.State = state
	p, err := s.New(acct, provider.Deps{Now: func() time.Time { return today }, Record: provider.NopRecorder})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.(*Adapter); !ok {
		t.Fatalf("New gave %T, want *sandbox.Adapter", p)
	}
	for _, action := range []string{"approver_emails", "reissue", "renew_native", "revoke", "cancel", "change_dcv", "resend_dcv", "find"} {
		if !provider.Supports(p, action) {
			t.Errorf("the adapter does not support %s", action)
		}
	}
}

func TestCheckSettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		settings map[string]string
		field    string // "" for accepted
	}{
		{"defaults", map[string]string{"approve_after": "30s", "reject_suffix": "reject.test"}, ""},
		{"missing keys take defaults", map[string]string{}, ""},
		{"approve at once", map[string]string{"approve_after": "0s"}, ""},
		{"an hour", map[string]string{"approve_after": "1h"}, ""},
		{"no rejections", map[string]string{"reject_suffix": ""}, ""},
		{"suffix with a leading dot", map[string]string{"reject_suffix": ".Bad.Example"}, ""},
		{"not a duration", map[string]string{"approve_after": "soon"}, "settings.approve_after"},
		{"a number without unit", map[string]string{"approve_after": "30"}, "settings.approve_after"},
		{"negative", map[string]string{"approve_after": "-1s"}, "settings.approve_after"},
		{"suffix with a space", map[string]string{"reject_suffix": "reject test"}, "settings.reject_suffix"},
		{"suffix with an empty label", map[string]string{"reject_suffix": "reject..test"}, "settings.reject_suffix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := Spec().CheckSettings(tt.settings)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			wantProviderError(t, err, provider.Invalid, tt.field)
			// The framework maps it to a 400 naming the field.
			if e, ok := errs.As(provider.ToErrs(err)); !ok || e.Code != errs.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != tt.field {
				t.Fatalf("ToErrs: %#v", e)
			}
		})
	}
}

func TestInitNewRoundTrip(t *testing.T) {
	t.Parallel()
	f := newFixture(t, today, nil)
	roots, err := pki.ParseCertificatesPEM(f.a.RootPEM())
	if err != nil {
		t.Fatal(err)
	}
	if got := roots[0].Subject.CommonName; got != "Test Reseller Sandbox Root" {
		t.Errorf("root CN %q", got)
	}
	if !roots[0].NotBefore.Before(today) || !roots[0].IsCA {
		t.Errorf("root valid from %s (CA %t), want before %s", roots[0].NotBefore, roots[0].IsCA, today)
	}
	// The root is the first block of the state the framework stores.
	first, _ := pem.Decode(f.state)
	if first == nil || !bytes.Equal(first.Bytes, roots[0].Raw) {
		t.Error("RootPEM is not the root of the stored state")
	}
	// A second adapter of the same state is the same CA.
	again, err := New(provider.Account{Name: "Test Reseller", State: f.state}, provider.Deps{Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.RootPEM(), f.a.RootPEM()) {
		t.Error("the same state gave another root")
	}
	// Each account has a CA of its own.
	other := newFixture(t, today, nil)
	if bytes.Equal(other.a.RootPEM(), f.a.RootPEM()) {
		t.Error("two accounts share a root")
	}
}

func TestInitRootName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, account, wantCN string
	}{
		{"plain", "Acme", "Acme Sandbox Root"},
		{"no name", "  ", "Sandbox Root"},
		{"long name cut to 64 characters", strings.Repeat("x", 100), strings.Repeat("x", 51) + " Sandbox Root"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			state, err := Init(context.Background(), provider.Account{Name: tt.account}, today)
			if err != nil {
				t.Fatal(err)
			}
			a, err := New(provider.Account{State: state}, provider.Deps{})
			if err != nil {
				t.Fatal(err)
			}
			roots, err := pki.ParseCertificatesPEM(a.RootPEM())
			if err != nil {
				t.Fatal(err)
			}
			if got := roots[0].Subject.CommonName; got != tt.wantCN {
				t.Errorf("root CN %q, want %q", got, tt.wantCN)
			}
		})
	}
}

func TestNewRefuses(t *testing.T) {
	t.Parallel()
	good := newFixture(t, today, nil).state
	tests := []struct {
		name     string
		state    []byte
		settings map[string]string
		class    provider.Class
		field    string
	}{
		{"missing state", nil, nil, provider.Auth, ""},
		{"not a CA", []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), nil, provider.Auth, ""},
		{"cut short", good[:len(good)/2], nil, provider.Auth, ""},
		{"bad duration", good, map[string]string{"approve_after": "soon"}, provider.Invalid, "settings.approve_after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(provider.Account{Name: "X", State: tt.state, Settings: tt.settings}, provider.Deps{})
			wantProviderError(t, err, tt.class, tt.field)
		})
	}
}

func TestCatalog(t *testing.T) {
	t.Parallel()
	f := newFixture(t, today, nil)
	items, err := f.a.Catalog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	usd := func(c int64) *money.Amount { return &money.Amount{Currency: "USD", Minor: c} }
	two := func(c12, c24 int64) []provider.PeriodCost {
		return []provider.PeriodCost{{Months: 12, Cost: usd(c12)}, {Months: 24, Cost: usd(c24)}}
	}
	want := []provider.CatalogItem{
		{Code: "sandbox-dv", Name: "Sandbox DV", Brand: "Sandbox CA", Validation: "dv", IncludedNames: 1, MaxNames: 1, Periods: two(800, 1500)},
		{Code: "sandbox-dv-wildcard", Name: "Sandbox DV Wildcard", Brand: "Sandbox CA", Validation: "dv", Wildcard: true,
			IncludedNames: 1, MaxNames: 1, Periods: two(4500, 8500)},
		{Code: "sandbox-dv-multi", Name: "Sandbox DV Multi-Domain", Brand: "Sandbox CA", Validation: "dv",
			IncludedNames: 3, MaxNames: 100, Periods: two(2000, 3800), PerNameCost: two(400, 750)},
		{Code: "sandbox-ov", Name: "Sandbox OV", Brand: "Sandbox CA", Validation: "ov", IncludedNames: 1, MaxNames: 1, Periods: two(3500, 6600)},
		{Code: "sandbox-ev", Name: "Sandbox EV", Brand: "Sandbox CA", Validation: "ev", IncludedNames: 1, MaxNames: 1, Periods: two(9000, 17000)},
	}
	if diff := cmp.Diff(want, items); diff != "" {
		t.Fatalf("catalogue (-want +got):\n%s", diff)
	}
	// Each call is a copy of its own.
	items[0].Periods[0].Cost.Minor = 1
	again, _ := f.a.Catalog(context.Background())
	if again[0].Periods[0].Cost.Minor != 800 {
		t.Fatal("a caller changed the catalogue of another")
	}
}

func TestTestConnection(t *testing.T) {
	t.Parallel()
	f := newFixture(t, today, map[string]string{"approve_after": "1s", "reject_suffix": "reject.test"})
	detail, err := f.a.TestConnection(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Sandbox CA ready", `root "Test Reseller Sandbox Root"`, "browsers do not trust", "1s", "reject.test"} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail %q lacks %q", detail, want)
		}
	}
}

func TestCancelledContext(t *testing.T) {
	t.Parallel()
	f := newFixture(t, today, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := f.a.Submit(ctx, request(t, "c1", ItemDV, "example.com"))
	wantProviderError(t, err, provider.Temporary, "")
}

func TestCallsRecorded(t *testing.T) {
	t.Parallel()
	f := newFixture(t, today, nil)
	ctx := context.Background()
	req := request(t, "rec-1", ItemDV, "example.com")
	if _, err := f.a.Submit(ctx, req); err != nil {
		t.Fatal(err)
	}
	bad := req
	bad.Item = "nope"
	_, _ = f.a.Submit(ctx, bad)
	f.clock.Set(today.Add(time.Minute))
	if _, err := f.a.Status(ctx, provider.StatusQuery{Ref: "sbx-rec-1", Request: req, SubmittedAt: today}); err != nil {
		t.Fatal(err)
	}
	_, _ = f.a.Catalog(ctx)
	_, _ = f.a.TestConnection(ctx)
	_, _ = f.a.ApproverEmails(ctx, ItemDV, "example.com")
	_, _ = f.a.Reissue(ctx, "sbx-rec-1", request(t, "rec-2", ItemDV, "example.com"))
	_, _ = f.a.Renew(ctx, "sbx-rec-1", request(t, "rec-3", ItemDV, "example.com"))
	_ = f.a.Revoke(ctx, "sbx-rec-1", "superseded")
	_, _ = f.a.Cancel(ctx, "sbx-rec-1")
	_, _ = f.a.ChangeDCV(ctx, "sbx-rec-1", []provider.DomainDCV{{Name: "example.com", Method: "http"}})
	_ = f.a.ResendDCV(ctx, "unknown")
	_, _ = f.a.Find(ctx, provider.FindQuery{Ref: "rec-1"})

	type row struct{ Command, Outcome string }
	var got []row
	for _, c := range f.rec.all() {
		got = append(got, row{c.Command, c.Outcome})
		if c.Provider != "sandbox" || c.Started.IsZero() {
			t.Errorf("call %+v", c)
		}
		for _, s := range []string{c.Request, c.Response, c.Error} {
			if strings.Contains(s, "PRIVATE KEY") || strings.Contains(s, "BEGIN") {
				t.Errorf("%s logged PEM: %q", c.Command, s)
			}
		}
		if c.Outcome != "ok" && c.Error == "" {
			t.Errorf("%s failed without an error text", c.Command)
		}
	}
	want := []row{{"Submit", "ok"}, {"Submit", "invalid"}, {"Status", "ok"}, {"Catalog", "ok"}, {"TestConnection", "ok"},
		{"ApproverEmails", "ok"}, {"Reissue", "ok"}, {"Renew", "ok"}, {"Revoke", "ok"}, {"Cancel", "ok"}, {"ChangeDCV", "ok"},
		{"ResendDCV", "not_found"}, {"Find", "ok"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("calls (-want +got):\n%s", diff)
	}
	calls := f.rec.all()
	if !strings.Contains(calls[0].Request, "ref=rec-1") || !strings.Contains(calls[0].Response, "ref=sbx-rec-1 state=pending") {
		t.Errorf("submit call %+v", calls[0])
	}
	if !strings.Contains(calls[2].Response, "state=issued") || !strings.Contains(calls[2].Response, "issued serial") {
		t.Errorf("status call %+v", calls[2])
	}
	if !strings.HasPrefix(calls[1].Error, "Submit: ") {
		t.Errorf("the error does not name the command: %q", calls[1].Error)
	}
}
