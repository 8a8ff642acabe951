package httpapi_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sslreseller/sslreseller/internal/app/apptest"
	"github.com/sslreseller/sslreseller/internal/platform/config"
)

// receiver is a webhook consumer that verifies every signature the way the Standard Webhooks
// libraries do, and answers 500 to the first failFirst attempts of each message.
type receiver struct {
	t         *testing.T
	failFirst int
	mu        sync.Mutex
	secrets   map[string]string            // path -> whsec_ secret
	attempts  map[string]int               // path + " " + webhook-id -> attempts seen
	accepted  map[string][]json.RawMessage // path -> bodies answered 2xx, in arrival order
	bad       []string
}

func newReceiver(t *testing.T, failFirst int) (*receiver, *httptest.Server) {
	rc := &receiver{t: t, failFirst: failFirst, secrets: map[string]string{}, attempts: map[string]int{}, accepted: map[string][]json.RawMessage{}}
	srv := httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(srv.Close)
	return rc, srv
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	id, ts, sig := r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp"), r.Header.Get("webhook-signature")
	secret, ok := rc.secrets[r.URL.Path]
	if !ok {
		rc.bad = append(rc.bad, "delivery to unknown path "+r.URL.Path)
		w.WriteHeader(http.StatusNotFound)
		return
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		rc.bad = append(rc.bad, "secret is not base64: "+err.Error())
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(body)
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	sec, err := strconv.ParseInt(ts, 10, 64)
	var msg struct {
		ID   string `json:"id"`
		Type string `json:"type"`
		Data struct {
			Order orderView `json:"order"`
		} `json:"data"`
	}
	switch {
	case !slices.Contains(strings.Fields(sig), want):
		rc.bad = append(rc.bad, fmt.Sprintf("bad signature %q on %s", sig, id))
		w.WriteHeader(http.StatusUnauthorized)
		return
	case err != nil || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute:
		rc.bad = append(rc.bad, "webhook-timestamp out of range: "+ts)
	case r.Header.Get("Content-Type") != "application/json":
		rc.bad = append(rc.bad, "content type "+r.Header.Get("Content-Type"))
	case json.Unmarshal(body, &msg) != nil || msg.ID != id || msg.Data.Order.ID == "" || msg.Type == "":
		rc.bad = append(rc.bad, "body does not carry the webhook-id and an order: "+string(body))
	}
	k := r.URL.Path + " " + id
	rc.attempts[k]++
	if rc.attempts[k] <= rc.failFirst {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	rc.accepted[r.URL.Path] = append(rc.accepted[r.URL.Path], body)
	w.WriteHeader(http.StatusNoContent)
}

type feedEvent struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	CreatedAt time.Time `json:"created_at"`
	Data      struct {
		Order orderView `json:"order"`
	} `json:"data"`
}

type endpoint struct {
	ID      string   `json:"id"`
	URL     string   `json:"url"`
	Events  []string `json:"events"`
	Enabled bool     `json:"enabled"`
	Secret  string   `json:"secret"`
}

type delivery struct {
	ID             string `json:"id"`
	EventID        string `json:"event_id"`
	EventType      string `json:"event_type"`
	Status         string `json:"status"`
	Attempts       int    `json:"attempts"`
	LastStatusCode *int   `json:"last_status_code"`
	AttemptLog     []struct {
		StatusCode *int   `json:"status_code"`
		DurationMS int    `json:"duration_ms"`
		Error      string `json:"error"`
	} `json:"attempt_log"`
}

func readFeed(t *testing.T, s *apptest.Server, limit int) []feedEvent {
	t.Helper()
	var all []feedEvent
	cursor := ""
	for range 100 {
		var page struct {
			Data       []feedEvent `json:"data"`
			NextCursor *string     `json:"next_cursor"`
		}
		r := s.Call(t, "GET", fmt.Sprintf("/api/v1/events?limit=%d&cursor=%s", limit, cursor), s.BillingKey, nil)
		if r.Status != 200 {
			t.Fatalf("feed: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &page)
		all = append(all, page.Data...)
		if page.NextCursor == nil {
			if len(page.Data) != 0 {
				t.Fatalf("a non-empty feed page without a cursor")
			}
			return all
		}
		cursor = *page.NextCursor
	}
	t.Fatal("the feed does not end")
	return nil
}

func TestWebhooksAndFeedOverTheLifecycle(t *testing.T) {
	s := apptest.New(t)
	s.App.Notify.SetBackoff(func(int) time.Duration { return 50 * time.Millisecond })
	sh := shopWith(t, s)
	rc, srv := newReceiver(t, 2)

	// Endpoint a hears everything; b only the issue and the revocation.
	var a, b endpoint
	r := s.Call(t, "POST", "/api/v1/webhook-endpoints", s.AdminKey, map[string]any{"url": srv.URL + "/a", "events": []string{
		"order.created", "order.configured", "order.pending_validation", "order.issued", "order.rejected", "order.cancelled",
		"order.revoked", "order.renewed", "order.reissued", "order.expiring", "order.expired", "order.needs_attention"}})
	if r.Status != 201 {
		t.Fatalf("create endpoint: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &a)
	s.Call(t, "POST", "/api/v1/webhook-endpoints", s.AdminKey, map[string]any{"url": srv.URL + "/b", "events": []string{"order.revoked", "order.issued"}}).JSON(t, &b)
	for _, ep := range []endpoint{a, b} {
		raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(ep.Secret, "whsec_"))
		if !strings.HasPrefix(ep.Secret, "whsec_") || err != nil || len(raw) < 24 {
			t.Fatalf("secret %q is not a whsec_ secret", ep.Secret)
		}
	}
	rc.mu.Lock()
	rc.secrets["/a"], rc.secrets["/b"] = a.Secret, b.Secret
	rc.mu.Unlock()
	// The secret is shown once.
	var again map[string]any
	s.Call(t, "GET", "/api/v1/webhook-endpoints/"+a.ID, s.AdminKey, nil).JSON(t, &again)
	if _, ok := again["secret"]; ok || again["url"] != srv.URL+"/a" {
		t.Fatalf("read endpoint: %v", again)
	}
	wantProblem(t, s.Call(t, "GET", "/api/v1/webhook-endpoints", s.BillingKey, nil), 403, "forbidden", "")

	// The whole lifecycle: order, configure, issue, reissue, renew, revoke.
	o := sh.order(t, "sandbox-dv", 12)
	r = s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/configure", s.BillingKey, map[string]any{
		"generate_key": map[string]any{"key_type": "ecdsa-p256", "common_name": "shop.example.com"}, "dcv_method": "dns", "server_type": "nginx"})
	if r.Status != 202 {
		t.Fatalf("configure: %d %s", r.Status, r.Body)
	}
	o = sh.waitFor(t, o.ID, "issued")
	first := o.Certificate.Serial
	if r = s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/reissue", s.BillingKey, map[string]any{"generate_key": map[string]any{"key_type": "ecdsa-p256"}}); r.Status != 202 {
		t.Fatalf("reissue: %d %s", r.Status, r.Body)
	}
	o = sh.waitFor(t, o.ID, "issued", func(v orderView) bool { return v.Certificate != nil && v.Certificate.Serial != first })
	ends := *o.Term.EndsAt
	if r = s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/renew", s.BillingKey, map[string]any{"period_months": 12}, "Idempotency-Key: renew-hook"); r.Status != 202 {
		t.Fatalf("renew: %d %s", r.Status, r.Body)
	}
	sh.waitFor(t, o.ID, "issued", func(v orderView) bool { return v.Term.EndsAt.After(ends) })
	if r = s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/revoke", s.BillingKey, map[string]any{"reason": "key_compromise"}); r.Status != 200 {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}

	// The feed has every event once, in order, each with the order as it was then.
	want := []string{"order.created", "order.configured", "order.pending_validation", "order.issued",
		"order.reissued", "order.renewed", "order.revoked"}
	var feed []feedEvent
	deadline := time.Now().Add(20 * time.Second)
	for {
		feed = readFeed(t, s, 2)
		if len(feed) >= len(want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	var types []string
	for i, e := range feed {
		types = append(types, e.Type)
		if e.Data.Order.ID != o.ID {
			t.Errorf("event %s is about order %q", e.Type, e.Data.Order.ID)
		}
		if i > 0 && e.CreatedAt.Before(feed[i-1].CreatedAt) {
			t.Errorf("event %d (%s) is older than the one before", i, e.Type)
		}
	}
	if !slices.Equal(types, want) {
		t.Fatalf("feed types:\n got %v\nwant %v", types, want)
	}
	if feed[0].Data.Order.Status != "awaiting_configuration" || feed[3].Data.Order.Status != "issued" || feed[len(feed)-1].Data.Order.Status != "revoked" {
		t.Errorf("event bodies do not carry the order as it was: %s %s %s", feed[0].Data.Order.Status, feed[3].Data.Order.Status, feed[len(feed)-1].Data.Order.Status)
	}
	// A poller that kept the last cursor sees nothing new.
	var tail struct {
		Data       []feedEvent `json:"data"`
		NextCursor *string     `json:"next_cursor"`
	}
	var head struct {
		NextCursor *string `json:"next_cursor"`
	}
	s.Call(t, "GET", fmt.Sprintf("/api/v1/events?limit=%d", len(want)), s.BillingKey, nil).JSON(t, &head)
	s.Call(t, "GET", "/api/v1/events?cursor="+*head.NextCursor, s.BillingKey, nil).JSON(t, &tail)
	if len(tail.Data) != 0 || tail.NextCursor != nil {
		t.Fatalf("after the last event: %+v", tail)
	}
	wantProblem(t, s.Call(t, "GET", "/api/v1/events?cursor=bogus", s.BillingKey, nil), 400, "invalid_request", "cursor")

	// Each event reaches each endpoint that wants it exactly once, after two 500s, with one webhook-id.
	wantAt := map[string][]string{"/a": nil, "/b": nil}
	for _, e := range feed {
		wantAt["/a"] = append(wantAt["/a"], e.ID)
		if e.Type == "order.issued" || e.Type == "order.revoked" {
			wantAt["/b"] = append(wantAt["/b"], e.ID)
		}
	}
	deadline = time.Now().Add(60 * time.Second)
	for {
		rc.mu.Lock()
		done := len(rc.accepted["/a"]) >= len(wantAt["/a"]) && len(rc.accepted["/b"]) >= len(wantAt["/b"])
		rc.mu.Unlock()
		if done || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // room for a duplicate to show up
	rc.mu.Lock()
	if len(rc.bad) > 0 {
		t.Errorf("receiver problems: %v", rc.bad)
	}
	for path, ids := range wantAt {
		var got []string
		for _, body := range rc.accepted[path] {
			var m struct {
				ID string `json:"id"`
			}
			_ = json.Unmarshal(body, &m)
			got = append(got, m.ID)
		}
		slices.Sort(got)
		w := slices.Clone(ids)
		slices.Sort(w)
		if !slices.Equal(got, w) {
			t.Errorf("%s received %d events %v, want each of %d once", path, len(got), got, len(w))
		}
		for _, id := range ids {
			if n := rc.attempts[path+" "+id]; n != 3 {
				t.Errorf("%s: event %s was tried %d times under its webhook-id, want 3 (two 500s, one success)", path, id, n)
			}
		}
	}
	rc.mu.Unlock()

	// The delivery log shows every attempt with its status code; a redelivery keeps the webhook-id.
	var dl struct {
		Data []delivery `json:"data"`
	}
	s.Call(t, "GET", "/api/v1/webhook-endpoints/"+b.ID+"/deliveries", s.AdminKey, nil).JSON(t, &dl)
	if len(dl.Data) != 2 {
		t.Fatalf("deliveries of b: %+v", dl.Data)
	}
	d := dl.Data[0]
	if d.EventType != "order.revoked" || d.Status != "succeeded" || d.Attempts != 3 || len(d.AttemptLog) != 3 ||
		*d.AttemptLog[0].StatusCode != 500 || *d.AttemptLog[2].StatusCode != 204 || !strings.Contains(d.AttemptLog[0].Error, "500") {
		t.Fatalf("delivery log: %+v", d)
	}
	r = s.Call(t, "POST", "/api/v1/webhook-endpoints/"+b.ID+"/deliveries/"+d.ID+"/redeliver", s.AdminKey, nil)
	if r.Status != 202 {
		t.Fatalf("redeliver: %d %s", r.Status, r.Body)
	}
	deadline = time.Now().Add(20 * time.Second)
	for {
		rc.mu.Lock()
		n := rc.attempts["/b "+d.EventID]
		rc.mu.Unlock()
		if n == 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("redelivery: %d attempts under the webhook-id", n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	var one delivery
	for range 50 {
		s.Call(t, "GET", "/api/v1/webhook-endpoints/"+b.ID+"/deliveries/"+d.ID, s.AdminKey, nil).JSON(t, &one)
		if one.Attempts == 4 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if one.Attempts != 4 || one.Status != "succeeded" {
		t.Fatalf("after redelivery: %+v", one)
	}

	// Another tenant sees none of it.
	_, _, _, _, otherAdmin := apptest.Seed(t, s.App, "other", "Other Certificates")
	wantProblem(t, s.Call(t, "GET", "/api/v1/webhook-endpoints/"+a.ID, otherAdmin, nil), 404, "not_found", "")
	wantProblem(t, s.Call(t, "POST", "/api/v1/webhook-endpoints/"+b.ID+"/deliveries/"+d.ID+"/redeliver", otherAdmin, nil), 404, "not_found", "")
	var otherFeed struct {
		Data []feedEvent `json:"data"`
	}
	s.Call(t, "GET", "/api/v1/events", otherAdmin, nil).JSON(t, &otherFeed)
	if len(otherFeed.Data) != 0 {
		t.Fatalf("another tenant's feed: %d events", len(otherFeed.Data))
	}

	// Disabling, changing and deleting an endpoint.
	var patched endpoint
	r = s.Call(t, "PATCH", "/api/v1/webhook-endpoints/"+b.ID, s.AdminKey, map[string]any{"enabled": false, "events": []string{"order.expired"}})
	r.JSON(t, &patched)
	if r.Status != 200 || patched.Enabled || !slices.Equal(patched.Events, []string{"order.expired"}) {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	if r = s.Call(t, "DELETE", "/api/v1/webhook-endpoints/"+b.ID, s.AdminKey, nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	wantProblem(t, s.Call(t, "GET", "/api/v1/webhook-endpoints/"+b.ID+"/deliveries", s.AdminKey, nil), 404, "not_found", "")
}

func TestWebhookURLsRefused(t *testing.T) {
	s := apptest.New(t, apptest.Options{Configure: func(c *config.Config) { c.Webhooks.AllowPrivateTargets = false }})
	events := []string{"order.issued"}
	for _, tc := range []struct {
		name, url, detail string
	}{
		{"plain http", "http://billing.example.com/hook", "https"},
		{"not a URL", "billing hooks please", "absolute"},
		{"other scheme", "ftp://billing.example.com/hook", "https"},
		{"loopback", "https://127.0.0.1/hook", "127.0.0.1"},
		{"loopback v6", "https://[::1]:8443/hook", "::1"},
		{"private", "https://10.1.2.3/hook", "10.1.2.3"},
		{"link-local", "https://169.254.169.254/latest/meta-data", "169.254.169.254"},
		{"localhost", "https://localhost/hook", "localhost"},
		{"single label", "https://billing/hook", "billing"},
		{"credentials", "https://user:pw@billing.example.com/hook", "password"},
		{"empty", "", "required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := wantProblem(t, s.Call(t, "POST", "/api/v1/webhook-endpoints", s.AdminKey, map[string]any{"url": tc.url, "events": events}), 400, "invalid_request", "url")
			if !strings.Contains(p.Detail, tc.detail) {
				t.Fatalf("detail %q does not mention %q", p.Detail, tc.detail)
			}
		})
	}
	wantProblem(t, s.Call(t, "POST", "/api/v1/webhook-endpoints", s.AdminKey, map[string]any{"url": "https://billing.example.com/hook", "events": []string{"order.shipped"}}), 400, "invalid_request", "events")
	wantProblem(t, s.Call(t, "POST", "/api/v1/webhook-endpoints", s.AdminKey, map[string]any{"url": "https://billing.example.com/hook", "events": []string{}}), 400, "invalid_request", "events")
	var list struct {
		Data []endpoint `json:"data"`
	}
	s.Call(t, "GET", "/api/v1/webhook-endpoints", s.AdminKey, nil).JSON(t, &list)
	if len(list.Data) != 0 {
		t.Fatalf("refused endpoints were stored: %+v", list.Data)
	}
}

// TestCancelledEventCarriesRefund: the order.cancelled event shows refund_due and the stopped
// request, as the order reads after the cancellation.
func TestCancelledEventCarriesRefund(t *testing.T) {
	s := apptest.New(t)
	sh := shopWith(t, s)
	o := sh.order(t, "sandbox-dv", 12)
	if r := s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/cancel", s.BillingKey, map[string]any{"reason": "changed my mind"}); r.Status != 200 {
		t.Fatalf("cancel: %d %s", r.Status, r.Body)
	}
	for _, e := range readFeed(t, s, 10) {
		if e.Type == "order.cancelled" {
			if !e.Data.Order.RefundDue || e.Data.Order.Status != "cancelled" {
				t.Fatalf("order.cancelled body: %+v", e.Data.Order)
			}
			return
		}
	}
	t.Fatal("no order.cancelled event")
}
