package httpapi_test

import (
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/sslreseller/sslreseller/internal/app/apptest"
)

// The benchmarks measure the API end to end over loopback HTTP against a real PostgreSQL: one
// request per iteration, so ns/op is the latency and 1e9/(ns/op) the throughput of one client.
// Compare with pgbench running the same statements (make bench prints both numbers side by side
// when run by hand).

func benchGet(b *testing.B, s *apptest.Server, path, key string) {
	b.Helper()
	client := &http.Client{}
	req, _ := http.NewRequest("GET", s.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

func BenchmarkGetClient(b *testing.B) {
	s := apptest.New(b)
	var c client
	s.Call(b, "POST", "/api/v1/clients", s.BillingKey, map[string]any{"email": "bench@example.com", "first_name": "B", "last_name": "Ench"}).JSON(b, &c)
	benchGet(b, s, "/api/v1/clients/"+c.ID, s.BillingKey)
}

func BenchmarkListClients(b *testing.B) {
	s := apptest.New(b)
	for i := range 200 {
		s.Call(b, "POST", "/api/v1/clients", s.BillingKey, map[string]any{"email": fmt.Sprintf("c%d@example.com", i), "first_name": "C", "last_name": "L"})
	}
	benchGet(b, s, "/api/v1/clients?limit=50", s.BillingKey)
}

func BenchmarkListProducts(b *testing.B) {
	s := apptest.New(b)
	acct := setupSandboxB(b, s)
	s.Call(b, "POST", "/api/v1/products/import", s.AdminKey, map[string]any{"provider_account_id": acct,
		"items": []string{"sandbox-dv", "sandbox-dv-wildcard", "sandbox-dv-multi", "sandbox-ov", "sandbox-ev"}, "margin_bps": 2000})
	benchGet(b, s, "/api/v1/products", s.BillingKey)
}

func setupSandboxB(b *testing.B, s *apptest.Server) string {
	b.Helper()
	var acct struct {
		ID string `json:"id"`
	}
	s.Call(b, "POST", "/api/v1/provider-accounts", s.AdminKey, map[string]any{"provider": "sandbox", "name": "Sandbox"}).JSON(b, &acct)
	s.Call(b, "POST", "/api/v1/provider-accounts/"+acct.ID+"/sync", s.AdminKey, nil)
	return acct.ID
}
