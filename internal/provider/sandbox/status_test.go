package sandbox

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/provider"
)

const day = 24 * time.Hour

func TestStatusPendingThenIssued(t *testing.T) {
	t.Parallel()
	f := newFixture(t, today, nil) // approve_after 30s
	ctx := context.Background()
	names := []string{"example.com", "www.example.com", "shop.example.com"}
	req := request(t, "ord-1", ItemDVMulti, names...)
	req.DCV[1].Method = provider.DCVHTTP
	submittedAt := today.Add(10*time.Minute + 250*time.Millisecond)
	f.clock.Set(submittedAt)
	sub, err := f.a.Submit(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	q := provider.StatusQuery{Ref: sub.Ref, Request: req, SubmittedAt: submittedAt}

	for _, after := range []time.Duration{0, time.Second, 29 * time.Second} {
		f.clock.Set(submittedAt.Add(after))
		st, err := f.a.Status(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if st.State != provider.StatePending || st.CertPEM != nil || !strings.Contains(st.Raw, "pending") {
			t.Fatalf("after %s: %+v", after, st)
		}
		// The instructions are those Submit gave.
		if diff := cmp.Diff(sub.DCV, st.DCV); diff != "" {
			t.Fatalf("after %s: validations differ from the submission's (-submit +status):\n%s", after, diff)
		}
	}

	f.clock.Set(submittedAt.Add(30 * time.Second))
	st, cert := issuedCert(t, f, q)
	for _, d := range st.DCV {
		if d.Status != "valid" {
			t.Errorf("%s: dcv %s after issue", d.Name, d.Status)
		}
	}
	wantStart := submittedAt.Add(30 * time.Second).Truncate(time.Second)
	if !cert.NotBefore.Equal(wantStart) {
		t.Errorf("notBefore %s, want %s", cert.NotBefore, wantStart)
	}
	if cert.Subject.CommonName != "example.com" || !slices.Equal(cert.DNSNames, names) {
		t.Errorf("names: CN %q SANs %v", cert.Subject.CommonName, cert.DNSNames)
	}
	info, err := pki.ParseCSR(req.CSR)
	if err != nil {
		t.Fatal(err)
	}
	if pub, ok := cert.PublicKey.(interface{ Equal(crypto.PublicKey) bool }); !ok || !pub.Equal(info.Request.PublicKey) {
		t.Error("the certificate is not for the CSR's key")
	}
	serial := pki.SerialHex(cert.SerialNumber)
	if len(serial) != 32 || cert.SerialNumber.Sign() <= 0 || !strings.Contains(st.Raw, serial) {
		t.Errorf("serial %s (raw %q)", serial, st.Raw)
	}
	// It verifies against the account's root at the injected time, for each name.
	for _, n := range names {
		if err := pki.Verify(st.CertPEM, st.ChainPEM, f.a.RootPEM(), f.clock.Now(), n); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	// Not against another account's root.
	if err := pki.Verify(st.CertPEM, st.ChainPEM, newFixture(t, today, nil).a.RootPEM(), f.clock.Now(), ""); err == nil {
		t.Error("verified against another account's root")
	}

	// Later polls return the very same certificate.
	for _, later := range []time.Duration{time.Minute, 3 * time.Hour, 10 * day} {
		f.clock.Set(submittedAt.Add(later))
		again, err := f.a.Status(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again.CertPEM, st.CertPEM) || !bytes.Equal(again.ChainPEM, st.ChainPEM) {
			t.Fatalf("poll after %s returned another certificate", later)
		}
	}
}

func TestStatusOtherReferenceOtherSerial(t *testing.T) {
	t.Parallel()
	f := newFixture(t, today, map[string]string{"approve_after": "0s"})
	req := request(t, "one", ItemDV, "example.com")
	_, a := issuedCert(t, f, provider.StatusQuery{Ref: "sbx-one", Request: req, SubmittedAt: today})
	req.Ref = "two"
	_, b := issuedCert(t, f, provider.StatusQuery{Ref: "sbx-two", Request: req, SubmittedAt: today})
	if a.SerialNumber.Cmp(b.SerialNumber) == 0 {
		t.Fatal("two references got the same serial")
	}
}

func TestStatusValidityByIssueDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		issuedAt time.Time
		months   int
		want     time.Duration
	}{
		{"24 months issued 2026-11-22", today, 24, 200 * day},
		{"12 months issued 2026-11-22", today, 12, 200 * day},
		{"24 months issued 2027-03-14", at(2027, time.March, 14, 12, 0, 0), 24, 200 * day},
		{"24 months issued 2027-03-20", at(2027, time.March, 20, 12, 0, 0), 24, 100 * day},
		{"24 months issued 2029-03-14", at(2029, time.March, 14, 12, 0, 0), 24, 100 * day},
		{"24 months issued 2029-04-01", at(2029, time.April, 1, 12, 0, 0), 24, 47 * day},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, today, nil)
			req := request(t, "v-"+tt.issuedAt.Format("20060102"), ItemDV, "example.com")
			req.PeriodMonths = tt.months
			submittedAt := tt.issuedAt.Add(-30 * time.Second)
			f.clock.Set(tt.issuedAt.Add(time.Hour))
			st, cert := issuedCert(t, f, provider.StatusQuery{Ref: "sbx-" + req.Ref, Request: req, SubmittedAt: submittedAt})
			if !cert.NotBefore.Equal(tt.issuedAt) {
				t.Errorf("notBefore %s, want %s", cert.NotBefore, tt.issuedAt)
			}
			if got := cert.NotAfter.Sub(cert.NotBefore) + time.Second; got != tt.want {
				t.Errorf("validity %s (%.2f days), want %.0f days", got, got.Hours()/24, tt.want.Hours()/24)
			}
			for _, c := range []struct {
				at time.Time
				ok bool
			}{{cert.NotBefore, true}, {cert.NotAfter, true}, {cert.NotAfter.Add(time.Second), false}, {cert.NotBefore.Add(-time.Second), false}} {
				err := pki.Verify(st.CertPEM, st.ChainPEM, f.a.RootPEM(), c.at, "example.com")
				if (err == nil) != c.ok {
					t.Errorf("verify at %s: %v, want ok=%t", c.at, err, c.ok)
				}
			}
		})
	}
}

func TestStatusValidationLevels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		item    string
		policy  string
		subject string
	}{
		{ItemDV, "2.23.140.1.2.1", "CN=example.com"},
		{ItemOV, "2.23.140.1.2.2", "CN=example.com,O=Example Trading Ltd,L=London,C=GB"},
		{ItemEV, "2.23.140.1.1", "CN=example.com,O=Example Trading Ltd,L=London,C=GB"},
	}
	for _, tt := range tests {
		t.Run(tt.item, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, today, map[string]string{"approve_after": "1s"})
			req := withOrg(request(t, "lvl-"+tt.item, tt.item, "example.com"))
			f.clock.Set(today.Add(time.Minute))
			_, cert := issuedCert(t, f, provider.StatusQuery{Ref: "sbx-" + req.Ref, Request: req, SubmittedAt: today})
			if len(cert.Policies) != 1 || cert.Policies[0].String() != tt.policy {
				t.Errorf("policies %v, want %s", cert.Policies, tt.policy)
			}
			if got := cert.Subject.String(); got != tt.subject {
				t.Errorf("subject %q, want %q", got, tt.subject)
			}
			if cert.IsCA || !slices.Contains(cert.ExtKeyUsage, x509.ExtKeyUsageServerAuth) {
				t.Errorf("usage: CA %t EKU %v", cert.IsCA, cert.ExtKeyUsage)
			}
		})
	}
}

func TestStatusWildcard(t *testing.T) {
	t.Parallel()
	f := newFixture(t, today, nil)
	req := request(t, "wc", ItemDVWildcard, "*.example.com")
	f.clock.Set(today.Add(time.Hour))
	st, _ := issuedCert(t, f, provider.StatusQuery{Ref: "sbx-wc", Request: req, SubmittedAt: today})
	if err := pki.Verify(st.CertPEM, st.ChainPEM, f.a.RootPEM(), f.clock.Now(), "shop.example.com"); err != nil {
		t.Fatal(err)
	}
}

func TestStatusRejected(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		settings map[string]string
		names    []string
		rejected []string // nil: not rejected
	}{
		{"default suffix", nil, []string{"ok.example.com", "shop.reject.test", "api.reject.test"}, []string{"shop.reject.test", "api.reject.test"}},
		{"the suffix itself", nil, []string{"reject.test"}, []string{"reject.test"}},
		{"other names pass", nil, []string{"example.com"}, nil},
		{"custom suffix", map[string]string{"reject_suffix": "bad.example"}, []string{"www.bad.example", "shop.reject.test"}, []string{"www.bad.example"}},
		{"rejection off", map[string]string{"reject_suffix": ""}, []string{"shop.reject.test"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, today, tt.settings)
			req := request(t, "rj", ItemDVMulti, tt.names...)
			if _, err := f.a.Submit(context.Background(), req); err != nil {
				t.Fatal(err) // a CA takes the order and rejects it in validation
			}
			for _, now := range []time.Time{today, today.Add(time.Hour)} {
				f.clock.Set(now)
				st, err := f.a.Status(context.Background(), provider.StatusQuery{Ref: "sbx-rj", Request: req, SubmittedAt: today})
				if err != nil {
					t.Fatal(err)
				}
				if tt.rejected == nil {
					if st.State == provider.StateRejected {
						t.Fatalf("rejected: %s", st.Reason)
					}
					continue
				}
				if st.State != provider.StateRejected || st.CertPEM != nil {
					t.Fatalf("at %s: %+v", now, st)
				}
				for _, n := range tt.rejected {
					if !strings.Contains(st.Reason, n) {
						t.Errorf("reason %q does not name %s", st.Reason, n)
					}
				}
				for _, d := range st.DCV {
					if want := slices.Contains(tt.rejected, d.Name); want != (d.Status == "failed") {
						t.Errorf("%s: dcv %s", d.Name, d.Status)
					}
				}
			}
		})
	}
}

func TestStatusRefuses(t *testing.T) {
	t.Parallel()
	f := newFixture(t, today, nil)
	f.clock.Set(today.Add(time.Hour))
	req := request(t, "st", ItemDV, "example.com")
	tests := []struct {
		name  string
		q     provider.StatusQuery
		class provider.Class
		field string
	}{
		{"unknown reference", provider.StatusQuery{Ref: "12345", Request: req, SubmittedAt: today}, provider.NotFound, ""},
		{"no submission time", provider.StatusQuery{Ref: "sbx-st", Request: req}, provider.Invalid, "submitted_at"},
		{"submitted before the account's CA existed", provider.StatusQuery{Ref: "sbx-st", Request: req, SubmittedAt: today.AddDate(-1, 0, 0)},
			provider.Invalid, "submitted_at"},
		{"a request Submit refuses", provider.StatusQuery{Ref: "sbx-st", Request: provider.Request{Ref: "st", Item: ItemDV, CSR: []byte("x")},
			SubmittedAt: today}, provider.Invalid, "csr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := f.a.Status(context.Background(), tt.q)
			wantProviderError(t, err, tt.class, tt.field)
		})
	}
}

func TestStatusRefFromRequest(t *testing.T) {
	t.Parallel()
	f := newFixture(t, today, map[string]string{"approve_after": "0s"})
	req := request(t, "implicit", ItemDV, "example.com")
	a, _ := issuedCert(t, f, provider.StatusQuery{Request: req, SubmittedAt: today})
	b, _ := issuedCert(t, f, provider.StatusQuery{Ref: "sbx-implicit", Request: req, SubmittedAt: today})
	if !bytes.Equal(a.CertPEM, b.CertPEM) {
		t.Fatal("an empty Ref is not sbx- plus our reference")
	}
}
