package hexonetsim

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/sslreseller/sslreseller/internal/pki"
)

// cert is one SSLCERT object with its order data.
type cert struct {
	id, owner, class string
	period           int
	kind, oldID      string
	renewedBy        string
	status, details  string
	cn               string
	domains          []string
	csr              string
	dcv              []dcvEntry
	serverSoftware   string
	contacts         map[string]string
	org, country     string
	created, updated time.Time
	expires          time.Time
	orderRef         string
	price            int64
	currency         string

	// polls counts StatusSSLCert calls since the current request; issueAt is the poll that issues
	// (0: already decided); reject is the STATUSDETAILS of a failure instead.
	polls, issueAt int
	reject         string
	resends        int
	reissues       int

	crt, chain string
	// pending holds a reissue's new request until it is issued.
	pending *reissue
}

// reissue is a requested new certificate for the same order.
type reissue struct {
	csr     string
	domains []string
	dcv     []dcvEntry
}

// pendingState is the status a request in flight shows after its first poll.
func (c *cert) pendingState() string {
	switch {
	case c.pending != nil:
		return "PENDINGREISSUE"
	case c.kind == "renew":
		return "PENDINGRENEW"
	default:
		return "PENDINGCREATE"
	}
}

// inFlight reports a status in which the request waits at the supplier or for validation.
func inFlight(status string) bool {
	return strings.HasPrefix(status, "REQUESTED") || strings.HasPrefix(status, "PENDING")
}

// snapshot copies the cert for Orders.
func (c *cert) snapshot(entity string) Order {
	o := Order{
		Entity: entity, ID: c.id, Login: c.owner, Class: c.class, Period: c.period,
		Kind: c.kind, OldID: c.oldID, Status: c.status, StatusDetails: c.details,
		CommonName: c.cn, Domains: slices.Clone(c.domains), Price: c.price, Currency: c.currency,
		Created: c.created, Polls: c.polls, Resends: c.resends, Reissues: c.reissues, CertificatePEM: c.crt,
	}
	for _, d := range c.dcv {
		if d.email != "" {
			o.Approvers = append(o.Approvers, d.email)
		}
	}
	return o
}

// issue signs the certificate for the request's key with the simulator CA. A failure of the CA (which
// the checks at ordering time should prevent) fails the order.
func (s *Sim) issue(c *cert, p product) {
	now := s.now()
	csr, domains, dcv := c.csr, c.domains, c.dcv
	if c.pending != nil {
		csr, domains, dcv = c.pending.csr, c.pending.domains, c.pending.dcv
	}
	req := pki.IssueRequest{
		CSRPEM:     []byte(csr),
		Names:      domains,
		NotBefore:  now,
		Validity:   time.Duration(c.period) * 365 * 24 * time.Hour,
		Validation: p.validation,
	}
	if p.validation != pki.ValidationDV {
		req.Organization = pki.Subject{Organization: c.org, Country: c.country}
	}
	issued, err := s.ca.Issue(req)
	if err != nil {
		c.status, c.details, c.updated = "FAILED", "The certificate authority could not issue: "+err.Error(), now
		c.pending = nil
		return
	}
	c.csr, c.domains, c.dcv = csr, domains, dcv
	c.pending = nil
	c.crt, c.chain = string(issued.CertPEM), string(issued.ChainPEM)
	c.status, c.details, c.updated = "ACTIVE", "Valid", now
	c.expires = issued.NotAfter
}

// advance moves a request in flight on one poll: the first poll makes it PENDING*, the issueAt-th
// issues it (or fails it). When a renewal is issued, the renewed certificate becomes REPLACED. The
// caller holds s.mu.
func (s *Sim) advance(w *world, c *cert) {
	if !inFlight(c.status) {
		return
	}
	c.polls++
	if c.polls < c.issueAt {
		c.status, c.updated = c.pendingState(), s.now()
		return
	}
	s.finish(w, c)
}

// finish decides a request in flight: fail it when its name is to be rejected, else issue it.
func (s *Sim) finish(w *world, c *cert) {
	if c.reject != "" {
		c.status, c.details, c.updated = "FAILED", c.reject, s.now()
		c.pending = nil
		return
	}
	p, _ := productOf(c.class)
	s.issue(c, p)
	if c.status == "ACTIVE" && c.oldID != "" {
		if old := w.certs[c.oldID]; old != nil && old.status == "ACTIVE" {
			old.status, old.details, old.updated = "REPLACED", "Replaced by "+c.id, s.now()
		}
	}
}

// object writes the certificate object as CreateSSLCert, StatusSSLCert and RenewSSLCert return it.
func (c *cert) object(r *reply) *reply {
	r.add("SSLCERTID", c.id).add("ORDERDATA", c.id).add("ORDERREFERENCE", c.orderRef)
	r.add("SSLCERTCLASS", c.class).add("STATUS", c.status)
	details := c.details
	if strings.Contains(details, " ") {
		// HEXONET sometimes URL-encodes STATUSDETAILS; the simulator does so for texts with blanks.
		details = url.PathEscape(details)
	}
	r.add("STATUSDETAILS", details)
	r.add("CN", c.cn).add("SSLCERTCN", c.cn).add("SSLCERTDOMAIN", c.cn)
	r.add("DOMAIN", c.domains...).add("DOMAINCOUNT", itoa(len(c.domains)))
	var alt []string
	for _, d := range c.domains {
		if d != c.cn {
			alt = append(alt, d)
		}
	}
	if len(alt) > 0 {
		r.add("ALTERNATECN", alt...)
	}
	r.addPEM("CSR", c.csr)
	if c.crt != "" {
		r.addPEM("CRT", c.crt).addPEM("CACRT", c.chain)
	}
	r.add("CREATEDBY", "SYSTEM").add("UPDATEDBY", "SYSTEM").add("REGISTRAR", "SYSTEM")
	r.add("CREATEDDATE", formatTime(c.created)).add("UPDATEDDATE", formatTime(c.updated))
	r.add("EXPIRATIONDATE", formatTime(c.expires)).add("REGISTRATIONEXPIRATIONDATE", formatTime(c.expires))
	r.add("SERVERSOFTWARE", c.serverSoftware).add("USER", c.owner)
	for _, k := range []string{"ORGANIZATION", "FIRSTNAME", "LASTNAME", "JOBTITLE", "EMAIL", "STREET", "CITY", "PROVINCE", "ZIP", "COUNTRY", "PHONE", "FAX"} {
		r.add(k, c.contacts[k])
	}
	for _, role := range []string{"ADMIN", "TECH", "BILLING"} {
		for _, k := range []string{"ORGANIZATION", "FIRSTNAME", "LASTNAME", "EMAIL", "PHONE", "COUNTRY"} {
			if v := c.contacts[role+"CONTACT"+k]; v != "" {
				r.add(role+"CONTACT0"+k, v)
			}
		}
	}
	dcv := c.dcv
	if c.pending != nil {
		dcv = c.pending.dcv
	}
	writeDCV(r, dcv)
	return r
}

// writeDCV writes the VALIDATION* properties, one index per name; unused ones empty.
func writeDCV(r *reply, dcv []dcvEntry) {
	for _, d := range dcv {
		r.props["VALIDATION"] = append(r.props["VALIDATION"], d.method)
		r.props["VALIDATIONEMAIL"] = append(r.props["VALIDATIONEMAIL"], d.email)
		r.props["VALIDATIONURL"] = append(r.props["VALIDATIONURL"], d.url)
		r.props["VALIDATIONURLCONTENT"] = append(r.props["VALIDATIONURLCONTENT"], d.content)
		r.props["VALIDATIONDNSRR"] = append(r.props["VALIDATIONDNSRR"], d.rr)
	}
}
