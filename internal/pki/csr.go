package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"strings"

	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// The field name that CSR problems are reported under.
const csrField = "csr"

// maxRSABits bounds RSA keys: larger keys are refused by CAs and make signature checks slow enough to abuse.
const maxRSABits = 8192

// oidEmailAddress is PKCS#9 emailAddress, the traditional subject attribute for a contact e-mail in a CSR.
func oidEmailAddress() asn1.ObjectIdentifier {
	return asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}
}

// Subject holds the distinguished-name fields of a CSR or certificate that a reseller deals with. Each is a
// single value; a CSR with repeated attributes reports the first.
type Subject struct {
	CommonName         string
	Organization       string
	OrganizationalUnit string
	Country            string // ISO 3166 two-letter code
	Province           string // state or province
	Locality           string // city
	Email              string
}

// CSRInfo is what the service needs to know about a client's certificate signing request, after ParseCSR
// has checked its signature and key.
type CSRInfo struct {
	// CommonName is the subject common name, as written in the request.
	CommonName string
	// Names are the DNS names the request asks for: the common name first (when it is set), then the DNS
	// subject alternative names, lower-cased with repeats removed.
	Names []string
	// IPAddresses are IP subject alternative names; public certificates here carry none, so CheckNames
	// refuses a request that has any.
	IPAddresses []string
	// KeyType is the key algorithm and size: "rsa-2048", "rsa-3072", "rsa-4096", "ecdsa-p256", "ecdsa-p384".
	KeyType string
	// Subject holds the subject fields (O, OU, C, ST, L, e-mail) as prefill for contacts and OV/EV data.
	Subject Subject
	// PublicKeySHA256 is the lower-case hex SHA-256 of the DER SubjectPublicKeyInfo: the same key gives the
	// same fingerprint in the request and in the certificate issued for it.
	PublicKeySHA256 string
	// PEM is the request re-encoded as a single "CERTIFICATE REQUEST" block, fit to store and send upstream.
	PEM []byte
	// Request is the parsed request.
	Request *x509.CertificateRequest
}

// NameRules are what a product allows in a request.
type NameRules struct {
	// Wildcard allows names such as "*.example.com".
	Wildcard bool
	// MaxNames is the largest number of distinct names; zero or less means no limit.
	MaxNames int
}

// ParseCSR decodes a PEM certificate signing request ("CERTIFICATE REQUEST" or "NEW CERTIFICATE REQUEST"),
// checks its key (RSA of 2048 to 8192 bits, or ECDSA P-256 or P-384) and its signature, and describes it.
// Text around the PEM block is ignored. Problems are invalid *errs.Error values on the field "csr" that say
// what is wrong, such as "csr: RSA key of 1024 bits is too weak; use 2048 or more".
func ParseCSR(pemBytes []byte) (*CSRInfo, error) {
	der, err := decodeCSRPEM(pemBytes)
	if err != nil {
		return nil, err
	}
	req, err := x509.ParseCertificateRequest(der)
	if err != nil {
		return nil, errs.Field(csrField, "the request is damaged and cannot be read (%v)", err)
	}
	return describeCSR(req)
}

func decodeCSRPEM(pemBytes []byte) ([]byte, error) {
	rest := pemBytes
	var found []string
	var der []byte
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if strings.Contains(b.Type, "PRIVATE KEY") {
			return nil, errs.Field(csrField, "the text contains a private key; paste only the certificate request and keep the key secret")
		}
		if der == nil && (b.Type == "CERTIFICATE REQUEST" || b.Type == "NEW CERTIFICATE REQUEST") {
			der = b.Bytes
		}
		found = append(found, b.Type)
	}
	switch {
	case der != nil:
		return der, nil
	case len(found) > 0:
		return nil, errs.Field(csrField, "found a PEM block of type %q, not a certificate request (\"-----BEGIN CERTIFICATE REQUEST-----\")", found[0])
	default:
		return nil, errs.Field(csrField, "no certificate request found; paste the whole request including the \"-----BEGIN CERTIFICATE REQUEST-----\" and \"-----END CERTIFICATE REQUEST-----\" lines")
	}
}

// describeCSR checks a parsed request's key and signature and builds its CSRInfo.
func describeCSR(req *x509.CertificateRequest) (*CSRInfo, error) {
	keyType, err := checkPublicKey(req.PublicKey)
	if err != nil {
		return nil, err
	}
	// The key is checked first so a weak key is reported as weak rather than as a signature failure.
	if err := req.CheckSignature(); err != nil {
		return nil, errs.Field(csrField, "the request's signature does not verify; it was altered or damaged after it was made (%v)", err)
	}
	info := &CSRInfo{
		CommonName:      req.Subject.CommonName,
		KeyType:         keyType,
		Subject:         subjectOf(req),
		PublicKeySHA256: fingerprint(req.RawSubjectPublicKeyInfo),
		PEM:             pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: req.Raw}),
		Request:         req,
	}
	names := make([]string, 0, 1+len(req.DNSNames))
	if req.Subject.CommonName != "" {
		names = append(names, req.Subject.CommonName)
	}
	info.Names = normalizeNames(append(names, req.DNSNames...))
	for _, ip := range req.IPAddresses {
		info.IPAddresses = append(info.IPAddresses, ip.String())
	}
	return info, nil
}

func subjectOf(req *x509.CertificateRequest) Subject {
	first := func(v []string) string {
		if len(v) == 0 {
			return ""
		}
		return v[0]
	}
	s := Subject{
		CommonName:         req.Subject.CommonName,
		Organization:       first(req.Subject.Organization),
		OrganizationalUnit: first(req.Subject.OrganizationalUnit),
		Country:            first(req.Subject.Country),
		Province:           first(req.Subject.Province),
		Locality:           first(req.Subject.Locality),
	}
	for _, atv := range req.Subject.Names {
		if v, ok := atv.Value.(string); ok && atv.Type.Equal(oidEmailAddress()) {
			s.Email = v
			break
		}
	}
	if s.Email == "" {
		s.Email = first(req.EmailAddresses)
	}
	return s
}

// checkPublicKey returns the key type string of an acceptable public key, or an error that says why the key
// is not accepted and what to use instead.
func checkPublicKey(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		bits := k.N.BitLen()
		switch {
		case bits < 2048:
			return "", errs.Field(csrField, "RSA key of %d bits is too weak; use 2048 or more", bits)
		case bits > maxRSABits:
			return "", errs.Field(csrField, "RSA key of %d bits is larger than CAs accept; use 2048, 3072 or 4096", bits)
		}
		return fmt.Sprintf("rsa-%d", bits), nil
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return "ecdsa-p256", nil
		case elliptic.P384():
			return "ecdsa-p384", nil
		}
		return "", errs.Field(csrField, "ECDSA key on curve %s is not accepted by public CAs; use P-256 or P-384", k.Curve.Params().Name)
	case ed25519.PublicKey:
		return "", errs.Field(csrField, "Ed25519 keys are not accepted by public CAs; use ECDSA P-256 or RSA 2048 or more")
	default:
		return "", errs.Field(csrField, "the request's key type (%T) is not supported; use ECDSA P-256 or RSA 2048 or more", pub)
	}
}

func fingerprint(spki []byte) string {
	sum := sha256.Sum256(spki)
	return hex.EncodeToString(sum[:])
}

// CheckNames checks the request's names against a product's rules: at least one name, no more than
// rules.MaxNames, wildcards only when allowed, no IP addresses, and every name a valid public DNS name. All
// problems are reported together as one invalid *errs.Error with a "csr" field error each, for example
// "csr: the request has 5 names but this product allows at most 3".
func (c *CSRInfo) CheckNames(rules NameRules) error {
	var problems errs.Fields
	if len(c.Names) == 0 && len(c.IPAddresses) == 0 {
		problems.Add(csrField, "the request names no domain: it has no common name and no DNS names")
	}
	if rules.MaxNames > 0 && len(c.Names) > rules.MaxNames {
		problems.Add(csrField, "the request has %d names but this product allows at most %d", len(c.Names), rules.MaxNames)
	}
	for _, ip := range c.IPAddresses {
		problems.Add(csrField, "the request asks for the IP address %s; certificates here are issued for domain names only", ip)
	}
	for _, n := range c.Names {
		if msg := dnsNameProblem(n); msg != "" {
			problems.Add(csrField, "%s", msg)
			continue
		}
		if !rules.Wildcard && strings.HasPrefix(n, "*.") {
			problems.Add(csrField, "%q is a wildcard name but this product does not cover wildcards; choose a wildcard product or remove it", n)
		}
	}
	return problems.Err()
}

// CheckKey reports whether the request was made with key, the private key the service holds for the order.
// A mismatch is an invalid *errs.Error on the field "csr": the certificate would not work with that key.
func (c *CSRInfo) CheckKey(key crypto.Signer) error {
	if key == nil {
		return errs.Field(csrField, "no private key to compare the request with")
	}
	if c.Request == nil {
		return errs.Field(csrField, "no parsed request to compare the key with")
	}
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(c.Request.PublicKey) {
		return errs.Field(csrField, "the request was made with a different key than the private key held for this order")
	}
	return nil
}
