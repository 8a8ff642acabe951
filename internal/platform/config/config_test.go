package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultsAndEnv(t *testing.T) {
	t.Setenv("SSLR_DATABASE_URL", "postgres://app:secret@127.0.0.1:5432/db")
	t.Setenv("SSLR_HTTP_ADDR", "127.0.0.1:9999")
	t.Setenv("SSLR_CRYPTO_PREVIOUS_KEYS", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=,AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=")
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if c.Database.MigrateURL != c.Database.URL {
		t.Errorf("migrate_url should default to url, got %q", c.Database.MigrateURL)
	}
	if c.HTTP.BaseURL != "http://127.0.0.1:9999" {
		t.Errorf("base_url = %q", c.HTTP.BaseURL)
	}
	if len(c.Crypto.PreviousKeys) != 2 {
		t.Errorf("previous_keys = %d entries, want 2", len(c.Crypto.PreviousKeys))
	}
	m := c.Masked()
	if s := m["database.url"].(string); strings.Contains(s, "secret") {
		t.Errorf("masked url leaks the password: %s", s)
	}
}

func TestInvalidNamesTheKey(t *testing.T) {
	cases := []struct{ env, val, key string }{
		{"SSLR_CRYPTO_KEY", "c2hvcnQ=", "crypto.key"},
		{"SSLR_LOG_LEVEL", "loud", "log.level"},
		{"SSLR_LOG_FORMAT", "xml", "log.format"},
		{"SSLR_HTTP_ADDR", "nonsense", "http.addr"},
		{"SSLR_DATABASE_URL", "mysql://x", "database.url"},
		{"SSLR_HTTP_BASE_URL", "ftp://x", "http.base_url"},
	}
	for _, tc := range cases {
		t.Run(tc.key, func(t *testing.T) {
			t.Setenv(tc.env, tc.val)
			_, err := Load("")
			if err == nil || !strings.Contains(err.Error(), tc.key) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("want one line naming %s, got %v", tc.key, err)
			}
		})
	}
}

func TestFileAndExampleDocumentEveryKey(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(p, []byte("log:\n  level: debug\nhttp:\n  addr: 127.0.0.1:7000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.Log.Level != "debug" || c.HTTP.Addr != "127.0.0.1:7000" {
		t.Fatalf("file not applied: %+v", c)
	}
	example, err := os.ReadFile("../../../configs/config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Keys() {
		parts := strings.Split(k, ".")
		if !strings.Contains(string(example), parts[len(parts)-1]+":") {
			t.Errorf("configs/config.example.yaml does not document %s", k)
		}
	}
	if _, err := Load("../../../configs/config.example.yaml"); err != nil {
		t.Errorf("the example config does not load: %v", err)
	}
}
