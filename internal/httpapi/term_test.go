package httpapi_test

import (
	"sync"
	"testing"
	"time"

	"github.com/sslreseller/sslreseller/internal/app/apptest"
	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/platform/config"
)

// clock is a settable clock for the service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// TestTermsAcrossIndustrySteps follows two 24-month orders with an injected clock: certificates are
// capped at 200, 100 and then 47 days, and the reissue job keeps the term covered with new keys,
// each certificate verified at the injected time.
func TestTermsAcrossIndustrySteps(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}
	s := apptest.New(t, apptest.Options{Now: clk.Now, Configure: func(c *config.Config) {
		// Background jobs are scheduled by the injected clock, far ahead of the real one: the test
		// drives every check itself.
		c.Poller.FirstCheck = time.Hour
	}})
	sh := shopOn(t, s)
	root := sh.root(t)

	cases := []struct {
		start time.Time
		steps map[time.Time]time.Duration // issued on or after -> max validity
	}{
		{time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC), nil},
		{time.Date(2028, 6, 1, 10, 0, 0, 0, time.UTC), nil},
	}
	for _, tc := range cases {
		clk.Set(tc.start)
		o := sh.order(t, "sandbox-dv", 24)
		r := s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/configure", s.BillingKey, map[string]any{
			"generate_key": map[string]any{"common_name": "term.example.com"}, "dcv_method": "dns"})
		if r.Status != 202 {
			t.Fatalf("configure: %d %s", r.Status, r.Body)
		}
		var serials []string
		var lifetimes []time.Duration
		for round := 0; round < 40; round++ {
			clk.Set(clk.Now().Add(2 * time.Second)) // the sandbox approves after 1s
			r := s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/check", s.BillingKey, nil)
			if r.Status != 200 {
				t.Fatalf("check at %s: %d %s", clk.Now(), r.Status, r.Body)
			}
			o = sh.get(t, o.ID)
			if o.Status != "issued" || o.Certificate == nil {
				t.Fatalf("at %s the order is %s (%s)", clk.Now(), o.Status, o.StatusNote)
			}
			c := o.Certificate
			if len(serials) == 0 || serials[len(serials)-1] != c.Serial {
				serials = append(serials, c.Serial)
				life := c.NotAfter.Sub(c.NotBefore) + time.Second
				lifetimes = append(lifetimes, life)
				if want := pki.MaxValidity(c.NotBefore); life != want {
					t.Fatalf("certificate issued %s lives %s, want %s", c.NotBefore, life, want)
				}
				cert := download(t, s, o.ID, "pem")
				if err := pki.Verify(cert, download(t, s, o.ID, "chain"), root, clk.Now(), "term.example.com"); err != nil {
					t.Fatalf("certificate of %s does not verify at %s: %v", c.NotBefore, clk.Now(), err)
				}
			}
			if o.NextReissueAt == nil {
				if c.NotAfter.Before(*o.Term.EndsAt) {
					t.Fatalf("the term ends %s after the certificate (%s) and no reissue is planned", o.Term.EndsAt, c.NotAfter)
				}
				break
			}
			if !o.NextReissueAt.Before(c.NotAfter) {
				t.Fatalf("reissue planned %s, after the certificate expires %s", o.NextReissueAt, c.NotAfter)
			}
			// Time passes until the reissue is due; the sweep starts it with a new key.
			clk.Set(*o.NextReissueAt)
			res, err := s.App.Orders.Sweep(t.Context())
			if err != nil || res.Reissued != 1 {
				t.Fatalf("sweep at %s: %+v %v", clk.Now(), res, err)
			}
		}
		t.Logf("order from %s: %d certificates, lifetimes %v", tc.start.Format("2006-01-02"), len(serials), lifetimes)
		seen := map[time.Duration]bool{}
		for _, l := range lifetimes {
			seen[l.Round(24*time.Hour)] = true
		}
		switch tc.start.Year() {
		case 2026:
			if !seen[200*24*time.Hour] || !seen[100*24*time.Hour] {
				t.Fatalf("the 2026 order should see 200- and 100-day certificates: %v", lifetimes)
			}
		case 2028:
			if !seen[100*24*time.Hour] || !seen[47*24*time.Hour] {
				t.Fatalf("the 2028 order should see 100- and 47-day certificates: %v", lifetimes)
			}
		}
		if len(serials) < 3 {
			t.Fatalf("a 24-month term was covered by %d certificates", len(serials))
		}
		// At the end of the term the sweep expires the order.
		clk.Set(o.Term.EndsAt.Add(time.Hour))
		if o.Certificate.NotAfter.After(clk.Now()) {
			clk.Set(o.Certificate.NotAfter.Add(time.Hour))
		}
		if _, err := s.App.Orders.Sweep(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := sh.get(t, o.ID); got.Status != "expired" {
			t.Fatalf("after the term the order is %s", got.Status)
		}
	}
}

// shopOn sets up the sandbox shop on an existing server.
func shopOn(t *testing.T, s *apptest.Server) *shop {
	t.Helper()
	acct, _ := setupSandbox(t, s)
	var imported struct {
		Data []product `json:"data"`
	}
	s.Call(t, "POST", "/api/v1/products/import", s.AdminKey, map[string]any{"provider_account_id": acct,
		"items": []string{"sandbox-dv"}, "margin_bps": 2000}).JSON(t, &imported)
	sh := &shop{s: s, account: acct, products: map[string]product{}}
	for _, p := range imported.Data {
		sh.products[p.ItemCode] = p
	}
	var c client
	s.Call(t, "POST", "/api/v1/clients", s.BillingKey, map[string]any{"email": "term@example.com", "first_name": "T", "last_name": "Erm"}).JSON(t, &c)
	sh.client = c.ID
	return sh
}
