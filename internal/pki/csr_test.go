package pki

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseCSRKeyTypes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		keyType string
	}{
		{KeyECDSAP256}, {KeyECDSAP384}, {KeyRSA2048}, {KeyRSA3072}, {KeyRSA4096},
	}
	for _, tc := range tests {
		t.Run(tc.keyType, func(t *testing.T) {
			t.Parallel()
			key := mustKey(t, tc.keyType)
			csr := rawCSR(t, key, "WWW.Example.com", "example.com", "www.example.com", "shop.EXAMPLE.com")
			info, err := ParseCSR(csr)
			if err != nil {
				t.Fatalf("ParseCSR: %v", err)
			}
			spki, err := x509.MarshalPKIXPublicKey(key.Public())
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(spki)
			want := &CSRInfo{
				CommonName:      "WWW.Example.com",
				Names:           []string{"www.example.com", "example.com", "shop.example.com"},
				KeyType:         tc.keyType,
				Subject:         Subject{CommonName: "WWW.Example.com"},
				PublicKeySHA256: hex.EncodeToString(sum[:]),
			}
			if diff := cmp.Diff(want, info, cmpopts.IgnoreFields(CSRInfo{}, "PEM", "Request")); diff != "" {
				t.Errorf("ParseCSR (-want +got):\n%s", diff)
			}
			if err := info.CheckKey(key); err != nil {
				t.Errorf("CheckKey with the request's own key: %v", err)
			}
			if err := info.CheckKey(mustKey(t, KeyECDSAP256)); err == nil {
				t.Error("CheckKey with another key: no error")
			} else if f, d := fieldDetail(t, err); f != "csr" || !strings.Contains(d, "different key") {
				t.Errorf("CheckKey with another key: %s: %s", f, d)
			}
		})
	}
}

func TestParseCSRSubjectAndFormats(t *testing.T) {
	t.Parallel()
	key := mustKey(t, KeyECDSAP256)
	subj := Subject{
		CommonName: "example.com", Organization: "Example Ltd", OrganizationalUnit: "IT",
		Country: "GB", Province: "London", Locality: "London", Email: "it@example.com",
	}
	pemCSR, err := CreateCSR(key, subj, []string{"www.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	der, _ := pem.Decode(pemCSR)
	newHeader := pem.EncodeToMemory(&pem.Block{Type: "NEW CERTIFICATE REQUEST", Bytes: der.Bytes})
	crlf := bytes.ReplaceAll(pemCSR, []byte("\n"), []byte("\r\n"))
	tests := []struct {
		name  string
		input []byte
	}{
		{"plain", pemCSR},
		{"NEW CERTIFICATE REQUEST header", newHeader},
		{"CRLF line ends", crlf},
		{"text around the block", append(append([]byte("Here is my CSR:\n\n"), pemCSR...), "\nthanks\n"...)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			info, err := ParseCSR(tc.input)
			if err != nil {
				t.Fatalf("ParseCSR: %v", err)
			}
			if diff := cmp.Diff(subj, info.Subject); diff != "" {
				t.Errorf("Subject (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"example.com", "www.example.com"}, info.Names); diff != "" {
				t.Errorf("Names (-want +got):\n%s", diff)
			}
			if !bytes.Equal(info.PEM, pemCSR) {
				t.Errorf("PEM is not the canonical block:\n%s", info.PEM)
			}
		})
	}
}

func TestParseCSRErrors(t *testing.T) {
	t.Parallel()
	rsa1024, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	p224, err := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p521, err := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	good := rawCSR(t, mustKey(t, KeyECDSAP256), "example.com")
	block, _ := pem.Decode(good)
	tampered := bytes.Replace(block.Bytes, []byte("example.com"), []byte("exbmple.com"), 1)
	if bytes.Equal(tampered, block.Bytes) {
		t.Fatal("tampering changed nothing")
	}
	truncated := block.Bytes[:len(block.Bytes)-10]
	keyPEM, err := MarshalPrivateKeyPEM(mustKey(t, KeyECDSAP256))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		input []byte
		want  string // substring of the field error's detail
	}{
		{"weak RSA 1024", rawCSR(t, rsa1024, "example.com"), "RSA key of 1024 bits is too weak; use 2048 or more"},
		{"ECDSA P-224", rawCSR(t, p224, "example.com"), "ECDSA key on curve P-224 is not accepted by public CAs; use P-256 or P-384"},
		{"ECDSA P-521", rawCSR(t, p521, "example.com"), "curve P-521 is not accepted"},
		{"Ed25519", rawCSR(t, ed, "example.com"), "Ed25519 keys are not accepted"},
		{"empty", nil, "no certificate request found"},
		{"not PEM", []byte("hello, this is not a CSR"), "no certificate request found"},
		{"certificate instead of CSR", newTestCA(t).RootPEM(), `found a PEM block of type "CERTIFICATE", not a certificate request`},
		{"private key pasted too", append(append([]byte{}, keyPEM...), good...), "contains a private key"},
		{"bad base64", []byte("-----BEGIN CERTIFICATE REQUEST-----\n!!!notbase64!!!\n-----END CERTIFICATE REQUEST-----\n"), "no certificate request found"},
		{"truncated DER", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: truncated}), "damaged and cannot be read"},
		{"garbage DER", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: []byte("garbage")}), "damaged and cannot be read"},
		{"tampered subject", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: tampered}), "signature does not verify"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			info, err := ParseCSR(tc.input)
			if err == nil {
				t.Fatalf("ParseCSR succeeded: %+v", info)
			}
			field, detail := fieldDetail(t, err)
			if field != "csr" || !strings.Contains(detail, tc.want) {
				t.Errorf("error field %q detail %q; want field csr and %q", field, detail, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "csr: ") {
				t.Errorf("message %q does not start with the field", err.Error())
			}
		})
	}
}

func TestCheckNames(t *testing.T) {
	t.Parallel()
	key := mustKey(t, KeyECDSAP256)
	tests := []struct {
		name  string
		cn    string
		sans  []string
		rules NameRules
		want  []string // field error details; nil means accepted
	}{
		{name: "single name", cn: "example.com", rules: NameRules{MaxNames: 1}},
		{name: "cn repeated in SANs counts once", cn: "example.com", sans: []string{"EXAMPLE.com"}, rules: NameRules{MaxNames: 1}},
		{name: "no limit", cn: "a.example.com", sans: []string{"b.example.com", "c.example.com"}},
		{name: "wildcard allowed", cn: "*.example.com", sans: []string{"example.com"}, rules: NameRules{Wildcard: true, MaxNames: 2}},
		{name: "punycode", cn: "xn--bcher-kva.example", rules: NameRules{MaxNames: 1}},
		{name: "no CN but SANs", sans: []string{"example.com"}, rules: NameRules{MaxNames: 1}},
		{
			name: "too many names", cn: "a.example.com", sans: []string{"b.example.com", "c.example.com", "d.example.com", "e.example.com"},
			rules: NameRules{MaxNames: 3},
			want:  []string{"the request has 5 names but this product allows at most 3"},
		},
		{
			name: "wildcard refused", cn: "*.example.com", rules: NameRules{MaxNames: 1},
			want: []string{`"*.example.com" is a wildcard name but this product does not cover wildcards; choose a wildcard product or remove it`},
		},
		{name: "no names", rules: NameRules{MaxNames: 1}, want: []string{"the request names no domain: it has no common name and no DNS names"}},
		{name: "CN is not a domain", cn: "My Company", rules: NameRules{MaxNames: 1}, want: []string{`"my company" contains ' ', which is not allowed in a domain name`}},
		{name: "IP address as CN", cn: "192.0.2.1", want: []string{`"192.0.2.1" is an IP address; certificates here are issued for domain names only`}},
		{name: "bare TLD", cn: "com", want: []string{`"com" is a bare top-level domain, not a domain name`}},
		{name: "star dot star", cn: "*.*", rules: NameRules{Wildcard: true}, want: []string{`"*.*" has more than one wildcard; a wildcard is allowed only as the whole leftmost label`}},
		{name: "wildcard over TLD", cn: "*.com", rules: NameRules{Wildcard: true}, want: []string{`"*.com" is a wildcard over a top-level domain; a wildcard needs a registered domain after "*."`}},
		{name: "wildcard not leftmost", cn: "www.*.example.com", rules: NameRules{Wildcard: true}, want: []string{`"www.*.example.com" has a wildcard that is not the whole leftmost label (like *.example.com)`}},
		{name: "partial wildcard", cn: "w*.example.com", rules: NameRules{Wildcard: true}, want: []string{`"w*.example.com" has a wildcard that is not the whole leftmost label (like *.example.com)`}},
		{name: "underscore", cn: "_dmarc.example.com", want: []string{`"_dmarc.example.com" contains an underscore, which certificates may not contain`}},
		{name: "hyphen at label edge", cn: "-www.example.com", want: []string{`"-www.example.com" has a label "-www" that starts or ends with a hyphen`}},
		{name: "empty label", cn: "www..example.com", want: []string{`"www..example.com" has an empty label (two dots in a row or a leading dot)`}},
		{name: "long label", cn: strings.Repeat("a", 64) + ".example.com", want: []string{`"` + strings.Repeat("a", 64) + `.example.com" has a label longer than 63 characters`}},
		{name: "long name", cn: strings.Repeat("abcdefghi.", 26) + "com", want: []string{`"` + strings.Repeat("abcdefghi.", 26) + `com" is longer than 253 characters`}},
		{name: "numeric TLD", cn: "example.123", want: []string{`"example.123" ends in an all-numeric label; it is neither a domain name nor an IP address`}},
		{name: "internal name", cn: "server.local", want: []string{`"server.local" is an internal name (.local); public CAs do not issue for it`}},
		{name: "trailing dot", cn: "example.com.", want: []string{`"example.com." ends with a dot; remove the trailing dot`}},
		{name: "non-ASCII", cn: "bücher.example", want: []string{`"bücher.example" contains non-ASCII characters; use the punycode form (xn--...)`}},
		{
			name: "every problem is reported", cn: "*.example.com", sans: []string{"a_b.example.com", "c.example.com"},
			rules: NameRules{MaxNames: 2},
			want: []string{
				"the request has 3 names but this product allows at most 2",
				`"*.example.com" is a wildcard name but this product does not cover wildcards; choose a wildcard product or remove it`,
				`"a_b.example.com" contains an underscore, which certificates may not contain`,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			info, err := ParseCSR(rawCSR(t, key, tc.cn, tc.sans...))
			if err != nil {
				t.Fatalf("ParseCSR: %v", err)
			}
			err = info.CheckNames(tc.rules)
			var got []string
			if err != nil {
				if f, _ := fieldDetail(t, err); f != "csr" {
					t.Errorf("field %q, want csr", f)
				}
				e, _ := asErr(err)
				for _, f := range e.Fields {
					got = append(got, f.Detail)
				}
				if want := "csr: " + got[0]; !strings.HasPrefix(err.Error(), want) {
					t.Errorf("message %q does not start with %q", err.Error(), want)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("CheckNames problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckNamesIPAddressSAN(t *testing.T) {
	t.Parallel()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		DNSNames:    []string{"example.com"},
		IPAddresses: ipAddrs(t, "192.0.2.7"),
	}, mustKey(t, KeyECDSAP256))
	if err != nil {
		t.Fatal(err)
	}
	info, err := ParseCSR(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
	if err != nil {
		t.Fatal(err)
	}
	_, detail := fieldDetail(t, info.CheckNames(NameRules{}))
	if want := "the request asks for the IP address 192.0.2.7; certificates here are issued for domain names only"; detail != want {
		t.Errorf("detail %q, want %q", detail, want)
	}
}

func TestCheckKeyNil(t *testing.T) {
	t.Parallel()
	info, err := ParseCSR(rawCSR(t, mustKey(t, KeyECDSAP256), "example.com"))
	if err != nil {
		t.Fatal(err)
	}
	var none crypto.Signer
	if err := info.CheckKey(none); err == nil {
		t.Error("CheckKey(nil): no error")
	}
}
