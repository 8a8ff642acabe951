package webui

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	l := newLimiter(3, 10*time.Minute, func() time.Time { return now })
	key := "staff|t|192.0.2.1|ada@example.com"
	for i := range 3 {
		if _, over := l.blocked(key); over {
			t.Fatalf("blocked after %d failures, want 3 allowed", i)
		}
		l.fail(key)
	}
	wait, over := l.blocked(key)
	if !over || wait != 10*time.Minute {
		t.Fatalf("after 3 failures: over=%v wait=%v, want blocked for 10m", over, wait)
	}
	if _, over := l.blocked("staff|t|192.0.2.1|bob@example.com"); over {
		t.Error("another e-mail from the same address is blocked")
	}
	if _, over := l.blocked("staff|t|192.0.2.2|ada@example.com"); over {
		t.Error("the same e-mail from another address is blocked")
	}
	now = now.Add(4 * time.Minute)
	if wait, _ := l.blocked(key); wait != 6*time.Minute {
		t.Errorf("wait after 4m: %v, want 6m", wait)
	}
	now = now.Add(6 * time.Minute)
	if _, over := l.blocked(key); over {
		t.Error("still blocked after the window")
	}
	if len(l.seen) != 0 {
		t.Errorf("expired entries kept: %d", len(l.seen))
	}
	l.fail(key)
	l.reset(key)
	if _, ok := l.seen[key]; ok {
		t.Error("reset kept the key")
	}
}

func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ next, want string }{
		{"", "/t/acme/admin"},
		{"/t/acme/admin", "/t/acme/admin"},
		{"/t/acme/admin/clients?q=x", "/t/acme/admin/clients?q=x"},
		{"/t/acme/administrator", "/t/acme/admin"},
		{"/t/other/admin/clients", "/t/acme/admin"},
		{"https://evil.example/t/acme/admin/", "/t/acme/admin"},
		{"//evil.example/t/acme/admin/", "/t/acme/admin"},
		{"/t/acme/admin//evil.example", "/t/acme/admin"},
		{"/t/acme/admin/\\evil", "/t/acme/admin"},
	} {
		if got := safeNext(tc.next, "/t/acme/admin"); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.next, got, tc.want)
		}
	}
}

func TestFieldMessage(t *testing.T) {
	for _, tc := range []struct{ label, detail, want string }{
		{"First name", "is required", "First name is required."},
		{"Password", "must be at least 10 characters", "Password must be at least 10 characters."},
		{"E-mail", `"x" is not an e-mail address`, `"x" is not an e-mail address.`},
		{"Slug", "a tenant with slug \"acme\" already exists", "A tenant with slug \"acme\" already exists."},
	} {
		if got := fieldMessage(tc.label, tc.detail); got != tc.want {
			t.Errorf("fieldMessage(%q, %q) = %q, want %q", tc.label, tc.detail, got, tc.want)
		}
	}
}
