package pki

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// Validation is a certificate's validation level, as in the catalogue.
type Validation string

// The validation levels.
const (
	ValidationDV Validation = "dv"
	ValidationOV Validation = "ov"
	ValidationEV Validation = "ev"
)

// policyOID returns the CA/Browser Forum reserved certificate policy for the level.
func (v Validation) policyOID() (x509.OID, error) {
	switch v {
	case ValidationDV, "":
		return x509.OIDFromInts([]uint64{2, 23, 140, 1, 2, 1})
	case ValidationOV:
		return x509.OIDFromInts([]uint64{2, 23, 140, 1, 2, 2})
	case ValidationEV:
		return x509.OIDFromInts([]uint64{2, 23, 140, 1, 1})
	}
	return x509.OID{}, errs.Field("validation", "unknown validation level %q; use dv, ov or ev", string(v))
}

// Lifetimes of the CA certificates and how far they are backdated against clock skew between the process that
// makes the CA and the ones that verify with it.
const (
	rootYears         = 10
	intermediateYears = 5
	caBackdate        = time.Hour
)

// CA is a two-level certificate authority (root and one issuing intermediate) that issues real X.509 server
// certificates. It backs the sandbox provider and the provider simulators; it is not a public CA. A CA does not
// change after it is made or loaded, so one value may issue from many goroutines.
type CA struct {
	root     *x509.Certificate
	rootKey  crypto.Signer
	inter    *x509.Certificate
	interKey crypto.Signer
}

// NewCA makes a CA: an ECDSA P-384 root named commonName valid for 10 years and an ECDSA P-256 intermediate
// ("<commonName> Issuing CA") signed by it valid for 5 years, both starting an hour before now.
func NewCA(commonName string, now time.Time) (*CA, error) {
	if commonName == "" {
		return nil, errors.New("pki: new ca: a common name is required")
	}
	if now.IsZero() {
		return nil, errors.New("pki: new ca: the current time is required")
	}
	start := now.UTC().Truncate(time.Second).Add(-caBackdate)
	rootKey, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("pki: new ca: %w", err)
	}
	interKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("pki: new ca: %w", err)
	}
	rootTmpl, err := caTemplate(pkix.Name{CommonName: commonName, Organization: []string{commonName}}, rootKey.Public(), start, start.AddDate(rootYears, 0, 0))
	if err != nil {
		return nil, err
	}
	rootTmpl.MaxPathLen = 1
	root, err := createCert(rootTmpl, rootTmpl, rootKey.Public(), rootKey)
	if err != nil {
		return nil, fmt.Errorf("pki: new ca: root: %w", err)
	}
	interTmpl, err := caTemplate(pkix.Name{CommonName: commonName + " Issuing CA", Organization: []string{commonName}}, interKey.Public(), start, start.AddDate(intermediateYears, 0, 0))
	if err != nil {
		return nil, err
	}
	interTmpl.MaxPathLen = 0
	interTmpl.MaxPathLenZero = true
	interTmpl.KeyUsage |= x509.KeyUsageDigitalSignature // signs OCSP responses in a real hierarchy
	interTmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	inter, err := createCert(interTmpl, root, interKey.Public(), rootKey)
	if err != nil {
		return nil, fmt.Errorf("pki: new ca: intermediate: %w", err)
	}
	return &CA{root: root, rootKey: rootKey, inter: inter, interKey: interKey}, nil
}

func caTemplate(subject pkix.Name, pub crypto.PublicKey, notBefore, notAfter time.Time) (*x509.Certificate, error) {
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	skid, err := subjectKeyID(pub)
	if err != nil {
		return nil, err
	}
	return &x509.Certificate{
		SerialNumber:          serial,
		Subject:               subject,
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		BasicConstraintsValid: true,
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		SubjectKeyId:          skid,
	}, nil
}

// subjectKeyID is RFC 7093 method 1: the leftmost 160 bits of the SHA-256 of the subjectPublicKey bits.
func subjectKeyID(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("pki: subject key id: %w", err)
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &spki); err != nil {
		return nil, fmt.Errorf("pki: subject key id: %w", err)
	}
	sum := sha256.Sum256(spki.PublicKey.Bytes)
	return sum[:20], nil
}

// randomSerial returns a positive serial of 128 random bits (the Baseline Requirements ask for 64 or more).
func randomSerial() (*big.Int, error) {
	b := make([]byte, 16)
	for {
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("pki: serial: %w", err)
		}
		if n := new(big.Int).SetBytes(b); n.Sign() > 0 {
			return n, nil
		}
	}
}

func createCert(tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) (*x509.Certificate, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// Marshal encodes the CA as four PEM blocks: root certificate, root key (PKCS#8), intermediate certificate,
// intermediate key. The result holds private keys: seal it before storing it.
func (ca *CA) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	for _, item := range []struct {
		cert *x509.Certificate
		key  crypto.Signer
	}{{ca.root, ca.rootKey}, {ca.inter, ca.interKey}} {
		keyPEM, err := MarshalPrivateKeyPEM(item.key)
		if err != nil {
			return nil, fmt.Errorf("pki: marshal ca: %w", err)
		}
		buf.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: item.cert.Raw}))
		buf.Write(keyPEM)
	}
	return buf.Bytes(), nil
}

// LoadCA decodes what Marshal wrote and checks that it is whole: each key belongs to its certificate and the
// intermediate is signed by the root.
func LoadCA(data []byte) (*CA, error) {
	var blocks [4]*pem.Block
	rest := data
	for i, want := range [4]string{"CERTIFICATE", "PRIVATE KEY", "CERTIFICATE", "PRIVATE KEY"} {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil || b.Type != want {
			return nil, fmt.Errorf("pki: load ca: block %d is not a %s", i+1, want)
		}
		blocks[i] = b
	}
	ca := &CA{}
	var err error
	if ca.root, err = x509.ParseCertificate(blocks[0].Bytes); err != nil {
		return nil, fmt.Errorf("pki: load ca: root: %w", err)
	}
	if ca.rootKey, err = parsePKCS8Signer(blocks[1].Bytes); err != nil {
		return nil, fmt.Errorf("pki: load ca: root key: %w", err)
	}
	if ca.inter, err = x509.ParseCertificate(blocks[2].Bytes); err != nil {
		return nil, fmt.Errorf("pki: load ca: intermediate: %w", err)
	}
	if ca.interKey, err = parsePKCS8Signer(blocks[3].Bytes); err != nil {
		return nil, fmt.Errorf("pki: load ca: intermediate key: %w", err)
	}
	if !publicKeyEqual(ca.rootKey.Public(), ca.root.PublicKey) {
		return nil, errors.New("pki: load ca: the root key does not belong to the root certificate")
	}
	if !publicKeyEqual(ca.interKey.Public(), ca.inter.PublicKey) {
		return nil, errors.New("pki: load ca: the intermediate key does not belong to the intermediate certificate")
	}
	if err := ca.inter.CheckSignatureFrom(ca.root); err != nil {
		return nil, fmt.Errorf("pki: load ca: the intermediate is not signed by the root: %w", err)
	}
	return ca, nil
}

func parsePKCS8Signer(der []byte) (crypto.Signer, error) {
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, err
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("key type %T cannot sign", k)
	}
	return s, nil
}

func publicKeyEqual(a, b crypto.PublicKey) bool {
	ae, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && ae.Equal(b)
}

// RootPEM returns the root certificate, the trust anchor a client installs to trust this CA.
func (ca *CA) RootPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.root.Raw})
}

// IntermediatePEM returns the issuing intermediate certificate, the chain served with every leaf.
func (ca *CA) IntermediatePEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.inter.Raw})
}

// IssueRequest is what the CA needs to issue one server certificate.
type IssueRequest struct {
	// CSR is the client's request; when nil, CSRPEM is parsed instead. Either way its key and signature are
	// checked as ParseCSR does.
	CSR *x509.CertificateRequest
	// CSRPEM is the request in PEM, used when CSR is nil.
	CSRPEM []byte
	// Names are the DNS names to certify, the first becoming the common name. Empty means the request's own
	// names (its common name, then its DNS names).
	Names []string
	// NotBefore is the start of validity, normally the time of issuance; it also picks the maximum validity
	// from the industry dates table. It is required and is truncated to the second.
	NotBefore time.Time
	// Validity is how long the certificate should last. It is capped at MaxValidity(NotBefore) and at the
	// intermediate's expiry; zero asks for the maximum.
	Validity time.Duration
	// Validation is the level, which decides the policy OID and subject; empty means dv.
	Validation Validation
	// Organization gives the vetted organisation for ov and ev: Organization and Country are required,
	// Province and Locality are used when set. It is ignored for dv.
	Organization Subject
}

// Issued is a certificate the CA issued.
type Issued struct {
	// CertPEM is the leaf certificate.
	CertPEM []byte
	// ChainPEM is the intermediate, to be served after the leaf; the root is not included.
	ChainPEM []byte
	// Serial is the serial number in lower-case hex without separators (SerialHex).
	Serial string
	// NotBefore and NotAfter are the validity as written in the certificate; both ends are inclusive.
	NotBefore, NotAfter time.Time
}

// Issue issues a leaf certificate for the request's public key: ExtKeyUsage serverAuth, KeyUsage
// digitalSignature (and keyEncipherment for RSA keys), the DNS names, the CA/Browser Forum policy OID of the
// validation level and a random 128-bit serial. The validity never exceeds MaxValidity(NotBefore): a
// 24-month request issued on 2026-11-22 gets 200 days, its notAfter being notBefore + 200 days - 1 second.
// Problems with the request are invalid *errs.Error values naming the field ("csr", "names", "not_before",
// "validity", "validation", "organization").
func (ca *CA) Issue(req IssueRequest) (*Issued, error) {
	info, err := req.csrInfo()
	if err != nil {
		return nil, err
	}
	names := req.Names
	if len(names) == 0 {
		names = info.Names
	}
	names = normalizeNames(names)
	if len(names) == 0 {
		return nil, errs.Field("names", "the certificate needs at least one domain name")
	}
	var problems errs.Fields
	for _, n := range names {
		if msg := dnsNameProblem(n); msg != "" {
			problems.Add("names", "%s", msg)
		}
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	policy, err := req.Validation.policyOID()
	if err != nil {
		return nil, err
	}
	subject := pkix.Name{CommonName: names[0]}
	if req.Validation == ValidationOV || req.Validation == ValidationEV {
		o := req.Organization
		if o.Organization == "" || o.Country == "" {
			return nil, errs.Field("organization", "%s certificates need the organisation's name and country", string(req.Validation))
		}
		// OU is left out: the Baseline Requirements forbid it in server certificates since 2022.
		subject = pkixName(Subject{CommonName: names[0], Organization: o.Organization, Country: o.Country, Province: o.Province, Locality: o.Locality})
	}
	notBefore, notAfter, err := ca.validity(req.NotBefore, req.Validity)
	if err != nil {
		return nil, err
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	keyUsage := x509.KeyUsageDigitalSignature
	if _, isRSA := info.Request.PublicKey.(*rsa.PublicKey); isRSA {
		keyUsage |= x509.KeyUsageKeyEncipherment
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               subject,
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              keyUsage,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		DNSNames:              names,
		Policies:              []x509.OID{policy},
		AuthorityKeyId:        ca.inter.SubjectKeyId,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.inter, info.Request.PublicKey, ca.interKey)
	if err != nil {
		return nil, fmt.Errorf("pki: issue: %w", err)
	}
	return &Issued{
		CertPEM:   pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		ChainPEM:  ca.IntermediatePEM(),
		Serial:    SerialHex(serial),
		NotBefore: notBefore,
		NotAfter:  notAfter,
	}, nil
}

func (r IssueRequest) csrInfo() (*CSRInfo, error) {
	if r.CSR != nil {
		return describeCSR(r.CSR)
	}
	if len(r.CSRPEM) == 0 {
		return nil, errs.Field(csrField, "a certificate request is required")
	}
	return ParseCSR(r.CSRPEM)
}

// validity returns the leaf's notBefore and notAfter (inclusive) for a request starting at start and lasting
// want, capped by the industry dates table and by the intermediate's own validity.
func (ca *CA) validity(start time.Time, want time.Duration) (time.Time, time.Time, error) {
	if start.IsZero() {
		return time.Time{}, time.Time{}, errs.Field("not_before", "the start of validity is required")
	}
	if want < 0 {
		return time.Time{}, time.Time{}, errs.Field("validity", "the validity cannot be negative")
	}
	notBefore := start.UTC().Truncate(time.Second)
	if notBefore.Before(ca.inter.NotBefore) || !notBefore.Before(ca.inter.NotAfter) {
		return time.Time{}, time.Time{}, errs.Field("not_before", "the start of validity %s is outside the issuing CA's validity (%s to %s)",
			notBefore.Format(time.RFC3339), ca.inter.NotBefore.Format(time.RFC3339), ca.inter.NotAfter.Format(time.RFC3339))
	}
	if limit := MaxValidity(notBefore); want == 0 || want > limit {
		want = limit
	}
	if want < time.Second {
		want = time.Second
	}
	notAfter := notBefore.Add(want - time.Second)
	if notAfter.After(ca.inter.NotAfter) {
		notAfter = ca.inter.NotAfter
	}
	return notBefore, notAfter, nil
}
