package sectigosim

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/md5" //nolint:gosec // Sectigo's DCV tokens and DecodeCSR use the MD5 of the CSR.
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // DecodeCSR reports the SHA-1 of the CSR.
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"net"
	"strconv"
	"strings"
)

// request is a CSR as the simulator checked it.
type request struct {
	der     []byte
	pemText string
	csr     *x509.CertificateRequest
	cn      string
	names   []string // CN first, then the DNS SANs, lower-case, without repeats
	keySize int
}

// readCSR decodes and checks a CSR the way Sectigo reports problems: -9 not base64, -10 not a request,
// -11 unsupported key, -13 key size, -12 bad signature, -8 no name, -35 CN is an IP address.
func readCSR(text string) (*request, *answer) {
	var der []byte
	if b, _ := pem.Decode([]byte(text)); b != nil {
		der = b.Bytes
	} else {
		d, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(text), ""))
		if err != nil {
			a := errCode(-9, "The CSR could not be base64-decoded!")
			return nil, &a
		}
		der = d
	}
	csr, err := x509.ParseCertificateRequest(der)
	if err != nil {
		a := errCode(-10, "The CSR could not be decoded!")
		return nil, &a
	}
	size := 0
	switch k := csr.PublicKey.(type) {
	case *rsa.PublicKey:
		size = k.N.BitLen()
		if size < 2048 || size > 8192 {
			a := errCode(-13, "The CSR's key size ("+strconv.Itoa(size)+" bits) is not supported!")
			return nil, &a
		}
	case *ecdsa.PublicKey:
		size = k.Curve.Params().BitSize
		if k.Curve != elliptic.P256() && k.Curve != elliptic.P384() {
			a := errCode(-13, "The CSR's key size ("+strconv.Itoa(size)+" bits) is not supported!")
			return nil, &a
		}
	default:
		a := errCode(-11, "The CSR uses an unsupported public key algorithm!")
		return nil, &a
	}
	if err := csr.CheckSignature(); err != nil {
		a := errCode(-12, "The CSR's signature is invalid!")
		return nil, &a
	}
	cn := strings.ToLower(strings.TrimSpace(csr.Subject.CommonName))
	if net.ParseIP(cn) != nil {
		a := errCode(-35, "The CSR's Common Name may not be an IP address!")
		return nil, &a
	}
	r := &request{der: der, csr: csr, cn: cn, keySize: size,
		pemText: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))}
	r.names = uniqueNames(append([]string{cn}, csr.DNSNames...))
	if len(r.names) == 0 {
		a := errCode(-8, "The CSR is missing a required field (Common Name)!")
		return nil, &a
	}
	if r.cn == "" {
		r.cn = r.names[0]
	}
	return r, nil
}

func uniqueNames(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range in {
		n = strings.ToLower(strings.TrimSpace(n))
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, n)
	}
	return out
}

func md5Hex(b []byte) string {
	s := md5.Sum(b) //nolint:gosec // see the import
	return hex.EncodeToString(s[:])
}

func sha1Hex(b []byte) string {
	s := sha1.Sum(b) //nolint:gosec // see the import
	return hex.EncodeToString(s[:])
}

// registrable returns the name's registrable parent (the label left of the public suffix). The
// simulator knows a handful of two-label suffixes; anything else counts as a one-label suffix.
func registrable(name string) string {
	labels := strings.Split(name, ".")
	if len(labels) <= 2 {
		return name
	}
	twoLevel := map[string]bool{"co.uk": true, "org.uk": true, "ac.uk": true, "com.au": true, "net.au": true,
		"org.au": true, "co.nz": true, "co.jp": true, "com.br": true, "co.za": true, "com.cn": true, "co.in": true}
	n := 2
	if twoLevel[strings.Join(labels[len(labels)-2:], ".")] {
		n = 3
	}
	if len(labels) <= n {
		return name
	}
	return strings.Join(labels[len(labels)-n:], ".")
}

// approverAddresses are the constructed addresses at a name and at its registrable parent; WHOIS
// addresses are no longer used by CAs.
func approverAddresses(name string) (level2, level3 []string) {
	name = strings.TrimPrefix(strings.ToLower(name), "*.")
	parent := registrable(name)
	for _, box := range []string{"admin", "administrator", "hostmaster", "postmaster", "webmaster"} {
		level2 = append(level2, box+"@"+parent)
		if name != parent {
			level3 = append(level3, box+"@"+name)
		}
	}
	return level2, level3
}

// validDomain is a loose check of a domain name argument.
func validDomain(d string) bool {
	d = strings.TrimPrefix(d, "*.")
	if len(d) < 3 || len(d) > 253 || !strings.Contains(d, ".") || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") {
		return false
	}
	for _, c := range d {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
