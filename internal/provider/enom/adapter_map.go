package enom

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"strings"

	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// stateTable maps the neutral status of an Enom certificate (StatusOf of CertStatusID and CertStatus)
// to the state of a request in the service. Awaiting Configuration is pending: a certificate bought but
// not yet submitted to the CA is configured and submitted by the next Status. Rejected by Customer (the
// approver refused) is rejected; the refund states are cancelled. An issued certificate past its expiry
// is still issued: the request ended with a certificate. A status the wire table does not know stays
// pending: the poller asks again and, past the maximum pending age, staff look at it.
var stateTable = map[Status]string{
	StatusAwaitingConfiguration: provider.StatePending,
	StatusPending:               provider.StatePending,
	StatusIssued:                provider.StateIssued,
	StatusExpired:               provider.StateIssued,
	StatusRejected:              provider.StateRejected,
	StatusCancelled:             provider.StateCancelled,
	StatusUnknown:               provider.StatePending,
}

// stateOf maps a neutral Enom status to a request state.
func stateOf(s Status) string {
	if st, ok := stateTable[s]; ok {
		return st
	}
	return provider.StatePending
}

// prodTypes are the ProdType ids of the product codes GetCerts and PurchaseServices use
// (providers.md 1.4 and 1.5), so that a request for a product code finds its web server table and
// brand rules before anything is bought.
var prodTypes = map[string]int{
	"certificate-rapidssl-rapidssl":           23,
	"certificate-rapidssl":                    23,
	"certificate-rapidssl-rapidssl-wildcard":  285,
	"certificate-geotrust-quickssl":           26,
	"certificate-geotrust-quickssl-premium":   20,
	"certificate-geotrust-truebizid":          21,
	"certificate-geotrust-truebizid-wildcard": 27,
	"certificate-geotrust-truebizid-ev":       24,
	"certificate-verisign-secure-site":        180,
	"certificate-verisign-secure-site-pro":    181,
	"certificate-verisign-secure-site-ev":     182,
	"certificate-verisign-secure-site-pro-ev": 183,
	"certificate-comodo-essential":            211,
	"certificate-comodo-instant":              212,
	"certificate-comodo-premium-wildcard":     213,
	"certificate-comodo-essential-wildcard":   214,
	"certificate-comodo-ev":                   221,
	"certificate-comodo-ev-sgc":               222,
	"certificate-comodo-ucc-dv":               270,
	"certificate-comodo-ucc-ov":               274,
}

// productOf returns the ProdType and traits of a product code; a code the table does not know gets the
// traits read from its name, and a Comodo code the Comodo web server table.
func productOf(code string) (int, ProductTraits) {
	code = strings.ToLower(strings.TrimSpace(code))
	pt := prodTypes[code]
	t, _ := Traits(pt, code)
	if pt == 0 && t.Brand == BrandComodo {
		pt = 211 // any Comodo id selects Comodo's web server table
	}
	return pt, t
}

// fileDNS reports whether Enom takes DVAuthMethod File or DNS for a product: the GeoTrust DV family
// (RapidSSL, QuickSSL, QuickSSL Premium). Other products are validated by e-mail to an approver.
func fileDNS(t ProductTraits) bool {
	return t.Validation == provider.DV && (t.Brand == BrandRapidSSL || t.Brand == BrandGeoTrust)
}

// dvAuthMethods maps our DCV methods to CertPurchaseCert's DVAuthMethod.
var dvAuthMethods = map[string]string{
	provider.DCVEmail: "Email",
	provider.DCVHTTP:  "File",
	provider.DCVDNS:   "DNS",
}

// ourMethod maps Enom's DVAuthMethod back; empty is e-mail.
func ourMethod(m string) string {
	switch strings.ToLower(strings.TrimSpace(m)) {
	case "file":
		return provider.DCVHTTP
	case "dns":
		return provider.DCVDNS
	}
	return provider.DCVEmail
}

// contactOf writes one of our contacts as an Enom contact at the organisation's address; a contact
// without a phone number of their own gets the organisation's.
func contactOf(p provider.Contact, org provider.Organization) Contact {
	phone := p.Phone
	if strings.TrimSpace(phone) == "" {
		phone = org.Phone
	}
	return Contact{
		FirstName: p.FirstName, LastName: p.LastName, Organization: org.Name, JobTitle: p.JobTitle,
		Address1: org.Line1, Address2: org.Line2, City: org.City, State: org.State, PostalCode: org.PostalCode,
		Country: strings.ToUpper(strings.TrimSpace(org.Country)), Phone: phone, Email: p.Email,
	}
}

// dcvOf describes the validation of a certificate for the client: one entry per name, all with the
// certificate's method (Enom validates a certificate by one method), with the instructions of the
// first name.
func dcvOf(v DomainValidation, names []string, state string) []provider.DomainDCV {
	status := "pending"
	switch state {
	case provider.StateIssued:
		status = "valid"
	case provider.StateRejected:
		status = "failed"
	}
	method := ourMethod(v.Method)
	if method == provider.DCVEmail && v.ApproverEmail == "" && v.FileName != "" {
		method = provider.DCVHTTP
	}
	if method == provider.DCVEmail && v.ApproverEmail == "" && v.DNSAddress != "" {
		method = provider.DCVDNS
	}
	out := make([]provider.DomainDCV, 0, len(names))
	for _, n := range names {
		d := provider.DomainDCV{Name: n, Method: method, Status: status}
		base := strings.TrimPrefix(n, "*.")
		switch method {
		case provider.DCVEmail:
			d.ApproverEmail = strings.ToLower(v.ApproverEmail)
			if d.ApproverEmail != "" {
				d.Instructions = &provider.Instructions{Method: provider.DCVEmail, Email: d.ApproverEmail}
			}
		case provider.DCVHTTP:
			if v.FileName != "" {
				path := "/.well-known/pki-validation/" + strings.TrimPrefix(v.FileName, "/")
				if strings.HasPrefix(v.FileName, "/") {
					path = v.FileName
				}
				d.Instructions = &provider.Instructions{Method: provider.DCVHTTP, FilePath: path,
					FileURL: "http://" + base + path, FileContent: v.FileContents}
			}
		case provider.DCVDNS:
			if v.DNSAddress != "" {
				rec := strings.TrimSuffix(strings.TrimSpace(v.DNSEntry), ".")
				switch {
				case rec == "" || rec == "@":
					rec = base
				case !strings.HasSuffix(rec, base):
					rec += "." + base
				}
				typ := strings.ToUpper(strings.TrimSpace(v.DNSType))
				if typ == "" {
					typ = "TXT"
				}
				d.Instructions = &provider.Instructions{Method: provider.DCVDNS, RecordName: rec, RecordType: typ, RecordValue: v.DNSAddress}
			}
		}
		out = append(out, d)
	}
	return out
}

// splitCertificate returns the leaf and the intermediates of an issued certificate: the leaf is the
// first certificate of SSLCertificate, the chain every other certificate (of SSLCertificate and
// CACerts) that is neither the leaf nor a self-signed root, once each, in order.
func splitCertificate(crt, chainPEM string) (leaf *x509.Certificate, certOut, chainOut []byte, err error) {
	certs, err := pki.ParseCertificatesPEM([]byte(crt))
	if err != nil {
		return nil, nil, nil, err
	}
	leaf = certs[0]
	rest := certs[1:]
	if strings.TrimSpace(chainPEM) != "" {
		chain, err := pki.ParseCertificatesPEM([]byte(chainPEM))
		if err != nil {
			return nil, nil, nil, err
		}
		rest = append(rest, chain...)
	}
	certOut = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.Raw})
	var seen [][]byte
	var out bytes.Buffer
	for _, c := range rest {
		if bytes.Equal(c.Raw, leaf.Raw) || (bytes.Equal(c.RawSubject, c.RawIssuer) && c.CheckSignatureFrom(c) == nil) {
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
		_ = pem.Encode(&out, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	return leaf, certOut, out.Bytes(), nil
}

// sameKey reports whether the certificate is for the key of the PEM request; true when there is no
// request to compare with.
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

// reasonOf says why a request ended without a certificate.
func reasonOf(state string, d *CertDetail) string {
	detail := strings.TrimSpace(d.StatusDetail)
	if detail == "" {
		detail = strings.TrimSpace(d.Message)
	}
	switch state {
	case provider.StateRejected:
		if detail != "" {
			return "Enom: " + detail
		}
		return "the approver refused the certificate at Enom (" + d.StatusText + ")"
	case provider.StateCancelled:
		if detail != "" {
			return "Enom: " + detail
		}
		return "Enom refunded the certificate (" + d.StatusText + ")"
	}
	return ""
}
