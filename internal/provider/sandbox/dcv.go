package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// HashDomain ends the HTTP file content and the CNAME target of sandbox validation, as a CA's own
// domain does upstream (Sectigo's comodoca.com).
const HashDomain = "sandbox-dcv.test"

// DCV states of a name.
const (
	dcvPending = "pending"
	dcvValid   = "valid"
	dcvFailed  = "failed"
)

// approverLocalParts are the constructed approver mailboxes (Baseline Requirements 3.2.2.4.4); addresses
// from WHOIS ended on 2025-07-15.
func approverLocalParts() []string {
	return []string{"admin", "administrator", "hostmaster", "postmaster", "webmaster"}
}

// approversFor lists the addresses that may approve e-mail validation of name: each constructed
// mailbox at the name (without a wildcard label) and at each parent down to the last two labels, most
// specific first. The last two labels stand for the registrable domain; a real CA consults the public
// suffix list instead.
func approversFor(name string) []string {
	labels := strings.Split(baseName(name), ".")
	var out []string
	for i := 0; i+2 <= len(labels); i++ {
		d := strings.Join(labels[i:], ".")
		for _, lp := range approverLocalParts() {
			out = append(out, lp+"@"+d)
		}
	}
	return out
}

// baseName is the name without its wildcard label: what is validated for "*.example.com".
func baseName(name string) string { return strings.TrimPrefix(name, "*.") }

// tokens are the random-looking values of one submission's HTTP-file and CNAME instructions.
type tokens struct {
	file  string // upper-case hex, 32 digits: the file name and, lower-cased, the record name
	value string // lower-case hex, 64 digits: the file content and the CNAME target
}

// tokensFor derives the tokens from the provider reference. Sectigo derives them from the CSR it keeps;
// the sandbox keeps nothing and ChangeDCV is given only the reference, so the reference is what every
// operation can derive them from: each submission (a new order, reissue or renewal has its own reference)
// gets its own, and every answer about it repeats them.
func tokensFor(ref string) tokens {
	f := sha256.Sum256([]byte("sandbox dcv file\x00" + ref))
	v := sha256.Sum256([]byte("sandbox dcv value\x00" + ref))
	return tokens{file: strings.ToUpper(hex.EncodeToString(f[:16])), value: hex.EncodeToString(v[:])}
}

// instructions tell the client how to prove control of d.Name for the submission ref.
func instructions(ref string, d provider.DomainDCV) *provider.Instructions {
	base := baseName(d.Name)
	switch d.Method {
	case provider.DCVEmail:
		return &provider.Instructions{Method: provider.DCVEmail, Email: d.ApproverEmail}
	case provider.DCVHTTP:
		t := tokensFor(ref)
		path := "/.well-known/pki-validation/" + t.file + ".txt"
		return &provider.Instructions{Method: provider.DCVHTTP, FilePath: path, FileURL: "http://" + base + path,
			FileContent: t.value + "\n" + HashDomain}
	case provider.DCVDNS:
		t := tokensFor(ref)
		return &provider.Instructions{Method: provider.DCVDNS, RecordName: "_" + strings.ToLower(t.file) + "." + base,
			RecordType: "CNAME", RecordValue: t.value[:32] + "." + t.value[32:] + "." + HashDomain}
	}
	return nil
}

// resolveDCV gives each certificate name its validation from the request: the entry for the name, or
// DNS when there is none (the one method that works for every name and every date). An entry for a name
// that is not on the certificate is an Invalid error on "domains".
func resolveDCV(names []string, given []provider.DomainDCV) ([]provider.DomainDCV, error) {
	byName := make(map[string]provider.DomainDCV, len(given))
	for _, d := range given {
		n := normalizeName(d.Name)
		if !contains(names, n) {
			return nil, invalid("domains", "validation was given for %s, which is not among the certificate's names (%s)",
				d.Name, strings.Join(names, ", "))
		}
		byName[n] = d
	}
	out := make([]provider.DomainDCV, 0, len(names))
	for _, n := range names {
		d := provider.DomainDCV{Name: n, Method: provider.DCVDNS}
		if g, ok := byName[n]; ok {
			if m := strings.ToLower(strings.TrimSpace(g.Method)); m != "" {
				d.Method = m
			}
			if d.Method == provider.DCVEmail {
				d.ApproverEmail = strings.ToLower(strings.TrimSpace(g.ApproverEmail))
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// checkDCV checks the validation of each name for a request made at now: a known method, e-mail only
// before 2028-03-15 and with one of the constructed approver addresses, no HTTP file for a wildcard.
// Problems are Invalid errors on "dcv_method" or "approver_email".
func checkDCV(dcv []provider.DomainDCV, now time.Time) error {
	for _, d := range dcv {
		switch d.Method {
		case provider.DCVEmail:
			if !pki.EmailDCVAllowed(now) {
				return invalid("dcv_method", "e-mail validation (for %s) ended on 2028-03-15; use http or dns", d.Name)
			}
			if d.ApproverEmail == "" {
				return invalid("approver_email", "choose the address that approves %s", d.Name)
			}
			list := approversFor(d.Name)
			if !contains(list, d.ApproverEmail) {
				return invalid("approver_email", "%s cannot approve %s; choose one of %s", d.ApproverEmail, d.Name, strings.Join(list, ", "))
			}
		case provider.DCVHTTP:
			if strings.HasPrefix(d.Name, "*.") {
				return invalid("dcv_method", "a wildcard name (%s) cannot be validated by an HTTP file; use dns or email", d.Name)
			}
		case provider.DCVDNS:
		default:
			return invalid("dcv_method", "%q is not a validation method for %s; use email, http or dns", d.Method, d.Name)
		}
	}
	return nil
}

// withInstructions returns the validations with their state and the instructions of submission ref.
func withInstructions(ref string, dcv []provider.DomainDCV, state func(name string) string) []provider.DomainDCV {
	out := make([]provider.DomainDCV, len(dcv))
	for i, d := range dcv {
		d.Status = state(d.Name)
		d.Instructions = instructions(ref, d)
		out[i] = d
	}
	return out
}

// describeDCV summarises validations for the call log.
func describeDCV(dcv []provider.DomainDCV) string {
	parts := make([]string, 0, len(dcv))
	for _, d := range dcv {
		s := d.Name + ":" + d.Method
		if d.ApproverEmail != "" {
			s += ":" + d.ApproverEmail
		}
		if d.Status != "" {
			s += fmt.Sprintf("(%s)", d.Status)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ",")
}
