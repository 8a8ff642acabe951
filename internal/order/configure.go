package order

import (
	"context"
	"crypto"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/catalog"
	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// ServerTypes are the web servers install instructions exist for; adapters map them.
var ServerTypes = []string{"apache", "nginx", "iis", "tomcat", "cpanel", "plesk", "other"}

// KeyTypes are the keys the service generates.
var KeyTypes = []string{pki.KeyECDSAP256, pki.KeyRSA2048, pki.KeyRSA3072, pki.KeyRSA4096}

// GenerateKey asks the service to make the key and CSR.
type GenerateKey struct {
	KeyType    string   `json:"key_type"`
	CommonName string   `json:"common_name"`
	SANs       []string `json:"sans"`
}

// DomainChoice overrides the DCV of one name.
type DomainChoice struct {
	Name          string `json:"name"`
	DCVMethod     string `json:"dcv_method"`
	ApproverEmail string `json:"approver_email"`
}

// ContactInput is a person; omitted fields are prefilled from the client.
type ContactInput struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Email     string `json:"email"`
	Phone     string `json:"phone"`
	JobTitle  string `json:"job_title"`
}

// OrganizationInput is the company of OV and EV certificates.
type OrganizationInput struct {
	Name    string          `json:"name"`
	Phone   string          `json:"phone"`
	Address account.Address `json:"address"`
}

// ContactsInput are the order's contacts.
type ContactsInput struct {
	Admin        *ContactInput      `json:"admin"`
	Tech         *ContactInput      `json:"tech"`
	Organization *OrganizationInput `json:"organization"`
}

// ConfigureInput is what the client chooses: a CSR or a generated key, how to prove control of each
// name, contacts and the server type.
type ConfigureInput struct {
	CSR           string         `json:"csr"`
	GenerateKey   *GenerateKey   `json:"generate_key"`
	DCVMethod     string         `json:"dcv_method"`
	ApproverEmail string         `json:"approver_email"`
	Domains       []DomainChoice `json:"domains"`
	Contacts      *ContactsInput `json:"contacts"`
	ServerType    string         `json:"server_type"`
}

// request is a checked configuration, ready to submit.
type request struct {
	csrPEM     []byte
	key        crypto.Signer // when generated
	keyType    string
	commonName string
	names      []string
	dcv        []provider.DomainDCV
	contacts   provider.Contacts
	serverType string
}

// prepare checks a configuration locally (and the approver addresses with the provider) before
// anything is written or submitted.
func (s *Service) prepare(ctx context.Context, adapter provider.Provider, caps provider.Capabilities, p *catalog.Product,
	client *account.Client, domainsCount int, in ConfigureInput) (*request, error) {
	var f errs.Fields
	r := &request{serverType: in.ServerType}
	if r.serverType == "" {
		r.serverType = "other"
	}
	if !slices.Contains(ServerTypes, r.serverType) {
		f.Add("server_type", "must be one of %s", strings.Join(ServerTypes, ", "))
	}
	maxNames := p.MaxDomains
	if domainsCount < maxNames {
		maxNames = domainsCount
	}
	rules := pki.NameRules{Wildcard: p.Wildcard, MaxNames: maxNames}
	switch {
	case strings.TrimSpace(in.CSR) != "" && in.GenerateKey != nil:
		f.Add("csr", "give either a CSR or generate_key, not both")
	case strings.TrimSpace(in.CSR) != "":
		info, err := pki.ParseCSR([]byte(in.CSR))
		if err != nil {
			return nil, fieldErr("csr", err)
		}
		if err := info.CheckNames(rules); err != nil {
			return nil, fieldErr("csr", err)
		}
		r.csrPEM, r.keyType, r.commonName, r.names = info.PEM, info.KeyType, info.CommonName, info.Names
	case in.GenerateKey != nil:
		g := in.GenerateKey
		if g.KeyType == "" {
			g.KeyType = pki.DefaultKeyType
		}
		if !slices.Contains(KeyTypes, g.KeyType) {
			f.Add("generate_key.key_type", "must be one of %s", strings.Join(KeyTypes, ", "))
			return nil, f.Err()
		}
		names := []string{strings.ToLower(strings.TrimSpace(g.CommonName))}
		for _, n := range g.SANs {
			n = strings.ToLower(strings.TrimSpace(n))
			if n != "" && !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
		if names[0] == "" {
			f.Add("generate_key.common_name", "is required")
			return nil, f.Err()
		}
		for _, n := range names {
			if err := pki.CheckDNSName(n); err != nil {
				return nil, fieldErr("generate_key.common_name", err)
			}
		}
		key, err := pki.GenerateKey(g.KeyType)
		if err != nil {
			return nil, err
		}
		subj := pki.Subject{CommonName: names[0], Organization: client.Organization, Country: client.Address.Country,
			Province: client.Address.State, Locality: client.Address.City}
		if p.Validation == "dv" {
			subj = pki.Subject{CommonName: names[0]}
		}
		csr, err := pki.CreateCSR(key, subj, names)
		if err != nil {
			return nil, fieldErr("generate_key", err)
		}
		info, err := pki.ParseCSR(csr)
		if err != nil {
			return nil, err
		}
		if err := info.CheckNames(rules); err != nil {
			return nil, fieldErr("generate_key.sans", err)
		}
		r.csrPEM, r.key, r.keyType, r.commonName, r.names = csr, key, g.KeyType, info.CommonName, info.Names
	default:
		f.Add("csr", "paste a CSR or ask for generate_key")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	// DCV per name: the default for all names, then the overrides.
	emailAllowed := pki.EmailDCVAllowed(s.now())
	methods := caps.DCVMethods
	for i, n := range r.names {
		d := provider.DomainDCV{Name: n, Method: in.DCVMethod, ApproverEmail: in.ApproverEmail, Status: "pending"}
		for _, o := range in.Domains {
			if strings.EqualFold(o.Name, n) {
				if o.DCVMethod != "" {
					d.Method = o.DCVMethod
				}
				if o.ApproverEmail != "" || o.DCVMethod != "" {
					d.ApproverEmail = o.ApproverEmail
				}
			}
		}
		field := "dcv_method"
		if len(in.Domains) > 0 {
			field = fmt.Sprintf("domains[%d].dcv_method", i)
		}
		switch {
		case d.Method == "":
			f.Add(field, "choose how to prove control of %s: %s", n, strings.Join(methods, ", "))
		case !slices.Contains([]string{provider.DCVEmail, provider.DCVHTTP, provider.DCVDNS}, d.Method):
			f.Add(field, "%q is not a DCV method (email, http or dns)", d.Method)
		case !slices.Contains(methods, d.Method):
			f.Add(field, "this provider does not offer %s validation (offers %s)", d.Method, strings.Join(methods, ", "))
		case d.Method == provider.DCVEmail && !emailAllowed:
			f.Add(field, "e-mail validation ended on 2028-03-15; use http or dns")
		case d.Method == provider.DCVHTTP && strings.HasPrefix(n, "*."):
			f.Add(field, "a wildcard name (%s) cannot be validated by an HTTP file; use dns or email", n)
		}
		if d.Method != provider.DCVEmail {
			d.ApproverEmail = ""
		}
		r.dcv = append(r.dcv, d)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	// Approver addresses come live from the provider.
	for i, d := range r.dcv {
		if d.Method != provider.DCVEmail {
			continue
		}
		field := "approver_email"
		if len(in.Domains) > 0 {
			field = fmt.Sprintf("domains[%d].approver_email", i)
		}
		if d.ApproverEmail == "" {
			f.Add(field, "choose the address that approves %s", d.Name)
			continue
		}
		lister, ok := adapter.(provider.ApproverLister)
		if !ok {
			continue
		}
		list, err := lister.ApproverEmails(ctx, p.ItemCode, d.Name)
		if err != nil {
			return nil, provider.ToErrs(err)
		}
		if !slices.Contains(list, strings.ToLower(d.ApproverEmail)) && !slices.Contains(list, d.ApproverEmail) {
			f.Add(field, "%s cannot approve %s; choose one of %s", d.ApproverEmail, d.Name, strings.Join(list, ", "))
		}
	}
	r.contacts = contactsFrom(client, in.Contacts)
	if p.Validation == "ov" || p.Validation == "ev" {
		o := r.contacts.Organization
		if o.Name == "" {
			f.Add("contacts.organization.name", "is required for %s certificates", strings.ToUpper(p.Validation))
		}
		if o.Country == "" || !account.ValidCountry(o.Country) {
			f.Add("contacts.organization.address.country", "an ISO 3166 country code is required for %s certificates", strings.ToUpper(p.Validation))
		}
		if o.City == "" || o.Line1 == "" {
			f.Add("contacts.organization.address", "street and city are required for %s certificates", strings.ToUpper(p.Validation))
		}
		if o.Phone == "" {
			f.Add("contacts.organization.phone", "is required for %s certificates", strings.ToUpper(p.Validation))
		}
	}
	for _, c := range []struct {
		field string
		c     provider.Contact
	}{{"contacts.admin", r.contacts.Admin}, {"contacts.tech", r.contacts.Tech}} {
		if _, ok := account.NormalizeEmail(c.c.Email); !ok {
			f.Add(c.field+".email", "%q is not an e-mail address", c.c.Email)
		}
		if c.c.FirstName == "" || c.c.LastName == "" {
			f.Add(c.field, "first and last name are required")
		}
	}
	return r, f.Err()
}

// contactsFrom fills omitted contacts from the client.
func contactsFrom(c *account.Client, in *ContactsInput) provider.Contacts {
	base := provider.Contact{FirstName: c.FirstName, LastName: c.LastName, Email: c.Email, Phone: c.Phone}
	pick := func(ci *ContactInput) provider.Contact {
		out := base
		if ci == nil {
			return out
		}
		for dst, src := range map[*string]string{&out.FirstName: ci.FirstName, &out.LastName: ci.LastName, &out.Email: ci.Email,
			&out.Phone: ci.Phone, &out.JobTitle: ci.JobTitle} {
			if strings.TrimSpace(src) != "" {
				*dst = strings.TrimSpace(src)
			}
		}
		return out
	}
	org := provider.Organization{Name: c.Organization, Phone: c.Phone, Line1: c.Address.Line1, Line2: c.Address.Line2,
		City: c.Address.City, State: c.Address.State, PostalCode: c.Address.PostalCode, Country: c.Address.Country}
	if in != nil && in.Organization != nil {
		o := in.Organization
		for dst, src := range map[*string]string{&org.Name: o.Name, &org.Phone: o.Phone, &org.Line1: o.Address.Line1,
			&org.Line2: o.Address.Line2, &org.City: o.Address.City, &org.State: o.Address.State,
			&org.PostalCode: o.Address.PostalCode, &org.Country: strings.ToUpper(o.Address.Country)} {
			if strings.TrimSpace(src) != "" {
				*dst = strings.TrimSpace(src)
			}
		}
	}
	var admin, tech *ContactInput
	if in != nil {
		admin, tech = in.Admin, in.Tech
	}
	return provider.Contacts{Admin: pick(admin), Tech: pick(tech), Organization: org}
}

// fieldErr puts an error from a checking package onto a field.
func fieldErr(field string, err error) error {
	if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
		detail := e.Message
		if len(e.Fields) > 0 {
			detail = e.Fields[0].Detail
		}
		return &errs.Error{Code: errs.Invalid, Message: field + ": " + detail, Fields: []errs.FieldError{{Field: field, Detail: detail}}}
	}
	return errs.Field(field, "%v", err)
}

// Configure takes the client's configuration and submits it to the provider (design.md section 4:
// intent committed as submitting, the upstream call, then the result). It answers with the order in
// pending_validation, or still submitting when the provider is unavailable (a job retries).
func (s *Service) Configure(ctx context.Context, tenantID, orderID uuid.UUID, in ConfigureInput) (*View, error) {
	// Read what the checks need; nothing is locked during upstream calls.
	var o *Order
	var p *catalog.Product
	var client *account.Client
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		var err error
		if o, err = getOrder(ctx, tx, tenantID, orderID, false); err != nil {
			return err
		}
		if p, err = s.catalog.ProductForOrder(ctx, tx, tenantID, o.ProductID); err != nil {
			return err
		}
		client, err = s.accounts.ClientTx(ctx, tx, tenantID, o.ClientID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !Allowed(o.Status, ActSubmit) && !Allowed(o.Status, ActReconfigure) {
		_, err := Next(o.Status, ActSubmit)
		return nil, err
	}
	adapter, acct, err := s.providers.Open(ctx, tenantID, o.AccountID)
	if err != nil {
		return nil, err
	}
	ctx = provider.WithSubject(ctx, provider.Subject{OrderID: orderID})
	req, err := s.prepare(ctx, adapter, acct.Capabilities, p, client, o.DomainsCount, in)
	if err != nil {
		return nil, err
	}
	is, err := s.begin(ctx, tenantID, orderID, KindNew, req, 0, nil)
	if err != nil {
		return nil, err
	}
	s.submit(ctx, tenantID, is.ID, adapter, p)
	return s.afterSubmit(ctx, tenantID, orderID, is.ID)
}

// afterSubmit answers a submission: a refusal of our input by the provider is a 400 on the field.
func (s *Service) afterSubmit(ctx context.Context, tenantID, orderID, issuanceID uuid.UUID) (*View, error) {
	var failed *Issuance
	var v *View
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		is, err := getIssuance(ctx, tx, tenantID, issuanceID, false)
		if err != nil {
			return err
		}
		if is.Status == IssFailed {
			failed = is
			return nil
		}
		v, err = s.viewTx(ctx, tx, tenantID, orderID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if failed != nil {
		field, msg, _ := strings.Cut(failed.Reason, "\x00")
		if msg == "" {
			field, msg = "provider", failed.Reason
		}
		return nil, &errs.Error{Code: errs.Invalid, Message: "the provider refused the request: " + msg,
			Fields: []errs.FieldError{{Field: field, Detail: msg}}}
	}
	return v, nil
}
