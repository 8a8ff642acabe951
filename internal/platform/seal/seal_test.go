package seal

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func key(t *testing.T) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

func TestSealOpenRotate(t *testing.T) {
	t.Parallel()
	oldKey, newKey := key(t), key(t)
	old, err := New(oldKey)
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("pw=hunter2")
	v, err := old.Seal(secret, "provider_account:1")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(v, "hunter2") {
		t.Fatal("sealed value contains the plaintext")
	}
	rotated, err := New(newKey, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	got, err := rotated.Open(v, "provider_account:1")
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("open with previous key: %q %v", got, err)
	}
	if !rotated.NeedsReseal(v) {
		t.Error("value under the previous key should need resealing")
	}
	v2, _ := rotated.Seal(secret, "provider_account:1")
	if rotated.NeedsReseal(v2) {
		t.Error("fresh value should not need resealing")
	}
	if _, err := rotated.Open(v, "provider_account:2"); !errors.Is(err, ErrOpen) {
		t.Errorf("wrong context must fail, got %v", err)
	}
	if _, err := old.Open(v2, "provider_account:1"); !errors.Is(err, ErrOpen) {
		t.Errorf("unknown key must fail, got %v", err)
	}
	tampered := v2[:len(v2)-2] + "AA"
	if _, err := rotated.Open(tampered, "provider_account:1"); !errors.Is(err, ErrOpen) {
		t.Errorf("tampered value must fail, got %v", err)
	}
	if _, err := New("short"); err == nil || strings.Contains(err.Error(), "short") {
		t.Errorf("bad key must fail without echoing it: %v", err)
	}
}
