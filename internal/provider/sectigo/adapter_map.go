package sectigo

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"strconv"
	"strings"

	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// This file holds the adapter's translations between the service's vocabulary and Sectigo's: server
// types, DCV methods and instructions, periods, contacts, states, revocation reasons and error fields.

// serverSoftware maps the service's server types to Sectigo's serverSoftware numbers (Sectigo's list has
// no nginx: it is OTHER, -1).
func serverSoftwareOf(serverType string) int {
	switch strings.ToLower(strings.TrimSpace(serverType)) {
	case "apache":
		return 2 // Apache-ModSSL
	case "iis":
		return 14 // Microsoft IIS 5.x and later
	case "tomcat":
		return 24
	case "plesk":
		return 30
	case "cpanel":
		return 31 // WHM/cPanel
	}
	return ServerSoftwareOther // nginx, other
}

// wireMethod maps a DCV method of the service to Sectigo's: email is EMAIL, http the HTTP file named
// after the CSR's hash, dns the CNAME record named after it.
func wireMethod(m string) (DCVMethod, bool) {
	switch m {
	case provider.DCVEmail:
		return DCVEmail, true
	case provider.DCVHTTP:
		return DCVHTTP, true
	case provider.DCVDNS:
		return DCVCNAME, true
	}
	return "", false
}

// uniqueValueOf derives the uniqueValue of a request from our reference: unique per request as Sectigo
// wants, at most 20 alphanumerics, and computable again from the reference alone, so the DCV
// instructions of an order found by the reconciler or polled later are the ones Sectigo checks.
func uniqueValueOf(ref string) string {
	if strings.TrimSpace(ref) == "" {
		return ""
	}
	sum := sha256.Sum256([]byte("sslreseller:" + ref))
	return hex.EncodeToString(sum[:10])
}

// dcvOf returns the DCV of each name of a request with Sectigo's instructions and the given status:
// the approver address for email, the file for http, the CNAME record for dns. A CSR the tokens cannot
// be computed from leaves http and dns without instructions.
func dcvOf(req provider.Request, status string) []provider.DomainDCV {
	tokens, _ := ComputeDCV(req.CSR, uniqueValueOf(req.Ref))
	out := make([]provider.DomainDCV, 0, len(req.DCV))
	for _, d := range req.DCV {
		d.Status = status
		d.Instructions = instructionsOf(tokens, d)
		out = append(out, d)
	}
	return out
}

// instructionsOf builds what the client must do for one name; nil when it cannot be told.
func instructionsOf(tokens *DCVTokens, d provider.DomainDCV) *provider.Instructions {
	switch d.Method {
	case provider.DCVEmail:
		return &provider.Instructions{Method: provider.DCVEmail, Email: strings.ToLower(d.ApproverEmail)}
	case provider.DCVHTTP:
		if tokens == nil {
			return nil
		}
		in := tokens.Instruction(DCVHTTP, d.Name)
		return &provider.Instructions{Method: provider.DCVHTTP, FileURL: in.FileURL, FilePath: in.FilePath, FileContent: in.FileContent}
	case provider.DCVDNS:
		if tokens == nil {
			return nil
		}
		in := tokens.Instruction(DCVCNAME, d.Name)
		return &provider.Instructions{Method: provider.DCVDNS, RecordName: in.RecordName, RecordType: in.RecordType, RecordValue: in.RecordValue}
	}
	return nil
}

// orderDCV picks the DCV that goes on the order itself: the common name's (Sectigo takes one method per
// order when it is placed; other names of a multi-domain order are changed after).
func orderDCV(req provider.Request) (provider.DomainDCV, bool) {
	for _, d := range req.DCV {
		if strings.EqualFold(d.Name, req.CommonName) {
			return d, true
		}
	}
	if len(req.DCV) > 0 {
		return req.DCV[0], true
	}
	return provider.DomainDCV{}, false
}

// daysOf turns a period in months into Sectigo's term in days: 365 a year, 30 a month otherwise.
func daysOf(months int) int {
	if months%12 == 0 {
		return months / 12 * 365
	}
	return months * 30
}

// phoneOf writes a telephone number as Sectigo shows it: the digits with single spaces, a leading +
// kept ("+44.2079460000" and "+44 (20) 7946-0000" both become "+44 20 7946 0000" or "+44 2079460000").
func phoneOf(s string) string {
	s = strings.TrimSpace(s)
	plus := strings.HasPrefix(s, "+")
	s = strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return ' '
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if plus && s != "" {
		s = "+" + s
	}
	return s
}

// contactOf maps the order's admin contact to Sectigo's applicant representative.
func contactOf(c provider.Contacts) Contact {
	a := c.Admin
	return Contact{Email: strings.TrimSpace(a.Email), FirstName: strings.TrimSpace(a.FirstName),
		LastName: strings.TrimSpace(a.LastName), Telephone: phoneOf(a.Phone)}
}

// organizationOf maps the organisation of an OV or EV order; DV orders send none.
func organizationOf(validation string, c provider.Contacts) Organization {
	if validation != provider.OV && validation != provider.EV {
		return Organization{}
	}
	o := c.Organization
	street := strings.TrimSpace(o.Line1)
	if l2 := strings.TrimSpace(o.Line2); l2 != "" {
		street += ", " + l2
	}
	return Organization{Name: strings.TrimSpace(o.Name), Street: street, City: strings.TrimSpace(o.City),
		State: strings.TrimSpace(o.State), PostalCode: strings.TrimSpace(o.PostalCode), Country: strings.ToUpper(strings.TrimSpace(o.Country))}
}

// revocationReason writes the service's revocation reason in words for Sectigo's free-text argument.
func revocationReason(reason string) string {
	switch reason {
	case "", "unspecified":
		return "Unspecified"
	case "key_compromise":
		return "Key compromise"
	case "affiliation_changed":
		return "Affiliation changed"
	case "superseded":
		return "Superseded"
	case "cessation_of_operation":
		return "Cessation of operation"
	}
	return reason
}

// StateOf maps a Sectigo status to the state of a request in the service's lifecycle. Expired ends the
// request (cancelled); a replaced certificate, an unknown status and everything still in progress are
// pending (the poller keeps asking and flags the order when it stays so too long).
func StateOf(s Status) string {
	switch s {
	case StatusIssued:
		return provider.StateIssued
	case StatusRejected:
		return provider.StateRejected
	case StatusCancelled, StatusExpired:
		return provider.StateCancelled
	case StatusRevoked:
		return provider.StateRevoked
	}
	return provider.StatePending
}

// sameKey reports whether the leaf certificate is for the key of the CSR; true when the CSR cannot be
// read (nothing to compare).
func sameKey(csrPEM []byte, leafPEM string) bool {
	if len(csrPEM) == 0 {
		return true
	}
	info, err := pki.ParseCSR(csrPEM)
	if err != nil {
		return true
	}
	b, _ := pem.Decode([]byte(leafPEM))
	if b == nil {
		return false
	}
	leaf, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		return false
	}
	spki, err := x509.MarshalPKIXPublicKey(leaf.PublicKey)
	if err != nil {
		return false
	}
	sum := sha256.Sum256(spki)
	return hex.EncodeToString(sum[:]) == info.PublicKeySHA256
}

// ourFields maps the fields the wire client names to the service's API fields, so a 400 points at what
// the client or staff typed.
func ourFields() map[string]string {
	return map[string]string{
		"period":                   "period_months",
		"names":                    "csr",
		"contact.email":            "contacts.admin.email",
		"contact.first_name":       "contacts.admin.first_name",
		"contact.last_name":        "contacts.admin.last_name",
		"contact.phone":            "contacts.admin.phone",
		"organization.name":        "contacts.organization.name",
		"organization.address":     "contacts.organization.address.line1",
		"organization.city":        "contacts.organization.address.city",
		"organization.state":       "contacts.organization.address.state",
		"organization.postal_code": "contacts.organization.address.postal_code",
		"organization.country":     "contacts.organization.address.country",
		"login_name":               "credentials.login_name",
		"login_password":           "credentials.login_password",
		"credentials":              "credentials.login_name",
		"order":                    "provider_reference",
		"ordernumber":              "provider_reference",
	}
}

// fixErr renames the field of an Invalid error to the service's name for it and returns err.
func fixErr(err error) error {
	var pe *provider.Error
	if errors.As(err, &pe) && pe.Field != "" {
		if f, ok := ourFields()[strings.ToLower(pe.Field)]; ok {
			pe.Field = f
		}
	}
	return err
}

// refError is the error for a missing or malformed Sectigo order number.
func refError(command, ref string) error {
	if _, err := strconv.ParseUint(strings.TrimSpace(ref), 10, 64); err == nil {
		return nil
	}
	return &provider.Error{Command: command, Class: provider.NotFound,
		Message: "\"" + ref + "\" is not a Sectigo order number (they are all digits)"}
}
