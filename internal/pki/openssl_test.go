package pki

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// openssl runs the openssl CLI, skipping the test when it is not installed, and returns its combined output.
func openssl(tb testing.TB, args ...string) (string, error) {
	tb.Helper()
	path, err := exec.LookPath("openssl")
	if err != nil {
		tb.Skip("openssl CLI not found in PATH; interoperability with OpenSSL is not tested")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, args...).CombinedOutput()
	return string(out), err
}

func TestOpenSSLInterop(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl CLI not found in PATH; interoperability with OpenSSL is not tested")
	}
	ca := newTestCA(t)
	at := time.Date(2026, time.November, 22, 10, 0, 0, 0, time.UTC)
	for _, keyType := range []string{KeyECDSAP256, KeyRSA2048} {
		t.Run(keyType, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			key := mustKey(t, keyType)
			csrPEM, err := CreateCSR(key, Subject{Organization: "Example Ltd", Country: "GB"}, []string{"www.example.com", "example.com"})
			if err != nil {
				t.Fatal(err)
			}
			iss, err := ca.Issue(IssueRequest{CSRPEM: csrPEM, NotBefore: at, Validity: 730 * 24 * time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			keyPEM, err := MarshalPrivateKeyPEM(key)
			if err != nil {
				t.Fatal(err)
			}
			csrFile := writeFile(t, dir, "req.csr", csrPEM)
			keyFile := writeFile(t, dir, "key.pem", keyPEM)
			leafFile := writeFile(t, dir, "leaf.pem", iss.CertPEM)
			chainFile := writeFile(t, dir, "chain.pem", iss.ChainPEM)
			rootFile := writeFile(t, dir, "root.pem", ca.RootPEM())
			attime := fmt.Sprint(at.Add(time.Hour).Unix())

			t.Run("req verify", func(t *testing.T) {
				out, err := openssl(t, "req", "-in", csrFile, "-noout", "-verify")
				if err != nil || !strings.Contains(strings.ToLower(out), "verify ok") {
					t.Errorf("openssl req -verify: %v\n%s", err, out)
				}
			})
			t.Run("pkey", func(t *testing.T) {
				if out, err := openssl(t, "pkey", "-in", keyFile, "-noout"); err != nil {
					t.Errorf("openssl pkey: %v\n%s", err, out)
				}
			})
			t.Run("verify", func(t *testing.T) {
				out, err := openssl(t, "verify", "-attime", attime, "-purpose", "sslserver", "-verify_hostname", "example.com",
					"-CAfile", rootFile, "-untrusted", chainFile, leafFile)
				if err != nil || strings.TrimSpace(out) != leafFile+": OK" {
					t.Errorf("openssl verify: %v\n%s", err, out)
				}
				expired := fmt.Sprint(iss.NotAfter.Add(time.Hour).Unix())
				if out, err := openssl(t, "verify", "-attime", expired, "-CAfile", rootFile, "-untrusted", chainFile, leafFile); err == nil {
					t.Errorf("openssl verify after expiry succeeded:\n%s", out)
				}
			})
			t.Run("x509 text", func(t *testing.T) {
				out, err := openssl(t, "x509", "-in", leafFile, "-noout", "-text")
				if err != nil {
					t.Fatalf("openssl x509: %v\n%s", err, out)
				}
				for _, want := range []string{"Policy: 2.23.140.1.2.1", "TLS Web Server Authentication", "DNS:www.example.com, DNS:example.com", "CA:FALSE", "Not After : Jun 10 09:59:59 2027 GMT"} {
					if !strings.Contains(out, want) {
						t.Errorf("openssl x509 -text lacks %q:\n%s", want, out)
					}
				}
			})
			t.Run("pkcs7", func(t *testing.T) {
				p7, err := PKCS7(mustDER(t, iss.CertPEM), mustDER(t, iss.ChainPEM))
				if err != nil {
					t.Fatal(err)
				}
				p7File := writeFile(t, dir, "bundle.p7b", p7)
				out, err := openssl(t, "pkcs7", "-inform", "DER", "-in", p7File, "-print_certs")
				if err != nil {
					t.Fatalf("openssl pkcs7: %v\n%s", err, out)
				}
				if n := strings.Count(out, "-----BEGIN CERTIFICATE-----"); n != 2 {
					t.Errorf("openssl pkcs7 printed %d certificates, want 2:\n%s", n, out)
				}
				for _, want := range []string{"CN = www.example.com", "CN = Sandbox Test CA Issuing CA"} {
					if !strings.Contains(out, want) {
						t.Errorf("openssl pkcs7 output lacks %q:\n%s", want, out)
					}
				}
			})
			t.Run("pkcs12", func(t *testing.T) {
				leaf, err := ParseCertificatesPEM(iss.CertPEM)
				if err != nil {
					t.Fatal(err)
				}
				chain, err := ParseCertificatesPEM(iss.ChainPEM)
				if err != nil {
					t.Fatal(err)
				}
				pfx, err := PKCS12(key, leaf[0], chain, "s3cret pass")
				if err != nil {
					t.Fatal(err)
				}
				pfxFile := writeFile(t, dir, "bundle.pfx", pfx)
				// Modern files need no -legacy; try it only if OpenSSL refuses, to report which one worked.
				out, err := openssl(t, "pkcs12", "-info", "-nokeys", "-in", pfxFile, "-passin", "pass:s3cret pass")
				if err != nil {
					legacyOut, legacyErr := openssl(t, "pkcs12", "-legacy", "-info", "-nokeys", "-in", pfxFile, "-passin", "pass:s3cret pass")
					t.Fatalf("openssl pkcs12: %v\n%s\nwith -legacy: %v\n%s", err, out, legacyErr, legacyOut)
				}
				if n := strings.Count(out, "-----BEGIN CERTIFICATE-----"); n != 2 {
					t.Errorf("openssl pkcs12 listed %d certificates, want 2:\n%s", n, out)
				}
				if !strings.Contains(out, "MAC: sha256") {
					t.Errorf("the file is not protected with a SHA-256 MAC:\n%s", out)
				}
				keyOut, err := openssl(t, "pkcs12", "-in", pfxFile, "-nocerts", "-nodes", "-passin", "pass:s3cret pass")
				if err != nil {
					t.Fatalf("openssl pkcs12 -nocerts: %v\n%s", err, keyOut)
				}
				back, err := ParsePrivateKeyPEM([]byte(keyOut))
				if err != nil {
					t.Fatalf("the key OpenSSL extracted: %v", err)
				}
				if !publicKeyEqual(back.Public(), key.Public()) {
					t.Error("OpenSSL extracted another key")
				}
				if out, err := openssl(t, "pkcs12", "-info", "-nokeys", "-in", pfxFile, "-passin", "pass:wrong"); err == nil {
					t.Errorf("openssl opened the file with a wrong password:\n%s", out)
				}
			})
		})
	}
}

// TestParseOpenSSLCSR parses requests made by OpenSSL, as clients make them.
func TestParseOpenSSLCSR(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl CLI not found in PATH; interoperability with OpenSSL is not tested")
	}
	tests := []struct {
		name    string
		newkey  []string
		want    string
		wantErr string
	}{
		{"rsa 2048", []string{"-newkey", "rsa:2048"}, "rsa-2048", ""},
		{"ec p-384", []string{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"}, "ecdsa-p384", ""},
		{"rsa 1024", []string{"-newkey", "rsa:1024"}, "", "RSA key of 1024 bits is too weak; use 2048 or more"},
		{"ed25519", []string{"-newkey", "ed25519"}, "", "Ed25519 keys are not accepted"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			csrFile := dir + "/req.csr"
			args := append([]string{"req", "-new", "-nodes", "-keyout", dir + "/key.pem", "-out", csrFile,
				"-subj", "/C=US/ST=Texas/L=Austin/O=Example Inc/CN=Example.com",
				"-addext", "subjectAltName=DNS:www.example.com,DNS:example.com"}, tc.newkey...)
			if out, err := openssl(t, args...); err != nil {
				t.Skipf("this openssl cannot make the request: %v\n%s", err, out)
			}
			csrPEM := readFile(t, csrFile)
			info, err := ParseCSR(csrPEM)
			if tc.wantErr != "" {
				if err == nil {
					t.Fatal("no error")
				}
				if _, d := fieldDetail(t, err); !strings.Contains(d, tc.wantErr) {
					t.Errorf("detail %q, want %q", d, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if info.KeyType != tc.want || strings.Join(info.Names, ",") != "example.com,www.example.com" ||
				info.Subject.Organization != "Example Inc" || info.Subject.Province != "Texas" {
				t.Errorf("info %+v", info)
			}
			key, err := ParsePrivateKeyPEM(readFile(t, dir+"/key.pem"))
			if err != nil {
				t.Fatal(err)
			}
			if err := info.CheckKey(key); err != nil {
				t.Error(err)
			}
			// The fingerprint is the SHA-256 of the DER public key as OpenSSL writes it.
			if out, err := openssl(t, "pkey", "-in", dir+"/key.pem", "-pubout", "-outform", "DER", "-out", dir+"/pub.der"); err != nil {
				t.Fatalf("openssl pkey -pubout: %v\n%s", err, out)
			}
			if got, want := info.PublicKeySHA256, fingerprint(readFile(t, dir+"/pub.der")); got != want {
				t.Errorf("PublicKeySHA256 %s, want %s", got, want)
			}
		})
	}
}
