package httpapi_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sslreseller/sslreseller/internal/app/apptest"
	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/platform/config"
	"github.com/sslreseller/sslreseller/internal/provider/hexonet/hexonetsim"
	"github.com/sslreseller/sslreseller/internal/provider/sectigo/sectigosim"
)

// simShop is a tenant selling one single-name DV item of a provider account pointed at a simulator.
type simShop struct {
	*shop
	product string
	root    []byte
}

func fastServer(t *testing.T) *apptest.Server {
	return apptest.New(t, apptest.Options{Configure: func(c *config.Config) {
		c.Providers.AllowCustomEndpoints = true
		c.Poller.FirstCheck = 200 * time.Millisecond
		c.Poller.InitialInterval = 200 * time.Millisecond
		c.Poller.MaxInterval = time.Second
	}})
}

// simAccount connects an account, syncs it (entering costs where the provider has no price list) and
// imports its first single-name DV item.
func simAccount(t *testing.T, s *apptest.Server, body map[string]any, costs bool) (acct, product string) {
	t.Helper()
	var a struct {
		ID string `json:"id"`
	}
	r := s.Call(t, "POST", "/api/v1/provider-accounts", s.AdminKey, body)
	if r.Status != 201 {
		t.Fatalf("create account: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &a)
	var res struct {
		OK     bool   `json:"ok"`
		Detail string `json:"detail"`
	}
	s.Call(t, "POST", "/api/v1/provider-accounts/"+a.ID+"/test", s.AdminKey, nil).JSON(t, &res)
	if !res.OK {
		t.Fatalf("test connection: %s", res.Detail)
	}
	if r := s.Call(t, "POST", "/api/v1/provider-accounts/"+a.ID+"/sync", s.AdminKey, nil); r.Status != 200 {
		t.Fatalf("sync: %d %s", r.Status, r.Body)
	}
	var items struct {
		Data []struct {
			Code       string `json:"code"`
			Validation string `json:"validation"`
			Wildcard   bool   `json:"wildcard"`
			MaxNames   int    `json:"max_names"`
			Periods    []struct {
				Months int `json:"months"`
			} `json:"periods"`
		} `json:"data"`
	}
	s.Call(t, "GET", "/api/v1/catalog?provider_account_id="+a.ID, s.AdminKey, nil).JSON(t, &items)
	code := ""
	var months []int
	for _, it := range items.Data {
		if it.Validation == "dv" && !it.Wildcard && it.MaxNames <= 1 && code == "" {
			code = it.Code
			for _, p := range it.Periods {
				months = append(months, p.Months)
			}
		}
	}
	if code == "" {
		t.Fatalf("no single-name DV item: %+v", items.Data)
	}
	if costs {
		var periods []map[string]any
		for _, m := range months {
			periods = append(periods, map[string]any{"months": m, "cost": map[string]any{"currency": "USD", "amount_minor": 700 * m / 12}})
		}
		if r := s.Call(t, "PUT", "/api/v1/catalog/"+a.ID+"/"+code+"/costs", s.AdminKey, map[string]any{"periods": periods}); r.Status != 200 {
			t.Fatalf("costs: %d %s", r.Status, r.Body)
		}
	}
	var imported struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	r = s.Call(t, "POST", "/api/v1/products/import", s.AdminKey, map[string]any{"provider_account_id": a.ID, "items": []string{code}, "margin_bps": 2500})
	if r.Status != 200 {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &imported)
	return a.ID, imported.Data[0].ID
}

// lifecycle runs order, configure, pending, issued, download, reissue, renew, revoke (or its clear
// refusal) and cancel through the API against a provider's simulator.
func (sh *simShop) lifecycle(t *testing.T, canRevoke bool) {
	s := sh.s
	key := s.BillingKey
	order := func() orderView {
		t.Helper()
		r := s.Call(t, "POST", "/api/v1/orders", key, map[string]any{"client_id": sh.client, "product_id": sh.product, "period_months": 12},
			"Idempotency-Key: "+time.Now().Format(time.RFC3339Nano))
		if r.Status != 201 {
			t.Fatalf("order: %d %s", r.Status, r.Body)
		}
		var o orderView
		r.JSON(t, &o)
		return o
	}
	o := order()
	var appr struct {
		Emails []string `json:"emails"`
	}
	s.Call(t, "GET", "/api/v1/orders/"+o.ID+"/approver-emails?domain=shop.example.com", key, nil).JSON(t, &appr)
	if len(appr.Emails) == 0 || !containsAll(appr.Emails, "admin@example.com") {
		t.Fatalf("approver addresses from the provider: %v", appr.Emails)
	}
	r := s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/configure", key, map[string]any{
		"generate_key": map[string]any{"key_type": "rsa-2048", "common_name": "shop.example.com"}, "dcv_method": "email",
		"approver_email": "admin@example.com", "server_type": "apache"})
	if r.Status != 202 {
		t.Fatalf("configure: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &o)
	if o.Status != "pending_validation" && o.Status != "submitting" {
		t.Fatalf("after configure: %s (%s)", o.Status, o.StatusNote)
	}
	o = sh.waitFor(t, o.ID, "issued")
	if o.Certificate == nil || o.Certificate.CommonName != "shop.example.com" {
		t.Fatalf("issued: %+v", o.Certificate)
	}
	cert, chain := download(t, s, o.ID, "pem"), download(t, s, o.ID, "chain")
	if err := pki.Verify(cert, chain, sh.root, time.Now(), "shop.example.com"); err != nil {
		t.Fatalf("the certificate does not verify against the simulator's root: %v", err)
	}
	first := o.Certificate.Serial

	if r := s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/reissue", key, map[string]any{"generate_key": map[string]any{"key_type": "ecdsa-p256"}}); r.Status != 202 && r.Status != 200 {
		t.Fatalf("reissue: %d %s", r.Status, r.Body)
	}
	o = sh.waitFor(t, o.ID, "issued", func(v orderView) bool { return v.Certificate != nil && v.Certificate.Serial != first })
	second := o.Certificate.Serial
	if err := pki.Verify(download(t, s, o.ID, "pem"), download(t, s, o.ID, "chain"), sh.root, time.Now(), "shop.example.com"); err != nil {
		t.Fatalf("the reissued certificate does not verify: %v", err)
	}

	ends := *o.Term.EndsAt
	if r := s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/renew", key, map[string]any{"period_months": 12}, "Idempotency-Key: renew-"+o.ID); r.Status != 202 && r.Status != 200 {
		t.Fatalf("renew: %d %s", r.Status, r.Body)
	}
	o = sh.waitFor(t, o.ID, "issued", func(v orderView) bool {
		return v.Term.EndsAt != nil && v.Term.EndsAt.After(ends) && v.Certificate.Serial != second
	})

	r = s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/revoke", key, map[string]any{"reason": "superseded"})
	if canRevoke {
		if r.Status != 200 {
			t.Fatalf("revoke: %d %s", r.Status, r.Body)
		}
		if o = sh.get(t, o.ID); o.Status != "revoked" {
			t.Fatalf("after revoke: %s", o.Status)
		}
	} else if r.Status != 409 || !strings.Contains(string(r.Body), "revoke") {
		t.Fatalf("revoke where the provider cannot: %d %s", r.Status, r.Body)
	}

	c := order()
	if r := s.Call(t, "POST", "/api/v1/orders/"+c.ID+"/cancel", key, map[string]any{"reason": "not needed"}); r.Status != 200 {
		t.Fatalf("cancel: %d %s", r.Status, r.Body)
	}
	if c = sh.get(t, c.ID); c.Status != "cancelled" || !c.RefundDue {
		t.Fatalf("after cancel: %s refund %v", c.Status, c.RefundDue)
	}
}

func newSimShop(t *testing.T, s *apptest.Server, acctBody map[string]any, costs bool, root []byte) *simShop {
	t.Helper()
	acct, product := simAccount(t, s, acctBody, costs)
	var c client
	s.Call(t, "POST", "/api/v1/clients", s.BillingKey, map[string]any{"email": "buyer@example.com", "first_name": "Bea", "last_name": "Buyer",
		"organization": "Example Ltd", "phone": "+44 20 7946 0000",
		"address": map[string]string{"line1": "1 High St", "city": "London", "postal_code": "N1 1AA", "country": "GB"}}).JSON(t, &c)
	return &simShop{shop: &shop{s: s, account: acct, client: c.ID}, product: product, root: root}
}

func TestHEXONETLifecycleAgainstSimulator(t *testing.T) {
	sim := hexonetsim.New(hexonetsim.Options{})
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	creds := sim.DefaultCredentials()
	s := fastServer(t)
	sh := newSimShop(t, s, map[string]any{"provider": "hexonet", "name": "HEXONET OT&E", "environment": "test", "endpoint": srv.URL,
		"credentials": map[string]string{"login": creds.Login, "password": creds.Password}}, false, sim.RootPEM())
	sh.lifecycle(t, true)
}

func TestSectigoLifecycleAgainstSimulator(t *testing.T) {
	sim := sectigosim.New(sectigosim.Options{IssueTestOrders: true})
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	acct := sim.DefaultAccount()
	s := fastServer(t)
	sh := newSimShop(t, s, map[string]any{"provider": "sectigo", "name": "Sectigo test", "environment": "test", "endpoint": srv.URL,
		"credentials": map[string]string{"login_name": acct.LoginName, "login_password": acct.LoginPassword}}, true, sim.RootPEM())
	sh.lifecycle(t, true)
}
