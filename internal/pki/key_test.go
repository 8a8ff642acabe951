package pki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGenerateKeyAndCSRRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		keyType string
		want    string
	}{
		{"", KeyECDSAP256},
		{KeyECDSAP256, KeyECDSAP256},
		{KeyECDSAP384, KeyECDSAP384},
		{KeyRSA2048, KeyRSA2048},
		{KeyRSA3072, KeyRSA3072},
		{KeyRSA4096, KeyRSA4096},
	}
	for _, tc := range tests {
		t.Run("type "+tc.want+" from "+tc.keyType, func(t *testing.T) {
			t.Parallel()
			key := mustKey(t, tc.keyType)
			subj := Subject{CommonName: "Shop.Example.com", Organization: "Example Ltd", Country: "DE", Province: "Berlin", Locality: "Berlin", Email: "admin@example.com"}
			csrPEM, err := CreateCSR(key, subj, []string{"www.example.com", "shop.example.com"})
			if err != nil {
				t.Fatalf("CreateCSR: %v", err)
			}
			info, err := ParseCSR(csrPEM)
			if err != nil {
				t.Fatalf("ParseCSR: %v", err)
			}
			if info.KeyType != tc.want {
				t.Errorf("KeyType %q, want %q", info.KeyType, tc.want)
			}
			wantSubj := subj
			wantSubj.CommonName = "shop.example.com"
			if diff := cmp.Diff(wantSubj, info.Subject); diff != "" {
				t.Errorf("Subject (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"shop.example.com", "www.example.com"}, info.Names); diff != "" {
				t.Errorf("Names (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"shop.example.com", "www.example.com"}, info.Request.DNSNames); diff != "" {
				t.Errorf("the common name must also be a SAN (-want +got):\n%s", diff)
			}
			if err := info.CheckKey(key); err != nil {
				t.Errorf("CheckKey: %v", err)
			}

			keyPEM, err := MarshalPrivateKeyPEM(key)
			if err != nil {
				t.Fatalf("MarshalPrivateKeyPEM: %v", err)
			}
			if !strings.HasPrefix(string(keyPEM), "-----BEGIN PRIVATE KEY-----\n") {
				t.Errorf("key PEM is not PKCS#8:\n%.40s", keyPEM)
			}
			back, err := ParsePrivateKeyPEM(keyPEM)
			if err != nil {
				t.Fatalf("ParsePrivateKeyPEM: %v", err)
			}
			if err := info.CheckKey(back); err != nil {
				t.Errorf("the parsed key does not match the request: %v", err)
			}
		})
	}
}

func TestCreateCSRWithoutCommonName(t *testing.T) {
	t.Parallel()
	csrPEM, err := CreateCSR(mustKey(t, ""), Subject{}, []string{"*.Example.com", "example.com", "*.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	info, err := ParseCSR(csrPEM)
	if err != nil {
		t.Fatal(err)
	}
	if info.CommonName != "*.example.com" {
		t.Errorf("CommonName %q, want the first name", info.CommonName)
	}
	if diff := cmp.Diff([]string{"*.example.com", "example.com"}, info.Names); diff != "" {
		t.Errorf("Names (-want +got):\n%s", diff)
	}
}

func TestGenerateKeyAndCreateCSRErrors(t *testing.T) {
	t.Parallel()
	if _, err := GenerateKey("dsa-1024"); err == nil {
		t.Error("GenerateKey(dsa-1024): no error")
	} else if f, d := fieldDetail(t, err); f != "key_type" || !strings.Contains(d, `unknown key type "dsa-1024"`) {
		t.Errorf("GenerateKey(dsa-1024): %s: %s", f, d)
	}
	key := mustKey(t, "")
	tests := []struct {
		name  string
		names []string
		want  string
	}{
		{"no names", nil, "give at least one domain name"},
		{"invalid name", []string{"example.com", "bad_name.example.com"}, `"bad_name.example.com" contains an underscore`},
		{"IP address", []string{"10.0.0.1"}, "is an IP address"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := CreateCSR(key, Subject{}, tc.names)
			if err == nil {
				t.Fatal("no error")
			}
			if f, d := fieldDetail(t, err); f != "names" || !strings.Contains(d, tc.want) {
				t.Errorf("%s: %s; want names: %s", f, d, tc.want)
			}
		})
	}
}

func TestParsePrivateKeyPEMFormats(t *testing.T) {
	t.Parallel()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, err := x509.MarshalECPrivateKey(ecKey)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		input   []byte
		wantErr string
		wantPub any
	}{
		{name: "PKCS#1 RSA", input: pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}), wantPub: &rsaKey.PublicKey},
		{name: "SEC 1 EC", input: pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ecDER}), wantPub: &ecKey.PublicKey},
		{name: "after a certificate", input: append(newTestCA(t).RootPEM(), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ecDER})...), wantPub: &ecKey.PublicKey},
		{name: "encrypted PKCS#8", input: pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1}}), wantErr: "the private key is encrypted"},
		{name: "legacy encrypted", input: pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00"}, Bytes: []byte{1}}), wantErr: "the private key is encrypted"},
		{name: "damaged", input: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("nope")}), wantErr: "damaged"},
		{name: "none", input: []byte("nothing here"), wantErr: "no private key found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			key, err := ParsePrivateKeyPEM(tc.input)
			if tc.wantErr != "" {
				if err == nil {
					t.Fatal("no error")
				}
				if f, d := fieldDetail(t, err); f != "private_key" || !strings.Contains(d, tc.wantErr) {
					t.Errorf("%s: %s; want private_key: %s", f, d, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !publicKeyEqual(key.Public(), tc.wantPub) {
				t.Error("parsed key differs")
			}
		})
	}
}
