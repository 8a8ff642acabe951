package hexonetsim

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// approverLocalParts are the constructed approver mailboxes, the only ones the CA/Browser Forum still
// allows; WHOIS addresses are not offered.
var approverLocalParts = []string{"admin", "administrator", "hostmaster", "postmaster", "webmaster"}

// twoLabelSuffixes are public suffixes of two labels common enough to matter in a simulator; under them
// the registrable domain has three labels.
var twoLabelSuffixes = map[string]bool{
	"co.uk": true, "org.uk": true, "me.uk": true, "ac.uk": true, "gov.uk": true,
	"com.au": true, "net.au": true, "org.au": true, "co.nz": true, "org.nz": true,
	"co.jp": true, "ne.jp": true, "com.br": true, "com.cn": true, "co.za": true, "co.in": true,
	"com.mx": true, "com.tr": true, "co.il": true, "com.sg": true, "com.hk": true, "co.kr": true,
}

// baseName strips a wildcard label and lower-cases a name.
func baseName(name string) string {
	return strings.TrimPrefix(strings.ToLower(strings.TrimSuffix(strings.TrimSpace(name), ".")), "*.")
}

// registrable returns the registrable domain of a name (example.com for www.example.com, example.co.uk
// for shop.example.co.uk).
func registrable(name string) string {
	labels := strings.Split(baseName(name), ".")
	if len(labels) <= 2 {
		return strings.Join(labels, ".")
	}
	if twoLabelSuffixes[strings.Join(labels[len(labels)-2:], ".")] {
		return strings.Join(labels[len(labels)-3:], ".")
	}
	return strings.Join(labels[len(labels)-2:], ".")
}

// approvers lists the constructed approver addresses of a name: at the name itself, then at its
// registrable parent when that differs.
func approvers(name string) []string {
	base := baseName(name)
	hosts := []string{base}
	if reg := registrable(base); reg != base {
		hosts = append(hosts, reg)
	}
	var out []string
	for _, h := range hosts {
		for _, l := range approverLocalParts {
			out = append(out, l+"@"+h)
		}
	}
	return out
}

// isApprover reports whether email is a constructed approver address of name.
func isApprover(name, email string) bool {
	email = strings.ToLower(strings.TrimSpace(email))
	for _, a := range approvers(name) {
		if a == email {
			return true
		}
	}
	return false
}

// dcvEntry is the validation of one name and what the client must publish for it.
type dcvEntry struct {
	method, email, url, content, rr string
}

// instructions fills the URL file or DNS record of a validation. The values are derived from the
// certificate ID, the name and the CSR, so they are stable across polls and change with a reissue.
func instructions(method, email, id, name, csr string) dcvEntry {
	sum := sha256.Sum256([]byte(id + "|" + name + "|" + csr))
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	token := h[:32]
	base := baseName(name)
	e := dcvEntry{method: method}
	switch method {
	case "URL":
		e.url = "http://" + base + "/.well-known/pki-validation/" + token + ".txt"
		e.content = h + " sectigo.com " + strings.ToLower(h[32:48])
	case "DNSZONE":
		e.rr = "_" + strings.ToLower(token) + "." + base + ". CNAME " + strings.ToLower(h[:32]) + "." + strings.ToLower(h[32:48]) + ".sectigo.com."
	default:
		e.method = "EMAIL"
		e.email = email
		if e.email == "" {
			e.email = "admin@" + registrable(base)
		}
	}
	return e
}
