package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/app"
	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/platform/config"
	"github.com/sslreseller/sslreseller/internal/platform/testdb"
	"github.com/sslreseller/sslreseller/internal/provider/hexonet/hexonetsim"
	"github.com/sslreseller/sslreseller/internal/tenant"
	"go.uber.org/zap"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// binary builds cmd/sslreseller once per test run.
func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		root, err := repoRoot()
		if err != nil {
			binErr = err
			return
		}
		dir, err := os.MkdirTemp("", "sslreseller-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "sslreseller")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/sslreseller")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// proc is one running `sslreseller serve`.
type proc struct {
	cmd  *exec.Cmd
	url  string
	logs *bytes.Buffer
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serve starts a real sslreseller process on the database and waits until it is ready.
func serve(t *testing.T, env []string) *proc {
	t.Helper()
	addr := freeAddr(t)
	p := &proc{url: "http://" + addr, logs: &bytes.Buffer{}}
	p.cmd = exec.Command(binary(t), "serve")
	p.cmd.Env = append(os.Environ(), append(env, "SSLR_HTTP_ADDR="+addr, "SSLR_HTTP_BASE_URL="+p.url)...)
	p.cmd.Stderr = p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		}
		if t.Failed() {
			t.Logf("logs of %s:\n%s", p.url, tail(p.logs.String(), 4000))
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(p.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("sslreseller did not get ready: %v\n%s", err, tail(p.logs.String(), 4000))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// kill ends the process at once, as a crash would.
func (p *proc) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = p.cmd.Wait()
}

// call sends one API request and decodes the JSON answer into out.
func (p *proc) call(t *testing.T, method, path, key string, body any, out any, headers ...string) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, p.url+path, rd)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(k, strings.TrimSpace(v))
	}
	resp, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, raw)
		}
	}
	return resp.StatusCode
}

type crashShop struct {
	env      []string
	admin    string
	billing  string
	product  string
	client   string
	sim      *hexonetsim.Sim
	simURL   string
	tenantID uuid.UUID
	db       *testdb.Database
}

// newCrashShop makes a database with a tenant and keys, a HEXONET simulator, and the environment of
// the processes; the catalogue is set up through the first process.
func newCrashShop(t *testing.T) *crashShop {
	t.Helper()
	d := testdb.New(t)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	sh := &crashShop{db: d, env: []string{
		"SSLR_DATABASE_URL=" + d.AppURL, "SSLR_DATABASE_MIGRATE_URL=" + d.OwnerURL,
		"SSLR_CRYPTO_KEY=" + base64.StdEncoding.EncodeToString(key),
		"SSLR_AUTH_ARGON2_MEMORY_KIB=64", "SSLR_AUTH_ARGON2_ITERATIONS=1",
		"SSLR_PROVIDERS_ALLOW_CUSTOM_ENDPOINTS=true", "SSLR_LOG_LEVEL=warn",
		"SSLR_POLLER_FIRST_CHECK=300ms", "SSLR_POLLER_INITIAL_INTERVAL=300ms", "SSLR_POLLER_MAX_INTERVAL=1s",
		"SSLR_POLLER_SUBMIT_LEASE=2s", "SSLR_DATABASE_MAX_CONNS=8",
	}}
	sh.sim = hexonetsim.New(hexonetsim.Options{SlowDelay: 4 * time.Second})
	srv := httptest.NewServer(sh.sim.Handler())
	t.Cleanup(srv.Close)
	sh.simURL = srv.URL
	// Seed the tenant and keys in-process, like `sslreseller tenant create` and `apikey create` would.
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Database.URL, cfg.Database.MigrateURL = d.AppURL, d.OwnerURL
	cfg.Crypto.Key = base64.StdEncoding.EncodeToString(key)
	cfg.Auth.Argon2MemoryKiB, cfg.Auth.Argon2Iterations = 64, 1
	a, err := app.New(context.Background(), cfg, zap.NewNop(), app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx := audit.WithActor(context.Background(), audit.Actor{Type: audit.ActorCLI, Label: "test"})
	tn, err := a.Tenants.Create(ctx, tenant.CreateInput{Slug: "crash", Name: "Crash Test", Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	sh.tenantID = tn.ID
	_, sh.admin, _ = a.Accounts.CreateAPIKey(ctx, tn.ID, "admin", account.ScopeAdmin)
	_, sh.billing, _ = a.Accounts.CreateAPIKey(ctx, tn.ID, "billing", account.ScopeBilling)
	return sh
}

func (sh *crashShop) catalogue(t *testing.T, p *proc) {
	t.Helper()
	creds := sh.sim.DefaultCredentials()
	var acct struct {
		ID string `json:"id"`
	}
	if st := p.call(t, "POST", "/api/v1/provider-accounts", sh.admin, map[string]any{"provider": "hexonet", "name": "HEXONET OT&E",
		"environment": "test", "endpoint": sh.simURL, "credentials": map[string]string{"login": creds.Login, "password": creds.Password}}, &acct); st != 201 {
		t.Fatalf("create hexonet account: %d", st)
	}
	if st := p.call(t, "POST", "/api/v1/provider-accounts/"+acct.ID+"/sync", sh.admin, nil, nil); st != 200 {
		t.Fatalf("sync: %d", st)
	}
	var items struct {
		Data []struct {
			Code       string `json:"code"`
			Validation string `json:"validation"`
			Wildcard   bool   `json:"wildcard"`
			MaxNames   int    `json:"max_names"`
		} `json:"data"`
	}
	p.call(t, "GET", "/api/v1/catalog?provider_account_id="+acct.ID, sh.admin, nil, &items)
	code := ""
	for _, it := range items.Data {
		if it.Validation == "dv" && !it.Wildcard && it.MaxNames <= 2 && code == "" {
			code = it.Code
		}
	}
	if code == "" {
		t.Fatalf("no single-name DV item in the HEXONET catalogue: %+v", items.Data)
	}
	var imported struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if st := p.call(t, "POST", "/api/v1/products/import", sh.admin, map[string]any{"provider_account_id": acct.ID, "items": []string{code}, "margin_bps": 2000}, &imported); st != 200 || len(imported.Data) != 1 {
		t.Fatalf("import: %d %+v", st, imported)
	}
	sh.product = imported.Data[0].ID
	var c struct {
		ID string `json:"id"`
	}
	p.call(t, "POST", "/api/v1/clients", sh.billing, map[string]any{"email": "crash@example.com", "first_name": "Cr", "last_name": "Ash"}, &c)
	sh.client = c.ID
}

func (sh *crashShop) order(t *testing.T, p *proc) string {
	t.Helper()
	var o struct {
		ID string `json:"id"`
	}
	if st := p.call(t, "POST", "/api/v1/orders", sh.billing, map[string]any{"client_id": sh.client, "product_id": sh.product, "period_months": 12},
		&o, "Idempotency-Key: "+uuid.NewString()); st != 201 {
		t.Fatalf("create order: %d", st)
	}
	return o.ID
}

func (sh *crashShop) waitIssued(t *testing.T, p *proc, id string) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		var o struct {
			Status     string `json:"status"`
			StatusNote string `json:"status_note"`
		}
		p.call(t, "GET", "/api/v1/orders/"+id, sh.billing, nil, &o)
		if o.Status == "issued" {
			return
		}
		if time.Now().After(deadline) || o.Status == "needs_attention" || o.Status == "rejected" {
			t.Fatalf("order %s is %s (%s)", id, o.Status, o.StatusNote)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestKilledDuringSubmissionBuysOnce kills a real sslreseller process after the provider placed the
// order but before the answer arrived, and lets another process recover: the reconciler asks the
// provider, adopts the order it finds, and nothing is bought twice.
func TestKilledDuringSubmissionBuysOnce(t *testing.T) {
	sh := newCrashShop(t)
	first := serve(t, sh.env)
	sh.catalogue(t, first)
	id := sh.order(t, first)

	// late.* names are bought at once but answered only after 4s: the process dies in between.
	done := make(chan int, 1)
	go func() {
		done <- first.call(t, "POST", "/api/v1/orders/"+id+"/configure", sh.billing, map[string]any{
			"generate_key": map[string]any{"common_name": "late.example.com"}, "dcv_method": "dns"}, nil)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for sh.sim.Purchases("1234") == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the simulator never received the purchase")
		}
		time.Sleep(20 * time.Millisecond)
	}
	first.kill(t)
	<-done

	status := issuanceStatus(t, sh)
	if status != "submitting" {
		t.Fatalf("after the crash the issuance is %q, want submitting (intent committed, result not)", status)
	}
	second := serve(t, sh.env)
	sh.waitIssued(t, second, id)
	if n := sh.sim.Purchases("1234"); n != 1 {
		t.Fatalf("the provider was paid %d times for one order", n)
	}
}

// TestTwoProcessesNeverWorkTheSameIssuanceTwice runs two serve processes over one database: every
// order is bought once and no issuance is polled by both at the same time.
func TestTwoProcessesNeverWorkTheSameIssuanceTwice(t *testing.T) {
	sh := newCrashShop(t)
	a := serve(t, sh.env)
	b := serve(t, sh.env)
	sh.catalogue(t, a)
	var ids []string
	for i := range 6 {
		p := []*proc{a, b}[i%2]
		id := sh.order(t, p)
		if st := p.call(t, "POST", "/api/v1/orders/"+id+"/configure", sh.billing, map[string]any{
			"generate_key": map[string]any{"common_name": fmt.Sprintf("polls3.site%d.example.com", i)}, "dcv_method": "dns"}, nil); st != 202 {
			t.Fatalf("configure %d: %d", i, st)
		}
		ids = append(ids, id)
	}
	for i, id := range ids {
		sh.waitIssued(t, []*proc{a, b}[(i+1)%2], id)
	}
	if n := sh.sim.Purchases("1234"); n != len(ids) {
		t.Fatalf("%d purchases for %d orders", n, len(ids))
	}
	// Status checks of one issuance never overlap in time, whichever process made them.
	conn, err := pgx.Connect(context.Background(), sh.db.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var overlaps int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM provider_calls a JOIN provider_calls b
		ON a.issuance_id = b.issuance_id AND a.id < b.id AND a.command = b.command
		WHERE a.command ILIKE '%status%' AND b.started_at < a.started_at + a.duration_ms * interval '1 millisecond'`).Scan(&overlaps); err != nil {
		t.Fatal(err)
	}
	if overlaps != 0 {
		t.Fatalf("%d status checks of the same issuance overlapped", overlaps)
	}
}

func issuanceStatus(t *testing.T, sh *crashShop) string {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), sh.db.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var s string
	if err := conn.QueryRow(context.Background(), `SELECT status FROM issuances ORDER BY id DESC LIMIT 1`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}
