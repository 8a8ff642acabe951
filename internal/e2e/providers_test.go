package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"github.com/sslreseller/sslreseller/internal/app/apptest"
	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/platform/config"
	"github.com/sslreseller/sslreseller/internal/provider/enom/enomsim"
	"github.com/sslreseller/sslreseller/internal/provider/hexonet/hexonetsim"
	"github.com/sslreseller/sslreseller/internal/provider/sectigo/sectigosim"
)

// simProvider is a provider's simulator as the browser test connects to it.
type simProvider struct {
	name        string
	url         string
	credentials map[string]string // input id suffix -> value
	enterCosts  bool
	root        []byte
}

func simProviders(t *testing.T) []simProvider {
	hx := hexonetsim.New(hexonetsim.Options{})
	hxSrv := httptest.NewServer(hx.Handler())
	t.Cleanup(hxSrv.Close)
	hc := hx.DefaultCredentials()
	sc := sectigosim.New(sectigosim.Options{IssueTestOrders: true})
	scSrv := httptest.NewServer(sc.Handler())
	t.Cleanup(scSrv.Close)
	sa := sc.DefaultAccount()
	en := enomsim.New(enomsim.Options{})
	enSrv := httptest.NewServer(en.Handler())
	t.Cleanup(enSrv.Close)
	ea := en.DefaultAccount()
	return []simProvider{
		{name: "enom", url: enSrv.URL, credentials: map[string]string{"uid": ea.UID, "pw": ea.PW}, root: en.RootPEM()},
		{name: "hexonet", url: hxSrv.URL, credentials: map[string]string{"login": hc.Login, "password": hc.Password}, root: hx.RootPEM()},
		{name: "sectigo", url: scSrv.URL, credentials: map[string]string{"login-name": sa.LoginName, "login-password": sa.LoginPassword},
			enterCosts: true, root: sc.RootPEM()},
	}
}

// TestProvidersInBrowser: for each provider (Enom, HEXONET, Sectigo), an owner connects an account pointed at its simulator,
// tests it, syncs the catalogue (entering costs where the provider has no price list) and imports a
// product; a client then buys it, configures it through the configuration link in the browser and
// receives a certificate that verifies against the simulator's root.
func TestProvidersInBrowser(t *testing.T) {
	s := apptest.New(t, apptest.Options{Configure: func(c *config.Config) {
		c.Providers.AllowCustomEndpoints = true
		c.Poller.FirstCheck = 200 * time.Millisecond
		c.Poller.InitialInterval = 300 * time.Millisecond
		c.Poller.MaxInterval = time.Second
	}})
	var c struct {
		ID string `json:"id"`
	}
	s.Call(t, "POST", "/api/v1/clients", s.BillingKey, map[string]any{"email": "bea@example.com", "first_name": "Bea", "last_name": "Buyer",
		"organization": "Example Ltd", "phone": "+44 20 7946 0000",
		"address": map[string]string{"line1": "1 High St", "city": "London", "postal_code": "N1 1AA", "country": "GB"}}).JSON(t, &c)

	b := newBrowser(t, s.URL, "providers")
	b.staffSignIn(s)
	for _, p := range simProviders(t) {
		t.Run(p.name, func(t *testing.T) {
			b.t = t
			b.visit("/t/acme/admin/provider-accounts/new?provider="+p.name, "#f-name", p.name+"-new")
			steps := []chromedp.Action[chromedp.Void]{fill("#f-name", p.name+" simulator"), fill("#f-endpoint", p.url)}
			for k, v := range p.credentials {
				steps = append(steps, chromedp.SetValue(chromedp.CSS("#f-credentials-"+k), v))
			}
			steps = append(steps, chromedp.Click(chromedp.CSS(`.form-actions button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
			b.do("connect", steps...)
			path := b.path()
			acct := path[strings.LastIndex(path, "/")+1:]
			b.do("test", chromedp.Click(chromedp.CSS("#test-button")), chromedp.WaitVisible(chromedp.CSS(".cat-test-ok")))
			b.shot(p.name + "-tested")
			b.do("sync", chromedp.Click(chromedp.CSS("#sync-button")), chromedp.WaitVisible(chromedp.CSS("#catalog-table")))
			b.shot(p.name + "-catalog")

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
			s.Call(t, "GET", "/api/v1/catalog?provider_account_id="+acct, s.AdminKey, nil).JSON(t, &items)
			code := ""
			var months []int
			for _, it := range items.Data {
				if it.Validation == "dv" && !it.Wildcard && it.MaxNames <= 1 && code == "" {
					code = it.Code
					for _, pp := range it.Periods {
						months = append(months, pp.Months)
					}
				}
			}
			if code == "" {
				t.Fatalf("no single-name DV item in the %s catalogue", p.name)
			}
			if p.enterCosts {
				b.visit("/t/acme/admin/catalog/costs?account="+acct+"&code="+code, "#f-currency", p.name+"-costs")
				var costSteps []chromedp.Action[chromedp.Void]
				for _, m := range months {
					costSteps = append(costSteps, fill("#f-cost-"+strconv.Itoa(m), "7.00"))
				}
				costSteps = append(costSteps, chromedp.Click(chromedp.CSS(`.form-actions .btn-primary`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
				b.do("enter costs", costSteps...)
			}
			b.visit("/t/acme/admin/products/import?account="+acct, "#import-form", p.name+"-import")
			b.do("import", chromedp.Click(chromedp.CSS(`input[name=item][value="`+code+`"]`)), chromedp.Click(chromedp.CSS("#import-submit")),
				chromedp.WaitVisible(chromedp.CSS(".flash")))
			b.shot(p.name + "-products")

			var prods struct {
				Data []struct {
					ID                string `json:"id"`
					ItemCode          string `json:"item_code"`
					ProviderAccountID string `json:"provider_account_id"`
				} `json:"data"`
			}
			s.Call(t, "GET", "/api/v1/products", s.BillingKey, nil).JSON(t, &prods)
			product := ""
			for _, pr := range prods.Data {
				if pr.ItemCode == code {
					product = pr.ID
				}
			}
			if product == "" {
				t.Fatalf("the imported %s product is not in the API", code)
			}
			var o struct {
				ID           string `json:"id"`
				ConfigureURL string `json:"configure_url"`
			}
			r := s.Call(t, "POST", "/api/v1/orders", s.BillingKey, map[string]any{"client_id": c.ID, "product_id": product, "period_months": months[0]},
				"Idempotency-Key: "+uuid.NewString())
			if r.Status != 201 {
				t.Fatalf("order: %d %s", r.Status, r.Body)
			}
			r.JSON(t, &o)

			cn := p.name + ".example.com"
			b.visit(strings.TrimPrefix(o.ConfigureURL, s.URL), "#wizard-submit", p.name+"-wizard")
			b.do("generate a key and choose e-mail validation",
				chromedp.Click(chromedp.CSS("#ks-generate")),
				chromedp.WaitVisible(chromedp.CSS("#f-generate-key-common-name")),
				chromedp.Click(chromedp.CSS("#dcv-email")),
				fill("#f-generate-key-common-name", cn),
				chromedp.WaitVisible(chromedp.CSS("select#f-approver-email")))
			b.do("choose the approver and submit",
				chromedp.SetValue(chromedp.CSS("select#f-approver-email"), "admin@example.com"),
				chromedp.Click(chromedp.CSS("#wizard-submit")),
				chromedp.WaitVisible(chromedp.CSS("#cert-status")))
			b.waitText("#cert-status", "Issued", 60*time.Second)
			b.do("wait for the downloads", chromedp.WaitVisible(chromedp.CSS("#downloads")))
			b.shot(p.name + "-issued")

			get := func(format string) []byte {
				resp, err := http.Get(o.ConfigureURL + "/download/" + format)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != 200 {
					t.Fatalf("download %s: %d %s", format, resp.StatusCode, body)
				}
				return body
			}
			if err := pki.Verify(get("pem"), get("chain"), p.root, time.Now(), cn); err != nil {
				t.Fatalf("the %s certificate does not verify against the simulator's root: %v", p.name, err)
			}
		})
	}
}
