package httpapi_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sslreseller/sslreseller/internal/app/apptest"
	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/provider/enom/enomsim"
	"github.com/sslreseller/sslreseller/internal/provider/hexonet/hexonetsim"
	"github.com/sslreseller/sslreseller/internal/provider/sectigo/sectigosim"
)

// simProvider is one provider of the lifecycle test: its simulator, reached through the account's
// endpoint override, and what to order from it.
type simProvider struct {
	name        string
	credentials map[string]string
	endpoint    string
	root        []byte
	item        string
	// enterCosts is set for providers whose costs staff enter (Sectigo).
	enterCosts bool
	// revokes is false for Enom, which has no revoke command: the service refuses clearly.
	revokes bool
	// pendingName never issues at the simulator, for the cancel test.
	pendingName string
}

func simProviders(t *testing.T) []simProvider {
	t.Helper()
	es := enomsim.New(enomsim.Options{})
	esrv := httptest.NewServer(es.Handler())
	t.Cleanup(esrv.Close)
	ec := es.DefaultAccount()

	hs := hexonetsim.New(hexonetsim.Options{})
	hsrv := httptest.NewServer(hs.Handler())
	t.Cleanup(hsrv.Close)
	hc := hs.DefaultCredentials()

	ss := sectigosim.New(sectigosim.Options{IssueTestOrders: true})
	ssrv := httptest.NewServer(ss.Handler())
	t.Cleanup(ssrv.Close)
	sc := ss.DefaultAccount()

	return []simProvider{
		{name: "enom", credentials: map[string]string{"uid": ec.UID, "pw": ec.PW}, endpoint: esrv.URL, root: es.RootPEM(),
			item: "certificate-rapidssl-rapidssl", pendingName: "polls99.enom.example.com"},
		{name: "hexonet", credentials: map[string]string{"login": hc.Login, "password": hc.Password}, endpoint: hsrv.URL, root: hs.RootPEM(),
			item: "COMODO_POSITIVESSL", revokes: true, pendingName: "polls99.hexonet.example.com"},
		{name: "sectigo", credentials: map[string]string{"login_name": sc.LoginName, "login_password": sc.LoginPassword}, endpoint: ssrv.URL,
			root: ss.RootPEM(), item: "287", enterCosts: true, revokes: true, pendingName: "pending.sectigo.example.com"},
	}
}

// TestProviderLifecyclesThroughTheAPI runs the whole lifecycle through the API for Enom, HEXONET and
// Sectigo, each against its simulator reached through the account's endpoint: connect and test the
// account, sync the catalogue (entering Sectigo's costs), import a product, order, configure, wait for
// the certificate and verify it against the simulator's root, reissue, renew, revoke (Enom: the clear
// refusal), and cancel a pending order.
func TestProviderLifecyclesThroughTheAPI(t *testing.T) {
	s := apptest.New(t)
	var c client
	s.Call(t, "POST", "/api/v1/clients", s.BillingKey, map[string]any{"email": "buyer@example.com", "first_name": "Bea", "last_name": "Buyer",
		"organization": "Example Ltd", "phone": "+44 20 7946 0000",
		"address": map[string]string{"line1": "1 High St", "city": "London", "postal_code": "N1 1AA", "country": "GB"}}).JSON(t, &c)
	for _, p := range simProviders(t) {
		t.Run(p.name, func(t *testing.T) {
			lifecycle(t, s, c.ID, p)
		})
	}
}

func lifecycle(t *testing.T, s *apptest.Server, clientID string, p simProvider) {
	admin, billing := s.AdminKey, s.BillingKey
	r := s.Call(t, "POST", "/api/v1/provider-accounts", admin, map[string]any{"provider": p.name, "name": p.name + " simulator",
		"environment": "test", "endpoint": p.endpoint, "credentials": p.credentials})
	if r.Status != 201 {
		t.Fatalf("create account: %d %s", r.Status, r.Body)
	}
	var acct struct {
		ID string `json:"id"`
	}
	r.JSON(t, &acct)
	var test struct {
		OK     bool   `json:"ok"`
		Detail string `json:"detail"`
	}
	s.Call(t, "POST", "/api/v1/provider-accounts/"+acct.ID+"/test", admin, nil).JSON(t, &test)
	if !test.OK || test.Detail == "" {
		t.Fatalf("test connection: %+v", test)
	}
	if r := s.Call(t, "POST", "/api/v1/provider-accounts/"+acct.ID+"/sync", admin, nil); r.Status != 200 {
		t.Fatalf("sync: %d %s", r.Status, r.Body)
	}
	if p.enterCosts {
		var l struct {
			Data []item `json:"data"`
		}
		s.Call(t, "GET", "/api/v1/catalog?provider_account_id="+acct.ID, admin, nil).JSON(t, &l)
		var periods []map[string]any
		for _, it := range l.Data {
			if it.Code != p.item {
				continue
			}
			for _, pc := range it.Periods {
				if pc.Cost != nil {
					t.Fatalf("Sectigo gives no costs, yet %s has %+v", it.Code, pc)
				}
				periods = append(periods, map[string]any{"months": pc.Months, "cost": map[string]any{"currency": "USD", "amount_minor": 1500 * int64(pc.Months/12)}})
			}
		}
		r := s.Call(t, "PUT", "/api/v1/catalog/"+acct.ID+"/"+p.item+"/costs", admin, map[string]any{"periods": periods})
		if r.Status != 200 {
			t.Fatalf("costs: %d %s", r.Status, r.Body)
		}
	}
	var imported struct {
		Data []product `json:"data"`
	}
	r = s.Call(t, "POST", "/api/v1/products/import", admin, map[string]any{"provider_account_id": acct.ID, "items": []string{p.item}, "margin_bps": 2000})
	r.JSON(t, &imported)
	if r.Status != 200 || len(imported.Data) != 1 {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	sh := &shop{s: s, account: acct.ID, products: map[string]product{p.item: imported.Data[0]}, client: clientID}

	o := sh.order(t, p.item, 12)
	cn := "polls2." + p.name + ".example.com"
	var appr struct {
		Emails []string `json:"emails"`
	}
	s.Call(t, "GET", "/api/v1/orders/"+o.ID+"/approver-emails?domain="+cn, billing, nil).JSON(t, &appr)
	if !containsAll(appr.Emails, "admin@"+cn) {
		t.Fatalf("approver e-mails: %v", appr.Emails)
	}
	r = s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/configure", billing, map[string]any{
		"generate_key": map[string]any{"key_type": "ecdsa-p256", "common_name": cn}, "dcv_method": "dns", "server_type": "nginx"})
	if r.Status != 202 {
		t.Fatalf("configure: %d %s", r.Status, r.Body)
	}
	o = sh.waitFor(t, o.ID, "issued")
	if o.Certificate == nil || o.Certificate.CommonName != cn {
		t.Fatalf("issued: %+v", o)
	}
	if err := pki.Verify(download(t, s, o.ID, "pem"), download(t, s, o.ID, "chain"), p.root, time.Now(), cn); err != nil {
		t.Fatalf("the certificate does not verify against the simulator's root: %v", err)
	}

	// Reissue with a new key.
	r = s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/reissue", billing, map[string]any{"generate_key": map[string]any{"key_type": "ecdsa-p256"}})
	if r.Status != 202 {
		t.Fatalf("reissue: %d %s", r.Status, r.Body)
	}
	first := o.Certificate.Serial
	o = sh.waitFor(t, o.ID, "issued", func(v orderView) bool { return v.Certificate != nil && v.Certificate.Serial != first })
	if err := pki.Verify(download(t, s, o.ID, "pem"), download(t, s, o.ID, "chain"), p.root, time.Now(), cn); err != nil {
		t.Fatalf("the reissued certificate does not verify: %v", err)
	}

	// Renew: natively at HEXONET, by a new order at Enom and Sectigo; either way the term grows.
	ends := *o.Term.EndsAt
	r = s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/renew", billing, map[string]any{"period_months": 12}, "Idempotency-Key: "+uuid.NewString())
	if r.Status != 202 {
		t.Fatalf("renew: %d %s", r.Status, r.Body)
	}
	o = sh.waitFor(t, o.ID, "issued", func(v orderView) bool { return v.Term.EndsAt != nil && v.Term.EndsAt.After(ends) })

	// Revoke, or Enom's clear refusal.
	r = s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/revoke", billing, map[string]any{"reason": "key_compromise"})
	if p.revokes {
		r.JSON(t, &o)
		if r.Status != 200 || o.Status != "revoked" {
			t.Fatalf("revoke: %d %s", r.Status, r.Body)
		}
	} else {
		pr := wantProblem(t, r, 409, "unsupported", "")
		if !strings.Contains(pr.Detail, "cannot revoke") || !strings.Contains(pr.Detail, p.name) {
			t.Fatalf("refusal: %+v", pr)
		}
		if o = sh.get(t, o.ID); o.Status != "issued" {
			t.Fatalf("after the refusal: %s", o.Status)
		}
	}

	// Cancel a pending order.
	o2 := sh.order(t, p.item, 12)
	r = s.Call(t, "POST", "/api/v1/orders/"+o2.ID+"/configure", billing, map[string]any{
		"generate_key": map[string]any{"key_type": "ecdsa-p256", "common_name": p.pendingName}, "dcv_method": "dns", "server_type": "apache"})
	if r.Status != 202 {
		t.Fatalf("configure: %d %s", r.Status, r.Body)
	}
	sh.waitFor(t, o2.ID, "pending_validation", func(v orderView) bool { return len(v.Issuances) > 0 && v.Issuances[0].Status == "pending" })
	r = s.Call(t, "POST", "/api/v1/orders/"+o2.ID+"/cancel", billing, map[string]any{"reason": "changed mind"})
	r.JSON(t, &o2)
	if r.Status != 200 || o2.Status != "cancelled" || !o2.RefundDue {
		t.Fatalf("cancel: %d %s", r.Status, r.Body)
	}
}

// TestEnomLostPurchaseAnswerBuysOnce loses Enom's answer to PurchaseServices: the service cannot tell
// whether the certificate was bought, so the reconciler asks Enom (CertGetCerts), adopts the one
// certificate bought since the order was submitted, configures it on the next status check, and the
// order is issued with exactly one purchase.
func TestEnomLostPurchaseAnswerBuysOnce(t *testing.T) {
	s := apptest.New(t)
	sim := enomsim.New(enomsim.Options{})
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	creds := sim.DefaultAccount()
	var acct struct {
		ID string `json:"id"`
	}
	r := s.Call(t, "POST", "/api/v1/provider-accounts", s.AdminKey, map[string]any{"provider": "enom", "name": "Enom simulator",
		"environment": "test", "endpoint": srv.URL, "credentials": map[string]string{"uid": creds.UID, "pw": creds.PW}})
	if r.Status != 201 {
		t.Fatalf("create account: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &acct)
	if r := s.Call(t, "POST", "/api/v1/provider-accounts/"+acct.ID+"/sync", s.AdminKey, nil); r.Status != 200 {
		t.Fatalf("sync: %d %s", r.Status, r.Body)
	}
	var imported struct {
		Data []product `json:"data"`
	}
	s.Call(t, "POST", "/api/v1/products/import", s.AdminKey, map[string]any{"provider_account_id": acct.ID,
		"items": []string{"certificate-rapidssl-rapidssl"}, "margin_bps": 2000}).JSON(t, &imported)
	if len(imported.Data) != 1 {
		t.Fatalf("import: %+v", imported)
	}
	var c client
	s.Call(t, "POST", "/api/v1/clients", s.BillingKey, map[string]any{"email": "lost@example.com", "first_name": "Lo", "last_name": "St",
		"organization": "Example Ltd", "phone": "+1 425 274 4500",
		"address": map[string]string{"line1": "1 Main St", "city": "Seattle", "state": "WA", "postal_code": "98101", "country": "US"}}).JSON(t, &c)
	sh := &shop{s: s, account: acct.ID, products: map[string]product{"certificate-rapidssl-rapidssl": imported.Data[0]}, client: c.ID}
	o := sh.order(t, "certificate-rapidssl-rapidssl", 12)
	lists := sim.Calls("CertGetCerts")
	sim.MalformNext(1) // the next request is PurchaseServices: Enom buys, the answer is cut short
	r = s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/configure", s.BillingKey, map[string]any{
		"generate_key": map[string]any{"key_type": "ecdsa-p256", "common_name": "polls1.lost.example.com"}, "dcv_method": "dns", "server_type": "apache"})
	if r.Status != 202 {
		t.Fatalf("configure: %d %s", r.Status, r.Body)
	}
	o = sh.waitFor(t, o.ID, "issued")
	if sim.Purchases() != 1 || sim.Calls("PurchaseServices") != 1 {
		t.Fatalf("purchases %d, PurchaseServices calls %d: want exactly one", sim.Purchases(), sim.Calls("PurchaseServices"))
	}
	if sim.Calls("CertGetCerts") <= lists {
		t.Fatal("the reconciler never asked Enom for the certificates bought")
	}
	if err := pki.Verify(download(t, s, o.ID, "pem"), download(t, s, o.ID, "chain"), sim.RootPEM(), time.Now(), "polls1.lost.example.com"); err != nil {
		t.Fatal(err)
	}
}
