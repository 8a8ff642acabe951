package sandbox

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// maxRefLen bounds our reference, which becomes part of the provider's.
const maxRefLen = 200

// checked is a request that passed the checks that do not depend on the time.
type checked struct {
	item  provider.CatalogItem
	info  *pki.CSRInfo
	names []string // the certificate's names, common name first
	org   pki.Subject
	dcv   []provider.DomainDCV
}

// parse checks what a real CA checks of a request whatever its date: the item and validation level, the
// CSR's key and signature, the names against the CSR and the item, the organisation of OV and EV, and
// which validation each name has. Problems are Invalid errors naming the field ("item", "validation",
// "csr", "domains", "contacts.organization.name", "contacts.organization.address.country").
func parse(req provider.Request) (*checked, error) {
	item, err := findItem(req.Item)
	if err != nil {
		return nil, err
	}
	if v := strings.ToLower(strings.TrimSpace(req.Validation)); v != "" && v != item.Validation {
		return nil, invalid("validation", "%s is a %s product, not %s", item.Name, strings.ToUpper(item.Validation), strings.ToUpper(v))
	}
	info, err := pki.ParseCSR(req.CSR)
	if err != nil {
		return nil, fromPKI(err, "csr")
	}
	if len(info.IPAddresses) > 0 {
		return nil, invalid("csr", "the request asks for the IP address %s; certificates here are issued for domain names only", info.IPAddresses[0])
	}
	names, err := certNames(req, info)
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		if strings.HasPrefix(n, "*.") && !item.Wildcard {
			return nil, invalid("domains", "%s is a wildcard name but %s does not cover wildcards; choose %s or remove it",
				n, item.Name, ItemDVWildcard)
		}
	}
	if len(names) > item.MaxNames {
		return nil, invalid("domains", "the request has %d names (%s) but %s allows at most %d",
			len(names), strings.Join(names, ", "), item.Name, item.MaxNames)
	}
	c := &checked{item: item, info: info, names: names}
	if item.Validation == provider.OV || item.Validation == provider.EV {
		o := req.Contacts.Organization
		level := strings.ToUpper(item.Validation)
		if strings.TrimSpace(o.Name) == "" {
			return nil, invalid("contacts.organization.name", "%s certificates need the organisation's name", level)
		}
		country := strings.ToUpper(strings.TrimSpace(o.Country))
		if !isCountryCode(country) {
			return nil, invalid("contacts.organization.address.country", "%s certificates need the organisation's country as an ISO 3166 two-letter code", level)
		}
		c.org = pki.Subject{Organization: strings.TrimSpace(o.Name), Country: country,
			Province: strings.TrimSpace(o.State), Locality: strings.TrimSpace(o.City)}
	}
	if c.dcv, err = resolveDCV(names, req.DCV); err != nil {
		return nil, err
	}
	return c, nil
}

// certNames returns the names the certificate will carry: Request.Names when given (they may add names
// to the CSR's, as upstream CAs allow) else the CSR's, with the common name first. Every name the CSR asks
// for must be among them, and each must be a valid public DNS name; problems are Invalid on "domains".
func certNames(req provider.Request, info *pki.CSRInfo) ([]string, error) {
	names := normalizeNames(req.Names)
	if len(names) == 0 {
		names = slices.Clone(info.Names)
	}
	if cn := normalizeName(req.CommonName); cn != "" {
		i := slices.Index(names, cn)
		if i < 0 {
			return nil, invalid("domains", "the common name %s is not among the names %s", cn, strings.Join(names, ", "))
		}
		names = append([]string{cn}, slices.Delete(names, i, i+1)...)
	}
	if len(names) == 0 {
		return nil, invalid("domains", "the request names no domain: the CSR has no common name or DNS names and none were given")
	}
	for _, n := range info.Names {
		if !contains(names, n) {
			return nil, invalid("domains", "the CSR asks for %s, which is not among the order's names (%s)", n, strings.Join(names, ", "))
		}
	}
	for _, n := range names {
		if err := pki.CheckDNSName(n); err != nil {
			return nil, invalid("domains", "%s", err.Error())
		}
	}
	return names, nil
}

// checkRef checks our reference, which the provider's reference is made from.
func checkRef(ref string) error {
	switch {
	case ref == "":
		return invalid("ref", "our reference is required: the sandbox makes its own reference from it")
	case len(ref) > maxRefLen:
		return invalid("ref", "our reference is longer than %d characters", maxRefLen)
	case strings.ContainsFunc(ref, func(r rune) bool { return r <= ' ' || r == 0x7f }):
		return invalid("ref", "our reference %q contains spaces or control characters", ref)
	}
	return nil
}

// ourRef returns our reference inside a sandbox reference, or false when ref is not one.
func ourRef(ref string) (string, bool) {
	rest, ok := strings.CutPrefix(ref, refPrefix)
	return rest, ok && checkRef(rest) == nil
}

// fromPKI turns an invalid *errs.Error of the pki package into an Invalid provider error on field (the
// pki's own field when field is empty); other errors pass unchanged.
func fromPKI(err error, field string) error {
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Invalid {
		return err
	}
	msg := e.Message
	if len(e.Fields) > 0 {
		msg = e.Fields[0].Detail
		if field == "" {
			field = e.Fields[0].Field
		}
	}
	return &provider.Error{Class: provider.Invalid, Field: field, Message: msg, Err: err}
}

func isCountryCode(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

func normalizeName(n string) string { return strings.ToLower(strings.TrimSpace(n)) }

// normalizeNames lower-cases and trims names and drops empty ones and repeats, keeping the order.
func normalizeNames(names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if n = normalizeName(n); n != "" && !contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }

// describeRequest summarises a request for the call log; the CSR and contacts are left out.
func describeRequest(req provider.Request) string {
	return fmt.Sprintf("ref=%s item=%s period_months=%d validation=%s names=%s dcv=%s",
		req.Ref, req.Item, req.PeriodMonths, req.Validation, strings.Join(req.Names, ","), describeDCV(req.DCV))
}
