package sectigo

import (
	"crypto/md5" //nolint:gosec // Sectigo names the DCV file and record after the MD5 of the CSR.
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"strings"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// DCVMethod is a domain-control validation method as Sectigo spells it (dcvMethod, newMethod).
type DCVMethod string

// The DCV methods.
const (
	// DCVEmail: an approver e-mail to an address from GetDCVEmailAddressList.
	DCVEmail DCVMethod = "EMAIL"
	// DCVHTTP: a file under /.well-known/pki-validation/ fetched over http.
	DCVHTTP DCVMethod = "HTTP_CSR_HASH"
	// DCVHTTPS: the same file fetched over https.
	DCVHTTPS DCVMethod = "HTTPS_CSR_HASH"
	// DCVCNAME: a CNAME record named after the CSR's MD5 pointing at a name built from its SHA-256.
	DCVCNAME DCVMethod = "CNAME_CSR_HASH"
)

// DefaultHashDomain ends the DCV file content and CNAME target; some Sectigo accounts use "sectigo.com".
const DefaultHashDomain = "comodoca.com"

// DCVTokens are the hashes of a CSR from which Sectigo's HTTP-file and CNAME instructions are built:
// the hashes are over the DER request exactly as submitted, so a reissue with the same CSR keeps them.
type DCVTokens struct {
	// MD5 is the lower-case hex MD5 of the DER CSR.
	MD5 string
	// SHA256 is the lower-case hex SHA-256 of the DER CSR.
	SHA256 string
	// UniqueValue is the order's uniqueValue, when one was sent or returned; it joins the tokens.
	UniqueValue string
	// HashDomain ends the file content and the CNAME target.
	HashDomain string
}

// DCVInstruction tells a client what to publish for one name.
type DCVInstruction struct {
	// Method is the validation method the instruction is for.
	Method DCVMethod
	// Domain is the name being validated, without a leading "*.".
	Domain string
	// FileURL, FilePath and FileContent are set for the HTTP(S) methods.
	FileURL     string
	FilePath    string
	FileContent string
	// RecordName, RecordType ("CNAME") and RecordValue are set for the CNAME method.
	RecordName  string
	RecordType  string
	RecordValue string
}

// ComputeDCV hashes the CSR (PEM, or bare base64 as Sectigo also accepts) for the DCV instructions,
// with the default hash domain. A request that cannot be decoded is an Invalid error on "csr".
func ComputeDCV(csrPEM []byte, uniqueValue string) (*DCVTokens, error) {
	return ComputeDCVWithHashDomain(csrPEM, uniqueValue, DefaultHashDomain)
}

// ComputeDCVWithHashDomain is ComputeDCV for accounts whose tokens end in another hash domain.
func ComputeDCVWithHashDomain(csrPEM []byte, uniqueValue, hashDomain string) (*DCVTokens, error) {
	der, err := csrDER(csrPEM)
	if err != nil {
		return nil, err
	}
	if hashDomain == "" {
		hashDomain = DefaultHashDomain
	}
	m := md5.Sum(der) //nolint:gosec // see the import
	s := sha256.Sum256(der)
	return &DCVTokens{MD5: hex.EncodeToString(m[:]), SHA256: hex.EncodeToString(s[:]),
		UniqueValue: strings.TrimSpace(uniqueValue), HashDomain: strings.ToLower(hashDomain)}, nil
}

// FileName is the validation file's name: the upper-case MD5 with ".txt".
func (t *DCVTokens) FileName() string { return strings.ToUpper(t.MD5) + ".txt" }

// FilePath is the path the file must be served at on every validated name.
func (t *DCVTokens) FilePath() string { return "/.well-known/pki-validation/" + t.FileName() }

// FileURL is where Sectigo fetches the file for domain (a leading "*." is dropped).
func (t *DCVTokens) FileURL(domain string, https bool) string {
	scheme := "http://"
	if https {
		scheme = "https://"
	}
	return scheme + baseDomain(domain) + t.FilePath()
}

// FileContent is the file's text: the SHA-256, the hash domain and, when set, the uniqueValue, one per line.
func (t *DCVTokens) FileContent() string {
	lines := []string{t.SHA256, t.HashDomain}
	if t.UniqueValue != "" {
		lines = append(lines, t.UniqueValue)
	}
	return strings.Join(lines, "\n")
}

// CNAME returns the record name ("_<md5>.<domain>") and value
// ("<sha256 first half>.<sha256 second half>[.<uniqueValue>].<hash domain>.") for domain.
func (t *DCVTokens) CNAME(domain string) (name, value string) {
	name = "_" + t.MD5 + "." + baseDomain(domain)
	parts := []string{t.SHA256[:32], t.SHA256[32:]}
	if t.UniqueValue != "" {
		parts = append(parts, t.UniqueValue)
	}
	parts = append(parts, t.HashDomain)
	return name, strings.Join(parts, ".") + "."
}

// Instruction builds the instruction of method for domain; EMAIL has no token and carries only the
// method and domain.
func (t *DCVTokens) Instruction(method DCVMethod, domain string) DCVInstruction {
	in := DCVInstruction{Method: method, Domain: baseDomain(domain)}
	switch method {
	case DCVHTTP, DCVHTTPS:
		in.FileURL, in.FilePath, in.FileContent = t.FileURL(domain, method == DCVHTTPS), t.FilePath(), t.FileContent()
	case DCVCNAME:
		in.RecordType = "CNAME"
		in.RecordName, in.RecordValue = t.CNAME(domain)
	}
	return in
}

// DCVInstructions computes the instructions of method for every name of a CSR (or of an order).
func DCVInstructions(csrPEM []byte, uniqueValue string, method DCVMethod, names []string) ([]DCVInstruction, error) {
	t, err := ComputeDCV(csrPEM, uniqueValue)
	if err != nil {
		return nil, err
	}
	out := make([]DCVInstruction, 0, len(names))
	for _, n := range names {
		out = append(out, t.Instruction(method, n))
	}
	return out, nil
}

func baseDomain(domain string) string {
	return strings.TrimPrefix(strings.ToLower(strings.TrimSpace(domain)), "*.")
}

// csrDER decodes a CSR given as PEM or as bare base64 (Sectigo accepts both) and checks that it parses.
func csrDER(in []byte) ([]byte, error) {
	var der []byte
	if b, _ := pem.Decode(in); b != nil {
		if !strings.Contains(b.Type, "REQUEST") {
			return nil, &provider.Error{Class: provider.Invalid, Field: "csr", Message: "the text holds a " + b.Type + ", not a certificate request"}
		}
		der = b.Bytes
	} else {
		compact := strings.Join(strings.Fields(string(in)), "")
		d, err := base64.StdEncoding.DecodeString(compact)
		if err != nil {
			return nil, &provider.Error{Class: provider.Invalid, Field: "csr", Message: "no certificate request found; paste the whole PEM request"}
		}
		der = d
	}
	if _, err := x509.ParseCertificateRequest(der); err != nil {
		return nil, &provider.Error{Class: provider.Invalid, Field: "csr", Message: "the certificate request is damaged and cannot be read"}
	}
	return der, nil
}
