package pki

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// caEpoch is when test CAs are made: before the first industry date, so one CA covers every boundary.
func caEpoch() time.Time { return time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC) }

// newTestCA makes a CA at caEpoch.
func newTestCA(tb testing.TB) *CA {
	tb.Helper()
	ca, err := NewCA("Sandbox Test CA", caEpoch())
	if err != nil {
		tb.Fatalf("NewCA: %v", err)
	}
	return ca
}

// rawCSR signs a request with any key and DNS names, bypassing CreateCSR's checks so tests can build requests
// the service must refuse.
func rawCSR(tb testing.TB, key crypto.Signer, cn string, dnsNames ...string) []byte {
	tb.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject:  pkix.Name{CommonName: cn},
		DNSNames: dnsNames,
	}, key)
	if err != nil {
		tb.Fatalf("CreateCertificateRequest: %v", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}

// mustKey generates a key of keyType.
func mustKey(tb testing.TB, keyType string) crypto.Signer {
	tb.Helper()
	k, err := GenerateKey(keyType)
	if err != nil {
		tb.Fatalf("GenerateKey(%q): %v", keyType, err)
	}
	return k
}

// fieldDetail returns the field and detail of the first field error of err, failing when err is not an
// invalid *errs.Error with field errors.
func fieldDetail(tb testing.TB, err error) (string, string) {
	tb.Helper()
	var e *errs.Error
	if !errors.As(err, &e) {
		tb.Fatalf("error %v (%T) is not an *errs.Error", err, err)
	}
	if e.Code != errs.Invalid || len(e.Fields) == 0 {
		tb.Fatalf("error %v: code %q, %d fields; want invalid with a field", err, e.Code, len(e.Fields))
	}
	return e.Fields[0].Field, e.Fields[0].Detail
}

// writeFile writes data into dir/name and returns the path.
func writeFile(tb testing.TB, dir, name string, data []byte) string {
	tb.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

// asErr is errs.As for tests.
func asErr(err error) (*errs.Error, bool) { return errs.As(err) }

// ipAddrs parses IP addresses.
func ipAddrs(tb testing.TB, ss ...string) []net.IP {
	tb.Helper()
	var out []net.IP
	for _, s := range ss {
		ip := net.ParseIP(s)
		if ip == nil {
			tb.Fatalf("bad IP %q", s)
		}
		out = append(out, ip)
	}
	return out
}

// mustDER returns the bytes of the first PEM block.
func mustDER(tb testing.TB, pemBytes []byte) []byte {
	tb.Helper()
	b, _ := pem.Decode(pemBytes)
	if b == nil {
		tb.Fatal("no PEM block")
	}
	return b.Bytes
}

// splitPEM returns each PEM block of data re-encoded on its own.
func splitPEM(tb testing.TB, data []byte) [][]byte {
	tb.Helper()
	var out [][]byte
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return out
		}
		out = append(out, pem.EncodeToMemory(b))
	}
}

// readFile reads a file or fails.
func readFile(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
