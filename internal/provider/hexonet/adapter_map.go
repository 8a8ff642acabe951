package hexonet

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"net/url"
	"strings"

	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// serverSoftware maps the service's server types to HEXONET's SERVERSOFTWARE values (APACHESSL,
// APACHESSLEAY, APACHE2, IIS, OTHER). Every OpenSSL-based server takes the PEM files Apache with mod_ssl
// takes; cPanel and Plesk install them into Apache or nginx.
var serverSoftware = map[string]string{
	"apache": "APACHESSL",
	"nginx":  "APACHESSL",
	"cpanel": "APACHESSL",
	"plesk":  "APACHESSL",
	"iis":    "IIS",
	"tomcat": "OTHER",
	"other":  "OTHER",
}

// serverSoftwareOf returns the SERVERSOFTWARE of a server type; unknown or empty types are OTHER.
func serverSoftwareOf(serverType string) string {
	if s, ok := serverSoftware[strings.ToLower(strings.TrimSpace(serverType))]; ok {
		return s
	}
	return "OTHER"
}

// revokeReasons maps the service's revocation reasons to the free text HEXONET's REASON takes.
var revokeReasons = map[string]string{
	"":                       "unspecified",
	"unspecified":            "unspecified",
	"key_compromise":         "key compromise",
	"affiliation_changed":    "affiliation changed",
	"superseded":             "superseded",
	"cessation_of_operation": "cessation of operation",
}

// dcvMethods maps the service's DCV methods to HEXONET's VALIDATIONn values.
var dcvMethods = map[string]string{
	provider.DCVEmail: ValidationEmail,
	provider.DCVHTTP:  ValidationURL,
	provider.DCVDNS:   ValidationDNS,
}

// ourMethod maps a HEXONET validation method back; unknown values are left as they are, lower-cased.
func ourMethod(m string) string {
	for ours, theirs := range dcvMethods {
		if strings.EqualFold(m, theirs) {
			return ours
		}
	}
	return strings.ToLower(m)
}

// stateTable maps the neutral status of a HEXONET certificate (MapStatus of its STATUS) to the state of
// a request in the service. REPLACED means a renewal superseded an issued certificate: it was issued.
// EXPIRED for a request still polled means it lapsed before it was issued. A STATUS the wire table does
// not know stays pending: the poller asks again and, past the maximum pending age, staff look at it;
// nothing is guessed.
var stateTable = map[Status]string{
	StatusPending:  provider.StatePending,
	StatusIssued:   provider.StateIssued,
	StatusReplaced: provider.StateIssued,
	StatusRejected: provider.StateRejected,
	StatusRevoked:  provider.StateRevoked,
	StatusExpired:  provider.StateCancelled,
	StatusUnknown:  provider.StatePending,
}

// stateOf maps HEXONET's raw STATUS to a request state.
func stateOf(raw string) string {
	if s, ok := stateTable[MapStatus(raw)]; ok {
		return s
	}
	return provider.StatePending
}

// reasonOf says why a request ended without a certificate, from HEXONET's STATUSDETAILS when it gives
// one.
func reasonOf(state, raw, details string) string {
	details = strings.TrimSpace(details)
	switch state {
	case provider.StateRejected:
		if details != "" {
			return "HEXONET: " + details
		}
		return "HEXONET reports the request as " + raw + " (the approval was not confirmed or the certificate authority refused it)"
	case provider.StateCancelled:
		if details != "" {
			return "HEXONET: " + details
		}
		return "the request " + strings.ToLower(raw) + " at HEXONET before it was issued"
	case provider.StateRevoked:
		if details != "" {
			return "HEXONET: " + details
		}
		return "the certificate was revoked at HEXONET"
	}
	return ""
}

// twoDigitCallingCodes are the ITU country calling codes of two digits. Calling codes are a prefix
// code: "1" and "7" are the only one-digit codes and every code not listed here has three digits.
var twoDigitCallingCodes = map[string]bool{
	"20": true, "27": true, "30": true, "31": true, "32": true, "33": true, "34": true, "36": true, "39": true,
	"40": true, "41": true, "43": true, "44": true, "45": true, "46": true, "47": true, "48": true, "49": true,
	"51": true, "52": true, "53": true, "54": true, "55": true, "56": true, "57": true, "58": true,
	"60": true, "61": true, "62": true, "63": true, "64": true, "65": true, "66": true,
	"81": true, "82": true, "84": true, "86": true,
	"90": true, "91": true, "92": true, "93": true, "94": true, "95": true, "98": true,
}

// formatPhone writes an international number in HEXONET's contact format, +CC.NUMBER
// ("+44 20 7946 0000" is "+44.2079460000"; "0044 (0)20 ..." too). A number without its country code is
// sent as typed, digits only: HEXONET then says what it needs.
func formatPhone(phone string) string {
	raw := strings.TrimSpace(phone)
	if raw == "" {
		return ""
	}
	raw = strings.ReplaceAll(raw, "(0)", "")
	international := strings.HasPrefix(raw, "+")
	var digits strings.Builder
	for _, r := range raw {
		if r >= '0' && r <= '9' {
			digits.WriteRune(r)
		}
	}
	d := digits.String()
	if !international && strings.HasPrefix(d, "00") {
		international, d = true, d[2:]
	}
	if !international || len(d) < 4 {
		return d
	}
	cc := 3
	switch {
	case d[0] == '1' || d[0] == '7':
		cc = 1
	case twoDigitCallingCodes[d[:2]]:
		cc = 2
	}
	return "+" + d[:cc] + "." + d[cc:]
}

// contactsOf writes the order's contacts in HEXONET's inline form: the owner (applicant) is the
// organisation with the admin contact's name; admin, tech and billing (the admin again: the service has
// no billing contact) are people at the organisation's address. The owner's EMAIL is sent only for OV and
// EV classes, because HEXONET also reads EMAIL as the legacy approver address.
func contactsOf(c provider.Contacts, info ClassInfo) Contacts {
	org := c.Organization
	street := strings.TrimSpace(strings.TrimSpace(org.Line1) + ", " + strings.TrimSpace(org.Line2))
	street = strings.Trim(street, ", ")
	person := func(p provider.Contact) *Contact {
		phone := p.Phone
		if strings.TrimSpace(phone) == "" {
			phone = org.Phone
		}
		return &Contact{
			Organization: org.Name, FirstName: p.FirstName, LastName: p.LastName, JobTitle: p.JobTitle, Email: p.Email,
			Street: street, City: org.City, Province: org.State, Zip: org.PostalCode, Country: strings.ToUpper(org.Country),
			Phone: formatPhone(phone),
		}
	}
	owner := person(c.Admin)
	if org.Phone != "" {
		owner.Phone = formatPhone(org.Phone)
	}
	if info.Validation == provider.DV {
		owner.Email, owner.JobTitle = "", ""
	}
	admin := person(c.Admin)
	return Contacts{Owner: owner, Admin: admin, Tech: person(c.Tech), Billing: admin}
}

// instructionsOf tells the client what one HEXONET validation asks for.
func instructionsOf(v Validation) *provider.Instructions {
	switch v.Method {
	case ValidationEmail:
		return &provider.Instructions{Method: provider.DCVEmail, Email: strings.ToLower(v.Email)}
	case ValidationURL:
		in := &provider.Instructions{Method: provider.DCVHTTP, FileURL: v.URL, FileContent: v.URLContent}
		if u, err := url.Parse(v.URL); err == nil {
			in.FilePath = u.Path
		}
		return in
	case ValidationDNS:
		in := &provider.Instructions{Method: provider.DCVDNS, RecordName: strings.TrimSuffix(v.DNS.Host, "."),
			RecordType: v.DNS.Type, RecordValue: v.DNS.Value}
		if in.RecordName == "" && in.RecordValue == "" {
			in.RecordValue = v.DNSRR
		}
		return in
	}
	return nil
}

// dcvOf maps HEXONET's validations to the service's, one per name, with their state. A validation
// without a DOMAIN is the name at its index.
func dcvOf(vals []Validation, names []string, state string) []provider.DomainDCV {
	dcvState := "pending"
	switch state {
	case provider.StateIssued:
		dcvState = "valid"
	case provider.StateRejected:
		dcvState = "failed"
	}
	out := make([]provider.DomainDCV, 0, len(vals))
	for i, v := range vals {
		name := strings.ToLower(v.Domain)
		if name == "" && i < len(names) {
			name = strings.ToLower(names[i])
		}
		if name == "" {
			continue
		}
		d := provider.DomainDCV{Name: name, Method: ourMethod(v.Method), Status: dcvState, Instructions: instructionsOf(v)}
		if v.Method == ValidationEmail {
			d.ApproverEmail = strings.ToLower(v.Email)
		}
		out = append(out, d)
	}
	return out
}

// splitCertificate returns the leaf and the intermediates of an issued certificate. HEXONET sends the
// leaf in CRT and the CA chain in CACRT; the chain may hold the root or repeat the leaf, and some
// suppliers put the chain after the leaf in CRT, so the leaf is CRT's first certificate and the chain is
// every other certificate that is neither the leaf nor self-signed, once each, in order.
func splitCertificate(crt, cacrt string) (leaf *x509.Certificate, certPEM, chainPEM []byte, err error) {
	certs, err := pki.ParseCertificatesPEM([]byte(crt))
	if err != nil {
		return nil, nil, nil, err
	}
	leaf = certs[0]
	rest := certs[1:]
	if strings.TrimSpace(cacrt) != "" {
		chain, err := pki.ParseCertificatesPEM([]byte(cacrt))
		if err != nil {
			return nil, nil, nil, err
		}
		rest = append(rest, chain...)
	}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.Raw})
	var seen [][]byte
	var chain bytes.Buffer
	for _, c := range rest {
		if bytes.Equal(c.Raw, leaf.Raw) || selfSigned(c) {
			continue
		}
		dup := false
		for _, s := range seen {
			dup = dup || bytes.Equal(s, c.Raw)
		}
		if dup {
			continue
		}
		seen = append(seen, c.Raw)
		_ = pem.Encode(&chain, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	return leaf, certPEM, chain.Bytes(), nil
}

// selfSigned reports a root: subject and issuer equal and the signature its own.
func selfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawSubject, c.RawIssuer) && c.CheckSignatureFrom(c) == nil
}

// sameKey reports whether the certificate is for the key of the PEM request; true when the request
// cannot be read (the poller checks again).
func sameKey(csrPEM []byte, leaf *x509.Certificate) bool {
	if len(bytes.TrimSpace(csrPEM)) == 0 {
		return true
	}
	info, err := pki.ParseCSR(csrPEM)
	if err != nil {
		return true
	}
	sum := sha256.Sum256(leaf.RawSubjectPublicKeyInfo)
	return hex.EncodeToString(sum[:]) == info.PublicKeySHA256
}
