package pki

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// internalTLDs are suffixes no public CA issues for (Baseline Requirements: internal names are forbidden).
// Kept small on purpose: the upstream CA has the final word, this only catches the common mistakes early.
func internalTLD(tld string) bool {
	switch tld {
	case "local", "localhost", "localdomain", "internal", "invalid", "lan":
		return true
	}
	return false
}

// CheckDNSName reports why name cannot appear in a public TLS certificate, or nil. It accepts lower-case
// names only (callers normalise first) and a wildcard only as the whole leftmost label ("*.example.com"). The
// error is an invalid *errs.Error whose message names the problem; it names no field because the caller knows
// where the name came from.
func CheckDNSName(name string) error {
	if msg := dnsNameProblem(name); msg != "" {
		return errs.New(errs.Invalid, "%s", msg)
	}
	return nil
}

// dnsNameProblem returns a sentence about what is wrong with name, or "".
func dnsNameProblem(name string) string {
	q := fmt.Sprintf("%q", name)
	switch {
	case name == "":
		return "a name is empty"
	case len(name) > 253:
		return fmt.Sprintf("%s is longer than 253 characters", q)
	}
	if _, err := netip.ParseAddr(strings.Trim(name, "[]")); err == nil {
		return fmt.Sprintf("%s is an IP address; certificates here are issued for domain names only", q)
	}
	if strings.HasSuffix(name, ".") {
		return fmt.Sprintf("%s ends with a dot; remove the trailing dot", q)
	}
	labels := strings.Split(name, ".")
	rest := labels
	if labels[0] == "*" {
		rest = labels[1:]
	}
	for i, l := range rest {
		if strings.Contains(l, "*") {
			if l == "*" && i == 0 {
				return fmt.Sprintf("%s has more than one wildcard; a wildcard is allowed only as the whole leftmost label", q)
			}
			return fmt.Sprintf("%s has a wildcard that is not the whole leftmost label (like *.example.com)", q)
		}
	}
	for _, l := range rest {
		if msg := labelProblem(q, l); msg != "" {
			return msg
		}
	}
	if len(rest) < 2 {
		if labels[0] == "*" {
			return fmt.Sprintf("%s is a wildcard over a top-level domain; a wildcard needs a registered domain after \"*.\"", q)
		}
		return fmt.Sprintf("%s is a bare top-level domain, not a domain name", q)
	}
	tld := rest[len(rest)-1]
	if strings.Trim(tld, "0123456789") == "" {
		return fmt.Sprintf("%s ends in an all-numeric label; it is neither a domain name nor an IP address", q)
	}
	if internalTLD(tld) {
		return fmt.Sprintf("%s is an internal name (.%s); public CAs do not issue for it", q, tld)
	}
	return ""
}

func labelProblem(q, l string) string {
	switch {
	case l == "":
		return fmt.Sprintf("%s has an empty label (two dots in a row or a leading dot)", q)
	case len(l) > 63:
		return fmt.Sprintf("%s has a label longer than 63 characters", q)
	case l[0] == '-' || l[len(l)-1] == '-':
		return fmt.Sprintf("%s has a label %q that starts or ends with a hyphen", q, l)
	}
	for _, r := range l {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
		case r == '_':
			return fmt.Sprintf("%s contains an underscore, which certificates may not contain", q)
		case r >= 'A' && r <= 'Z':
			return fmt.Sprintf("%s contains upper-case letters", q)
		case r > 127:
			return fmt.Sprintf("%s contains non-ASCII characters; use the punycode form (xn--...)", q)
		default:
			return fmt.Sprintf("%s contains %q, which is not allowed in a domain name", q, r)
		}
	}
	return ""
}

// normalizeNames lower-cases and trims names and drops repeats, keeping the first occurrence's position.
func normalizeNames(names []string) []string {
	out := make([]string, 0, len(names))
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, n)
	}
	return out
}
