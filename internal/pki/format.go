package pki

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// SerialHex formats a certificate serial number as lower-case hex without separators or leading zeros
// ("0a:1B" and "A1B" both become "a1b"), the one form serials are stored and compared in. nil gives "".
func SerialHex(n *big.Int) string {
	if n == nil {
		return ""
	}
	return n.Text(16)
}

// ParseSerialHex reads a serial number as providers write it: hex, upper or lower case, with or without
// ':', ' ' or '-' separators and leading zeros. SerialHex of the result is the canonical form.
func ParseSerialHex(s string) (*big.Int, error) {
	clean := strings.NewReplacer(":", "", " ", "", "-", "").Replace(strings.TrimSpace(s))
	clean = strings.TrimPrefix(strings.TrimPrefix(clean, "0x"), "0X")
	n, ok := new(big.Int).SetString(clean, 16)
	if !ok || clean == "" {
		return nil, fmt.Errorf("pki: %q is not a hexadecimal serial number", s)
	}
	return n, nil
}

// ParseCertificatesPEM decodes every "CERTIFICATE" block of pemBytes, in order. Text between blocks is
// ignored; a block of another type (a key, a CSR) is an error so that nothing unexpected is stored as a
// certificate, and so is input without any certificate.
func ParseCertificatesPEM(pemBytes []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := pemBytes
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("pki: parse certificates: unexpected PEM block %q", b.Type)
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("pki: parse certificates: certificate %d: %w", len(certs)+1, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errors.New("pki: parse certificates: no certificate found")
	}
	return certs, nil
}

// FullChainPEM joins a leaf certificate and its chain into the full chain that servers such as nginx want,
// with exactly one newline after each part.
func FullChainPEM(cert, chain []byte) []byte {
	var buf bytes.Buffer
	for _, part := range [][]byte{cert, chain} {
		part = bytes.TrimSpace(part)
		if len(part) == 0 {
			continue
		}
		buf.Write(part)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// PKCS#7 object identifiers (RFC 2315), as functions so no package state can be changed.
func oidPKCS7Data() asn1.ObjectIdentifier { return asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1} }
func oidPKCS7SignedData() asn1.ObjectIdentifier {
	return asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
}

// PKCS7 builds a degenerate, certificates-only PKCS#7 SignedData (a .p7b file, as Windows and Java tools
// import) in DER, holding the given DER certificates in the order given.
func PKCS7(certsDER ...[]byte) ([]byte, error) {
	if len(certsDER) == 0 {
		return nil, errors.New("pki: pkcs7: no certificates")
	}
	var certs []byte
	for i, der := range certsDER {
		if _, err := x509.ParseCertificate(der); err != nil {
			return nil, fmt.Errorf("pki: pkcs7: certificate %d: %w", i+1, err)
		}
		certs = append(certs, der...)
	}
	// SignedData ::= SEQUENCE { version, digestAlgorithms SET, contentInfo, certificates [0] IMPLICIT, signerInfos SET }
	signedData := struct {
		Version          int
		DigestAlgorithms asn1.RawValue
		ContentInfo      struct{ ContentType asn1.ObjectIdentifier }
		Certificates     asn1.RawValue
		SignerInfos      asn1.RawValue
	}{
		Version:          1,
		DigestAlgorithms: asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true},
		ContentInfo:      struct{ ContentType asn1.ObjectIdentifier }{oidPKCS7Data()},
		Certificates:     asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: certs},
		SignerInfos:      asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true},
	}
	sd, err := asn1.Marshal(signedData)
	if err != nil {
		return nil, fmt.Errorf("pki: pkcs7: %w", err)
	}
	// ContentInfo ::= SEQUENCE { contentType, content [0] EXPLICIT }
	out, err := asn1.Marshal(struct {
		ContentType asn1.ObjectIdentifier
		Content     asn1.RawValue
	}{
		ContentType: oidPKCS7SignedData(),
		Content:     asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: sd},
	})
	if err != nil {
		return nil, fmt.Errorf("pki: pkcs7: %w", err)
	}
	return out, nil
}

// PKCS12 builds a password-protected PKCS#12 (.pfx) file holding key, its certificate and the chain, with
// modern algorithms (AES-256-CBC, PBKDF2, SHA-256 MAC) that OpenSSL 3, current Windows and Java open. An
// empty password is an invalid *errs.Error on the field "password"; a key that does not belong to cert is an
// invalid *errs.Error on the field "private_key".
func PKCS12(key crypto.Signer, cert *x509.Certificate, chain []*x509.Certificate, password string) ([]byte, error) {
	if password == "" {
		return nil, errs.Field("password", "choose a password for the PKCS#12 file; without one the private key inside would be unprotected")
	}
	if key == nil || cert == nil {
		return nil, errors.New("pki: pkcs12: a key and a certificate are required")
	}
	if !publicKeyEqual(key.Public(), cert.PublicKey) {
		return nil, errs.Field("private_key", "the private key does not belong to this certificate")
	}
	pfx, err := pkcs12.Modern.Encode(key, cert, chain, password)
	if err != nil {
		return nil, fmt.Errorf("pki: pkcs12: %w", err)
	}
	return pfx, nil
}

// Verify checks that the first certificate of certPEM chains to a root in rootPEM through the certificates of
// chainPEM (and any further ones in certPEM), that every certificate is valid at at, that the leaf may be used
// for server authentication and, when dnsName is not empty, that it covers dnsName. An empty rootPEM means the
// system's trusted roots. at is required: verification never reads the clock.
func Verify(certPEM, chainPEM, rootPEM []byte, at time.Time, dnsName string) error {
	if at.IsZero() {
		return errors.New("pki: verify: the time to verify at is required")
	}
	certs, err := ParseCertificatesPEM(certPEM)
	if err != nil {
		return fmt.Errorf("pki: verify: certificate: %w", err)
	}
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	if len(bytes.TrimSpace(chainPEM)) > 0 {
		chain, err := ParseCertificatesPEM(chainPEM)
		if err != nil {
			return fmt.Errorf("pki: verify: chain: %w", err)
		}
		for _, c := range chain {
			inter.AddCert(c)
		}
	}
	var roots *x509.CertPool
	if len(bytes.TrimSpace(rootPEM)) > 0 {
		rs, err := ParseCertificatesPEM(rootPEM)
		if err != nil {
			return fmt.Errorf("pki: verify: root: %w", err)
		}
		roots = x509.NewCertPool()
		for _, c := range rs {
			roots.AddCert(c)
		}
	}
	_, err = certs[0].Verify(x509.VerifyOptions{
		DNSName:       dnsName,
		Roots:         roots,
		Intermediates: inter,
		CurrentTime:   at,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	if err != nil {
		return fmt.Errorf("pki: verify: %w", err)
	}
	return nil
}
