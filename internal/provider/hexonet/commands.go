package hexonet

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// invalid is a refusal of our own input before anything is sent.
func invalid(command, field, message string) *provider.Error {
	return &provider.Error{Class: provider.Invalid, Field: field, Message: message, Command: command}
}

// StatusAccount returns the account's balance and credit. It changes nothing, so it is the "test
// connection" call. Errors: Auth (credentials, environment, IP filter), Temporary.
func (c *Client) StatusAccount(ctx context.Context) (*Account, error) {
	var out *Account
	err := c.call(ctx, "StatusAccount", params{}, func(body []byte) (err error) {
		out, err = parseStatusAccount(body)
		return err
	})
	return out, err
}

// StatusUser returns the user's details and, from the user's price relations, the cost of every SSL
// certificate class the account may buy: the catalogue. Errors: Auth, Temporary.
func (c *Client) StatusUser(ctx context.Context) (*User, error) {
	var out *User
	err := c.call(ctx, "StatusUser", params{}, func(body []byte) (err error) {
		out, err = parseStatusUser(body)
		return err
	})
	return out, err
}

// Contact is a certificate contact: either a HEXONET contact handle, or the details sent inline.
type Contact struct {
	// Handle is an existing HEXONET contact handle (e.g. P-ABC123); when set the other fields are not
	// sent.
	Handle string
	// The inline details.
	Organization, FirstName, LastName, JobTitle, Email, Street, City, Province, Zip, Country, Phone, Fax string
}

// set writes the contact for role: a handle as <ROLE>CONTACT0, inline details as <prefix>FIELD where
// the owner's prefix is empty (HEXONET's default contact) and the others' ADMINCONTACT, TECHCONTACT,
// BILLINGCONTACT, as the official module sends them.
func (ct *Contact) set(p params, role string) {
	if ct == nil {
		return
	}
	if ct.Handle != "" {
		p.set(role+"CONTACT0", ct.Handle)
		return
	}
	prefix := role + "CONTACT"
	if role == "OWNER" {
		prefix = ""
	}
	name := strings.TrimSpace(ct.FirstName + " " + ct.LastName)
	for k, v := range map[string]string{
		"ORGANIZATION": ct.Organization, "FIRSTNAME": ct.FirstName, "LASTNAME": ct.LastName, "NAME": name,
		"JOBTITLE": ct.JobTitle, "EMAIL": ct.Email, "STREET": ct.Street, "CITY": ct.City,
		"PROVINCE": ct.Province, "ZIP": ct.Zip, "COUNTRY": ct.Country, "PHONE": ct.Phone, "FAX": ct.Fax,
	} {
		p.set(prefix+k, v)
	}
}

// Contacts are the four contact roles of an order.
type Contacts struct {
	// Owner is the applicant (HEXONET's default contact); nil fields are not sent.
	Owner *Contact
	// Admin, Tech and Billing are the other roles.
	Admin, Tech, Billing *Contact
}

func (cs Contacts) set(p params) {
	cs.Owner.set(p, "OWNER")
	cs.Admin.set(p, "ADMIN")
	cs.Tech.set(p, "TECH")
	cs.Billing.set(p, "BILLING")
}

// DCV is how one name is to be validated.
type DCV struct {
	// Method is ValidationEmail (the default), ValidationDNS or ValidationURL.
	Method string
	// Email is the approver address for ValidationEmail.
	Email string
}

// setDCV writes VALIDATIONn and VALIDATIONEMAILn.
func setDCV(p params, dcv []DCV) {
	for i, d := range dcv {
		p.set("VALIDATION"+strconv.Itoa(i), strings.ToUpper(d.Method))
		p.set("VALIDATIONEMAIL"+strconv.Itoa(i), d.Email)
	}
}

// csrLines splits a PEM request into its lines for CSR0..N.
func csrLines(pem string) []string {
	var out []string
	for l := range strings.SplitSeq(strings.ReplaceAll(pem, "\r", ""), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// validMethod reports whether m is a DCV method HEXONET knows (empty means the default, e-mail).
func validMethod(m string) bool {
	switch strings.ToUpper(m) {
	case "", ValidationEmail, ValidationDNS, ValidationURL:
		return true
	}
	return false
}

// CreateRequest orders a certificate in one step (HEXONET's "direct" style): class, term, CSR, names,
// validation and contacts.
type CreateRequest struct {
	// Class is the SSLCERTCLASS (required), e.g. COMODO_ESSENTIALSSL.
	Class string
	// Period is the term in years; 0 leaves HEXONET's default (1).
	Period int
	// CSR is the PEM certificate signing request (required); it is sent one line per CSRn attribute.
	CSR string
	// CommonName is SSLCERTDOMAIN; it must equal the CSR's common name. Optional.
	CommonName string
	// Domains are DOMAIN0..N: the common name and the other names, as in the CSR. Optional.
	Domains []string
	// ServerSoftware is SERVERSOFTWARE (APACHESSL, APACHESSLEAY, APACHE2, IIS, OTHER); some classes need it.
	ServerSoftware string
	// DCV is the validation of each name, by index (VALIDATIONn, VALIDATIONEMAILn).
	DCV []DCV
	// ApproverEmail is the legacy single approver address (EMAIL), used by older setups.
	ApproverEmail string
	// Contacts are the owner (applicant), admin, tech and billing contacts.
	Contacts Contacts
	// InternalDNS asks HEXONET to create the DNS zone for DNS validation (INTERNALDNS=1).
	InternalDNS bool
}

func (r CreateRequest) params() (params, *provider.Error) {
	const cmd = "CreateSSLCert"
	if strings.TrimSpace(r.Class) == "" {
		return nil, invalid(cmd, "product", "the certificate class (SSLCERTCLASS) is required")
	}
	if r.Period < 0 || r.Period > 10 {
		return nil, invalid(cmd, "period", "the period must be between 1 and 10 years")
	}
	lines := csrLines(r.CSR)
	if len(lines) == 0 {
		return nil, invalid(cmd, "csr", "a certificate signing request is required")
	}
	for _, d := range r.DCV {
		if !validMethod(d.Method) {
			return nil, invalid(cmd, "dcv_method", "unknown validation method "+strconv.Quote(d.Method)+"; use EMAIL, DNSZONE or URL")
		}
	}
	p := params{}
	p.set("SSLCERTCLASS", strings.ToUpper(strings.TrimSpace(r.Class)))
	if r.Period > 0 {
		p.set("PERIOD", strconv.Itoa(r.Period))
	}
	p.list("CSR", lines)
	p.set("SSLCERTDOMAIN", r.CommonName)
	p.list("DOMAIN", r.Domains)
	p.set("SERVERSOFTWARE", r.ServerSoftware)
	setDCV(p, r.DCV)
	r.Contacts.set(p)
	// EMAIL is also the owner's inline address; the approver wins, as in HEXONET's own module.
	p.set("EMAIL", r.ApproverEmail)
	if r.InternalDNS {
		p.set("INTERNALDNS", "1")
	}
	return p, nil
}

// CreateSSLCert buys a certificate: HEXONET debits the account and returns the new certificate object
// (SSLCERTID, STATUS REQUESTEDCREATE, the validation to do). It is not idempotent: the caller records its
// intent first and, after a crash, looks for the order with QuerySSLCertList before trying again.
// Errors: Invalid (with the field), Auth, Rejected, Temporary (including "546 Credit limit exceeded",
// see InsufficientCredit; and a lost answer, after which the order may exist).
func (c *Client) CreateSSLCert(ctx context.Context, req CreateRequest) (*Certificate, error) {
	p, perr := req.params()
	if perr != nil {
		return nil, perr
	}
	var out *Certificate
	err := c.call(ctx, "CreateSSLCert", p, func(body []byte) (err error) {
		out, err = parseCertificate(body)
		return err
	})
	return out, err
}

// StatusSSLCert returns a certificate's status and, once issued, the certificate and its chain.
// Errors: NotFound (unknown ID), Auth, Temporary.
func (c *Client) StatusSSLCert(ctx context.Context, id string) (*Certificate, error) {
	if strings.TrimSpace(id) == "" {
		return nil, invalid("StatusSSLCert", "reference", "the certificate ID (SSLCERTID) is required")
	}
	p := params{}
	p.set("SSLCERTID", id)
	var out *Certificate
	err := c.call(ctx, "StatusSSLCert", p, func(body []byte) (err error) {
		out, err = parseCertificate(body)
		return err
	})
	return out, err
}

// ParseSSLCertCSR asks HEXONET to read a CSR. The service checks CSRs locally too; this shows what
// HEXONET will make of it. Errors: Invalid (a CSR HEXONET cannot read), Auth, Temporary.
func (c *Client) ParseSSLCertCSR(ctx context.Context, csrPEM string) (*CSRDetails, error) {
	lines := csrLines(csrPEM)
	if len(lines) == 0 {
		return nil, invalid("ParseSSLCertCSR", "csr", "a certificate signing request is required")
	}
	p := params{}
	p.list("CSR", lines)
	var out *CSRDetails
	err := c.call(ctx, "ParseSSLCertCSR", p, func(body []byte) (err error) {
		out, err = parseCSRDetails(body)
		return err
	})
	return out, err
}

// ApproverListRequest asks for the approver addresses of a name: either for an existing certificate
// (ID), or for a class and a domain or CSR.
type ApproverListRequest struct {
	// ID is an existing SSLCERTID; when set, the other fields are not sent.
	ID string
	// Class is the SSLCERTCLASS; required without ID.
	Class string
	// Domain is the name to validate; or give CSR instead.
	Domain string
	// CSR is a PEM request whose common name is validated.
	CSR string
}

// QuerySSLCertDCVEMailAddressList returns the addresses HEXONET accepts as approvers, with their level.
// Callers should offer only Constructed ones. Errors: Invalid, NotFound (ID), Auth, Temporary.
func (c *Client) QuerySSLCertDCVEMailAddressList(ctx context.Context, req ApproverListRequest) ([]Approver, error) {
	const cmd = "QuerySSLCertDCVEMailAddressList"
	p := params{}
	switch {
	case strings.TrimSpace(req.ID) != "":
		p.set("SSLCERTID", req.ID)
	case strings.TrimSpace(req.Class) == "":
		return nil, invalid(cmd, "product", "the certificate class (SSLCERTCLASS) is required without a certificate ID")
	case strings.TrimSpace(req.Domain) != "":
		p.set("SSLCERTCLASS", strings.ToUpper(req.Class))
		p.set("DOMAIN", strings.ToLower(req.Domain))
	case len(csrLines(req.CSR)) > 0:
		p.set("SSLCERTCLASS", strings.ToUpper(req.Class))
		p.list("CSR", csrLines(req.CSR))
	default:
		return nil, invalid(cmd, "names", "a domain name or a certificate signing request is required")
	}
	var out []Approver
	err := c.call(ctx, cmd, p, func(body []byte) (err error) {
		out, err = parseApprovers(body)
		return err
	})
	return out, err
}

// ReissueRequest asks for a new certificate for a new key during the term.
type ReissueRequest struct {
	// ID is the SSLCERTID (required).
	ID string
	// CSR is the new PEM request (required).
	CSR string
	// Domains are the names (DOMAIN0..N), when they differ from the CSR's order.
	Domains []string
	// DCV is the validation of each name.
	DCV []DCV
	// ApproverEmail is the legacy single approver (EMAIL).
	ApproverEmail string
	// ServerSoftware is SERVERSOFTWARE.
	ServerSoftware string
}

// ReissueSSLCert starts a reissue: the certificate goes to REQUESTEDREISSUE under the same ID, and
// StatusSSLCert returns the new certificate once issued. Errors: Invalid (including a status that does
// not allow it), NotFound, Auth, Rejected, Temporary.
func (c *Client) ReissueSSLCert(ctx context.Context, req ReissueRequest) (*ReissueResult, error) {
	const cmd = "ReissueSSLCert"
	if strings.TrimSpace(req.ID) == "" {
		return nil, invalid(cmd, "reference", "the certificate ID (SSLCERTID) is required")
	}
	lines := csrLines(req.CSR)
	if len(lines) == 0 {
		return nil, invalid(cmd, "csr", "a new certificate signing request is required to reissue")
	}
	for _, d := range req.DCV {
		if !validMethod(d.Method) {
			return nil, invalid(cmd, "dcv_method", "unknown validation method "+strconv.Quote(d.Method)+"; use EMAIL, DNSZONE or URL")
		}
	}
	p := params{}
	p.set("SSLCERTID", req.ID)
	p.list("CSR", lines)
	p.list("DOMAIN", req.Domains)
	setDCV(p, req.DCV)
	p.set("EMAIL", req.ApproverEmail)
	p.set("SERVERSOFTWARE", req.ServerSoftware)
	var out *ReissueResult
	err := c.call(ctx, cmd, p, func(body []byte) (err error) {
		out, err = parseReissue(body)
		return err
	})
	return out, err
}

// RenewRequest renews a certificate natively.
type RenewRequest struct {
	// ID is the SSLCERTID of the certificate to renew (required).
	ID string
	// Period is the new term in years; 0 leaves HEXONET's default (1).
	Period int
	// CSR is a new PEM request; empty reuses the old one.
	CSR string
	// ServerSoftware is SERVERSOFTWARE.
	ServerSoftware string
	// DCV is the validation of each name.
	DCV []DCV
}

// RenewSSLCert buys the renewal: HEXONET debits the account and returns a new certificate object with
// a new ID (OldID names the renewed one, which becomes REPLACED once the new one is issued). Like
// CreateSSLCert it is not idempotent. Errors: Invalid (not up for renewal, already renewed), NotFound,
// Auth, Rejected, Temporary (including 546).
func (c *Client) RenewSSLCert(ctx context.Context, req RenewRequest) (*Certificate, error) {
	const cmd = "RenewSSLCert"
	if strings.TrimSpace(req.ID) == "" {
		return nil, invalid(cmd, "reference", "the certificate ID (SSLCERTID) is required")
	}
	if req.Period < 0 || req.Period > 10 {
		return nil, invalid(cmd, "period", "the period must be between 1 and 10 years")
	}
	for _, d := range req.DCV {
		if !validMethod(d.Method) {
			return nil, invalid(cmd, "dcv_method", "unknown validation method "+strconv.Quote(d.Method)+"; use EMAIL, DNSZONE or URL")
		}
	}
	p := params{}
	p.set("SSLCERTID", req.ID)
	if req.Period > 0 {
		p.set("PERIOD", strconv.Itoa(req.Period))
	}
	p.list("CSR", csrLines(req.CSR))
	p.set("SERVERSOFTWARE", req.ServerSoftware)
	setDCV(p, req.DCV)
	var out *Certificate
	err := c.call(ctx, cmd, p, func(body []byte) (err error) {
		out, err = parseCertificate(body)
		return err
	})
	return out, err
}

// RevokeRequest revokes a certificate.
type RevokeRequest struct {
	// ID is the SSLCERTID (required).
	ID string
	// Reason is HEXONET's required free-text reason, e.g. "key compromise".
	Reason string
}

// RevokeSSLCert revokes an issued certificate. Errors: Invalid (status does not allow it), NotFound,
// Auth, Rejected, Temporary.
func (c *Client) RevokeSSLCert(ctx context.Context, req RevokeRequest) error {
	const cmd = "RevokeSSLCert"
	if strings.TrimSpace(req.ID) == "" {
		return invalid(cmd, "reference", "the certificate ID (SSLCERTID) is required")
	}
	if strings.TrimSpace(req.Reason) == "" {
		return invalid(cmd, "reason", "a reason for the revocation is required")
	}
	p := params{}
	p.set("SSLCERTID", req.ID)
	p.set("REASON", req.Reason)
	return c.call(ctx, cmd, p, parseEmpty)
}

// The e-mails ResendSSLCertEmail can send again (RESENDEMAILTYPE).
const (
	ResendApproverEmail    = "ApproverEmail"
	ResendInviteEmail      = "InviteEmail"
	ResendPickUpEmail      = "PickUpEmail"
	ResendFulfillmentEmail = "FulfillmentEmail"
	ResendPhoneAuthEmail   = "PhoneAuthEmail"
)

// ResendRequest sends a certificate e-mail again.
type ResendRequest struct {
	// ID is the SSLCERTID (required).
	ID string
	// Type is one of the Resend* constants; empty means ResendApproverEmail.
	Type string
	// Email is the approver address to send to, when it should change.
	Email string
}

// ResendSSLCertEmail sends the approver (or another) e-mail again; HEXONET allows it while the request
// is pending (see ResendAllowed). Errors: Invalid, NotFound, Auth, Temporary.
func (c *Client) ResendSSLCertEmail(ctx context.Context, req ResendRequest) error {
	const cmd = "ResendSSLCertEmail"
	if strings.TrimSpace(req.ID) == "" {
		return invalid(cmd, "reference", "the certificate ID (SSLCERTID) is required")
	}
	switch strings.ToLower(req.Type) {
	case "", "approveremail", "inviteemail", "pickupemail", "fulfillmentemail", "phoneauthemail":
	default:
		return invalid(cmd, "type", "unknown e-mail type "+strconv.Quote(req.Type))
	}
	p := params{}
	p.set("SSLCERTID", req.ID)
	p.set("RESENDEMAILTYPE", req.Type)
	p.set("EMAIL", req.Email)
	return c.call(ctx, cmd, p, parseEmpty)
}

// ListRequest filters QuerySSLCertList. Every field is optional; the list always asks for the wide
// form (WIDE=1) so rows carry class, name, status and dates.
type ListRequest struct {
	// ID, Class, CommonName and Status filter on those columns (SSLCERTID, SSLCERTCLASS, SSLCERTCN,
	// STATUS).
	ID, Class, CommonName, Status string
	// CreatedFrom and CreatedTo bound the creation time (MINCREATEDDATE, MAXCREATEDDATE), inclusive.
	CreatedFrom, CreatedTo time.Time
	// First is the offset of the page; Limit its size (0: HEXONET's default).
	First, Limit int
}

// QuerySSLCertList lists the account's certificates: how the reconciler finds an order placed before
// a crash (filter by common name and creation time). Errors: Auth, Temporary.
func (c *Client) QuerySSLCertList(ctx context.Context, req ListRequest) (*CertificateList, error) {
	p := params{}
	p.set("WIDE", "1")
	p.set("SSLCERTID", req.ID)
	p.set("SSLCERTCLASS", strings.ToUpper(req.Class))
	p.set("SSLCERTCN", strings.ToLower(req.CommonName))
	p.set("STATUS", strings.ToUpper(req.Status))
	if !req.CreatedFrom.IsZero() {
		p.set("MINCREATEDDATE", formatTime(req.CreatedFrom))
	}
	if !req.CreatedTo.IsZero() {
		p.set("MAXCREATEDDATE", formatTime(req.CreatedTo))
	}
	if req.First > 0 {
		p.set("FIRST", strconv.Itoa(req.First))
	}
	if req.Limit > 0 {
		p.set("LIMIT", strconv.Itoa(req.Limit))
	}
	var out *CertificateList
	err := c.call(ctx, "QuerySSLCertList", p, func(body []byte) (err error) {
		out, err = parseCertificateList(body)
		return err
	})
	return out, err
}
