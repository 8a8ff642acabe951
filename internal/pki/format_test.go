package pki

import (
	"crypto"
	"encoding/asn1"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"software.sslmate.com/src/go-pkcs12"
)

func TestSerialHex(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string // as a provider writes it
		want string
	}{
		{"lower", "a1b2", "a1b2"},
		{"upper with colons", "0A:1B:2C", "a1b2c"},
		{"leading zeros", "00000f", "f"},
		{"spaces", "de ad be ef", "deadbeef"},
		{"0x prefix", "0x10", "10"},
		{"zero", "00", "0"},
		{"128 bits", "FF000000000000000000000000000001", "ff000000000000000000000000000001"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			n, err := ParseSerialHex(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := SerialHex(n); got != tc.want {
				t.Errorf("SerialHex(ParseSerialHex(%q)) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	for _, bad := range []string{"", "xyz", ":", "12g4"} {
		if _, err := ParseSerialHex(bad); err == nil {
			t.Errorf("ParseSerialHex(%q): no error", bad)
		}
	}
	if got := SerialHex(nil); got != "" {
		t.Errorf("SerialHex(nil) = %q", got)
	}
	if got := SerialHex(big.NewInt(255)); got != "ff" {
		t.Errorf("SerialHex(255) = %q", got)
	}
}

func TestParseCertificatesPEM(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	both := FullChainPEM(ca.IntermediatePEM(), ca.RootPEM())
	certs, err := ParseCertificatesPEM(append([]byte("comment\n"), both...))
	if err != nil {
		t.Fatal(err)
	}
	var cns []string
	for _, c := range certs {
		cns = append(cns, c.Subject.CommonName)
	}
	if diff := cmp.Diff([]string{"Sandbox Test CA Issuing CA", "Sandbox Test CA"}, cns); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	keyPEM, err := MarshalPrivateKeyPEM(mustKey(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		input []byte
		want  string
	}{
		{"empty", nil, "no certificate found"},
		{"key mixed in", append(append([]byte{}, ca.RootPEM()...), keyPEM...), `unexpected PEM block "PRIVATE KEY"`},
		{"damaged", []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), "certificate 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := ParseCertificatesPEM(tc.input); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestFullChainPEM(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, cert, chain, want string
	}{
		{"plain", "A\n", "B\n", "A\nB\n"},
		{"missing newlines", "A", "B", "A\nB\n"},
		{"extra blank lines", "A\n\n\n", "\r\nB\n\n", "A\nB\n"},
		{"no chain", "A\n", "", "A\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := string(FullChainPEM([]byte(tc.cert), []byte(tc.chain))); got != tc.want {
				t.Errorf("FullChainPEM = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPKCS7Structure(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	iss, err := ca.Issue(IssueRequest{CSRPEM: rawCSR(t, mustKey(t, ""), "example.com"), NotBefore: caEpoch().AddDate(0, 1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	leafDER, interDER := mustDER(t, iss.CertPEM), mustDER(t, iss.ChainPEM)
	p7, err := PKCS7(leafDER, interDER)
	if err != nil {
		t.Fatal(err)
	}
	var ci struct {
		ContentType asn1.ObjectIdentifier
		Content     asn1.RawValue `asn1:"explicit,tag:0"`
	}
	if rest, err := asn1.Unmarshal(p7, &ci); err != nil || len(rest) != 0 {
		t.Fatalf("ContentInfo: %v, %d bytes left", err, len(rest))
	}
	var sd struct {
		Version          int
		DigestAlgorithms asn1.RawValue `asn1:"set"`
		ContentInfo      struct{ ContentType asn1.ObjectIdentifier }
		Certificates     []asn1.RawValue `asn1:"tag:0"`
		SignerInfos      asn1.RawValue   `asn1:"set"`
	}
	if rest, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil || len(rest) != 0 {
		t.Fatalf("SignedData: %v, %d bytes left", err, len(rest))
	}
	var certs [][]byte
	for _, c := range sd.Certificates {
		certs = append(certs, c.FullBytes)
	}
	type view struct {
		Type, DataType      string
		Version             int
		Digests, SignerInfo int
		Certs               [][]byte
	}
	got := view{ci.ContentType.String(), sd.ContentInfo.ContentType.String(), sd.Version, len(sd.DigestAlgorithms.Bytes), len(sd.SignerInfos.Bytes), certs}
	want := view{"1.2.840.113549.1.7.2", "1.2.840.113549.1.7.1", 1, 0, 0, [][]byte{leafDER, interDER}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PKCS#7 (-want +got):\n%s", diff)
	}
	if _, err := PKCS7(); err == nil {
		t.Error("PKCS7 of nothing: no error")
	}
	if _, err := PKCS7([]byte("not a certificate")); err == nil {
		t.Error("PKCS7 of garbage: no error")
	}
}

func TestPKCS12(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	for _, keyType := range []string{KeyECDSAP256, KeyRSA2048} {
		t.Run(keyType, func(t *testing.T) {
			t.Parallel()
			key := mustKey(t, keyType)
			iss, err := ca.Issue(IssueRequest{CSRPEM: rawCSR(t, key, "example.com"), NotBefore: caEpoch().AddDate(0, 1, 0)})
			if err != nil {
				t.Fatal(err)
			}
			leaf, err := ParseCertificatesPEM(iss.CertPEM)
			if err != nil {
				t.Fatal(err)
			}
			chain, err := ParseCertificatesPEM(iss.ChainPEM)
			if err != nil {
				t.Fatal(err)
			}
			pfx, err := PKCS12(key, leaf[0], chain, "correct horse")
			if err != nil {
				t.Fatal(err)
			}
			gotKey, gotCert, gotChain, err := pkcs12.DecodeChain(pfx, "correct horse")
			if err != nil {
				t.Fatalf("DecodeChain: %v", err)
			}
			if !publicKeyEqual(key.Public(), gotKey.(crypto.Signer).Public()) {
				t.Error("key differs")
			}
			if !gotCert.Equal(leaf[0]) || len(gotChain) != 1 || !gotChain[0].Equal(chain[0]) {
				t.Error("certificates differ")
			}
			if _, _, _, err := pkcs12.DecodeChain(pfx, "wrong"); err == nil {
				t.Error("wrong password opened the file")
			}

			if _, err := PKCS12(key, leaf[0], chain, ""); err == nil {
				t.Error("empty password: no error")
			} else if f, d := fieldDetail(t, err); f != "password" || !strings.Contains(d, "choose a password") {
				t.Errorf("empty password: %s: %s", f, d)
			}
			if _, err := PKCS12(mustKey(t, ""), leaf[0], chain, "pw"); err == nil {
				t.Error("foreign key: no error")
			} else if f, _ := fieldDetail(t, err); f != "private_key" {
				t.Errorf("foreign key: field %s", f)
			}
		})
	}
}

func TestVerifyNeedsTime(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	if err := Verify(ca.IntermediatePEM(), nil, ca.RootPEM(), time.Time{}, ""); err == nil || !strings.Contains(err.Error(), "time") {
		t.Errorf("Verify without a time: %v", err)
	}
	if err := Verify([]byte("x"), nil, ca.RootPEM(), caEpoch(), ""); err == nil {
		t.Error("Verify of garbage: no error")
	}
}
