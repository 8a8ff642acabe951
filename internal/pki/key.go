package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"

	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// Key types accepted by GenerateKey, also the values of CSRInfo.KeyType for such keys.
const (
	KeyECDSAP256 = "ecdsa-p256"
	KeyECDSAP384 = "ecdsa-p384"
	KeyRSA2048   = "rsa-2048"
	KeyRSA3072   = "rsa-3072"
	KeyRSA4096   = "rsa-4096"
)

// DefaultKeyType is the key the service generates when the client does not choose one.
const DefaultKeyType = KeyECDSAP256

// GenerateKey makes a new private key of keyType: "ecdsa-p256" (also for ""), "ecdsa-p384", "rsa-2048",
// "rsa-3072" or "rsa-4096". Another value is an invalid *errs.Error on the field "key_type".
func GenerateKey(keyType string) (crypto.Signer, error) {
	var (
		key crypto.Signer
		err error
	)
	switch keyType {
	case "", KeyECDSAP256:
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case KeyECDSAP384:
		key, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case KeyRSA2048:
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	case KeyRSA3072:
		key, err = rsa.GenerateKey(rand.Reader, 3072)
	case KeyRSA4096:
		key, err = rsa.GenerateKey(rand.Reader, 4096)
	default:
		return nil, errs.Field("key_type", "unknown key type %q; choose ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072 or rsa-4096", keyType)
	}
	if err != nil {
		return nil, fmt.Errorf("pki: generate %s key: %w", keyType, err)
	}
	return key, nil
}

// CreateCSR makes a PEM certificate signing request signed by key. The common name is subj.CommonName, or
// the first of names when that is empty; every name (and the common name) is also a DNS subject alternative
// name, lower-cased and without repeats, as the Baseline Requirements want. Names must be valid DNS names
// (wildcards allowed); a bad one is an invalid *errs.Error on the field "names". subj.Email is written as the
// subject's emailAddress attribute.
func CreateCSR(key crypto.Signer, subj Subject, names []string) ([]byte, error) {
	if key == nil {
		return nil, fmt.Errorf("pki: create csr: no key")
	}
	all := names
	if subj.CommonName != "" {
		all = append([]string{subj.CommonName}, names...)
	}
	all = normalizeNames(all)
	if len(all) == 0 {
		return nil, errs.Field("names", "give at least one domain name")
	}
	var problems errs.Fields
	for _, n := range all {
		if msg := dnsNameProblem(n); msg != "" {
			problems.Add("names", "%s", msg)
		}
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	cn := all[0] // the common name, normalised, or the first name
	tmpl := &x509.CertificateRequest{
		Subject:  pkixName(Subject{CommonName: cn, Organization: subj.Organization, OrganizationalUnit: subj.OrganizationalUnit, Country: subj.Country, Province: subj.Province, Locality: subj.Locality}),
		DNSNames: all,
	}
	if subj.Email != "" {
		tmpl.Subject.ExtraNames = append(tmpl.Subject.ExtraNames, pkix.AttributeTypeAndValue{Type: oidEmailAddress(), Value: subj.Email})
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, tmpl, key)
	if err != nil {
		return nil, fmt.Errorf("pki: create csr: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}), nil
}

// pkixName builds a distinguished name from the non-empty fields of s, except Email.
func pkixName(s Subject) pkix.Name {
	one := func(v string) []string {
		if v == "" {
			return nil
		}
		return []string{v}
	}
	return pkix.Name{
		CommonName:         s.CommonName,
		Organization:       one(s.Organization),
		OrganizationalUnit: one(s.OrganizationalUnit),
		Country:            one(s.Country),
		Province:           one(s.Province),
		Locality:           one(s.Locality),
	}
}

// MarshalPrivateKeyPEM encodes key as a PKCS#8 "PRIVATE KEY" PEM block, the form servers and OpenSSL read.
// The result is a secret: seal it before storing it.
func MarshalPrivateKeyPEM(key crypto.Signer) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("pki: marshal private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// ParsePrivateKeyPEM decodes the first private key in pemBytes: PKCS#8 "PRIVATE KEY", PKCS#1 "RSA PRIVATE
// KEY" or SEC 1 "EC PRIVATE KEY". Encrypted keys are refused. Problems are invalid *errs.Error values on the
// field "private_key"; their messages never quote the key.
func ParsePrivateKeyPEM(pemBytes []byte) (crypto.Signer, error) {
	rest := pemBytes
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return nil, errs.Field("private_key", "no private key found; paste the key including its \"-----BEGIN PRIVATE KEY-----\" line")
		}
		var (
			key any
			err error
		)
		switch b.Type {
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(b.Bytes)
		case "RSA PRIVATE KEY":
			key, err = x509.ParsePKCS1PrivateKey(b.Bytes)
		case "EC PRIVATE KEY":
			key, err = x509.ParseECPrivateKey(b.Bytes)
		case "ENCRYPTED PRIVATE KEY":
			return nil, errs.Field("private_key", "the private key is encrypted; remove the passphrase first (openssl pkey -in key.pem -out plain.pem)")
		default:
			continue
		}
		if _, encrypted := b.Headers["DEK-Info"]; encrypted {
			return nil, errs.Field("private_key", "the private key is encrypted; remove the passphrase first (openssl pkey -in key.pem -out plain.pem)")
		}
		if err != nil {
			// The parse error cannot contain key material, only a description of the structure.
			return nil, errs.Field("private_key", "the private key is damaged and cannot be read (%v)", err)
		}
		switch k := key.(type) {
		case *rsa.PrivateKey, *ecdsa.PrivateKey, ed25519.PrivateKey:
			return k.(crypto.Signer), nil
		default:
			return nil, errs.Field("private_key", "the private key type %T is not supported", key)
		}
	}
}
