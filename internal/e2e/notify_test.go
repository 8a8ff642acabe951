package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"github.com/sslreseller/sslreseller/internal/app/apptest"
)

// TestOwnerAddsWebhookAndRedelivers: add an endpoint (after a refused URL), keep the secret shown
// once, watch an order event arrive after a failed attempt, and redeliver it.
func TestOwnerAddsWebhookAndRedelivers(t *testing.T) {
	s := apptest.New(t)
	s.App.Notify.SetBackoff(func(int) time.Duration { return 50 * time.Millisecond })
	var hits atomic.Int32
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if hits.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer recv.Close()

	b := newBrowser(t, s.URL, "notify")
	b.visit("/t/acme/admin/login", "form", "login")
	b.do("sign in", fill("#f-email", s.OwnerEmail), fill("#f-password", s.OwnerPass),
		chromedp.Click(chromedp.CSS("button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".stats")))

	b.visit("/t/acme/admin/webhooks", ".empty", "webhooks-empty")
	b.do("open the form", chromedp.Click(chromedp.CSS(".page-actions a")), chromedp.WaitVisible(chromedp.CSS("#f-url")))
	b.shot("webhook-new")
	b.do("submit an ftp URL", fill("#f-url", "ftp://billing.example.com/hooks"), fill("#f-description", "WHMCS production"),
		chromedp.Click(chromedp.CSS(".form-actions button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#f-url-error")))
	b.shot("webhook-new-bad-url")
	if got := b.text("#f-url-error"); !strings.Contains(got, "https") {
		t.Errorf("URL error %q", got)
	}
	b.do("fix the URL", fill("#f-url", recv.URL+"/hooks"),
		chromedp.Click(chromedp.CSS(".form-actions button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#webhook-secret")))
	b.shot("webhook-created")
	if got := b.text("#webhook-secret"); !strings.HasPrefix(got, "whsec_") {
		t.Fatalf("secret %q", got)
	}
	b.do("saved", chromedp.Click(chromedp.CSS(".form-actions a")), chromedp.WaitVisible(chromedp.CSS(".wh-chips")))
	endpointPath := b.path()

	// An order makes an order.created event; the first attempt gets a 503, the retry a 200.
	var acct struct {
		ID string `json:"id"`
	}
	s.Call(t, "POST", "/api/v1/provider-accounts", s.AdminKey, map[string]any{"provider": "sandbox", "name": "Sandbox CA", "environment": "test"}).JSON(t, &acct)
	s.Call(t, "POST", "/api/v1/provider-accounts/"+acct.ID+"/sync", s.AdminKey, nil)
	var imported struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	s.Call(t, "POST", "/api/v1/products/import", s.AdminKey, map[string]any{"provider_account_id": acct.ID, "items": []string{"sandbox-dv"}, "margin_bps": 2000}).JSON(t, &imported)
	var c struct {
		ID string `json:"id"`
	}
	s.Call(t, "POST", "/api/v1/clients", s.BillingKey, map[string]any{"email": "buyer@example.com", "first_name": "Bea", "last_name": "Buyer",
		"address": map[string]string{"country": "GB"}}).JSON(t, &c)
	if r := s.Call(t, "POST", "/api/v1/orders", s.BillingKey, map[string]any{"client_id": c.ID, "product_id": imported.Data[0].ID, "period_months": 12},
		"Idempotency-Key: "+uuid.NewString()); r.Status != 201 {
		t.Fatalf("order: %d %s", r.Status, r.Body)
	}
	waitHits(t, &hits, 2)
	b.visit(endpointPath, ".wh-deliveries", "webhook-deliveries")
	if got := b.text(".wh-deliveries"); !strings.Contains(got, "order.created") || !strings.Contains(got, "503") || !strings.Contains(got, "Delivered") {
		t.Fatalf("deliveries table: %q", got)
	}

	b.do("redeliver", chromedp.Click(chromedp.CSS(".wh-deliveries .cell-actions button")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	waitHits(t, &hits, 3)
	b.visit(endpointPath, ".wh-deliveries", "webhook-redelivered")
	if got := b.text(".wh-deliveries"); strings.Count(got, "200") < 2 {
		t.Fatalf("after redelivery: %q", got)
	}
	b.visit("/t/acme/admin/webhooks", ".table", "webhooks-list")
}

func waitHits(t *testing.T, hits *atomic.Int32, n int32) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for hits.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("the receiver got %d requests, want %d", hits.Load(), n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // the attempt is recorded after the answer
}
