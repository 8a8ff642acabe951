package pki

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzParseCSR feeds arbitrary bytes to ParseCSR, which reads text pasted by clients: it must never panic, and
// what it accepts must be consistent and survive a second parse of its canonical PEM.
func FuzzParseCSR(f *testing.F) {
	key := mustKey(f, KeyECDSAP256)
	good, err := CreateCSR(key, Subject{CommonName: "example.com", Organization: "Example", Email: "a@example.com"}, []string{"*.example.com"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(rawCSR(f, key, "My Company", "192.0.2.1", "a_b.example.com"))
	f.Add(bytes.Replace(good, []byte("CERTIFICATE REQUEST"), []byte("NEW CERTIFICATE REQUEST"), 2))
	f.Add(good[:len(good)/2])
	f.Add([]byte("-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := ParseCSR(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "csr: ") {
				t.Fatalf("error %q does not name the csr field", err)
			}
			return
		}
		for _, n := range info.Names {
			if n != strings.ToLower(n) {
				t.Errorf("name %q is not lower-case", n)
			}
		}
		_ = info.CheckNames(NameRules{MaxNames: 3})
		_ = info.CheckNames(NameRules{Wildcard: true})
		again, err := ParseCSR(info.PEM)
		if err != nil {
			t.Fatalf("canonical PEM does not parse: %v", err)
		}
		if again.PublicKeySHA256 != info.PublicKeySHA256 || strings.Join(again.Names, ",") != strings.Join(info.Names, ",") {
			t.Errorf("second parse differs: %+v vs %+v", again, info)
		}
	})
}

// FuzzParseCertificatesPEM feeds arbitrary bytes to ParseCertificatesPEM, which reads what providers send:
// it must never panic, and it returns certificates exactly when it returns no error.
func FuzzParseCertificatesPEM(f *testing.F) {
	ca := newTestCA(f)
	f.Add(FullChainPEM(ca.IntermediatePEM(), ca.RootPEM()))
	f.Add(ca.RootPEM()[:200])
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"))
	f.Add([]byte("-----BEGIN PKCS7-----\nMAA=\n-----END PKCS7-----\n"))
	f.Add([]byte("junk"))
	f.Fuzz(func(t *testing.T, data []byte) {
		certs, err := ParseCertificatesPEM(data)
		if (err == nil) != (len(certs) > 0) {
			t.Fatalf("%d certificates with error %v", len(certs), err)
		}
		for _, c := range certs {
			_ = SerialHex(c.SerialNumber)
		}
	})
}
