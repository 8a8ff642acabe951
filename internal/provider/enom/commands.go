package enom

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// required is the Invalid error for a missing argument, found before anything is sent.
func required(command, field, what string) error {
	return &provider.Error{Class: provider.Invalid, Command: command, Field: field, Message: what + " is required"}
}

// GetBalance returns the account balance. It changes nothing, so it is the "test connection" call:
// an Auth error's message says what staff must fix.
func (c *Client) GetBalance(ctx context.Context) (*Balance, error) {
	return call(ctx, c, cmdGetBalance, nil, parseGetBalance)
}

// GetCerts returns the SSL products the account sells, with its reseller prices and terms. Traits
// adds the validation level, wildcard and multi-domain facts a catalogue item needs.
func (c *Client) GetCerts(ctx context.Context) (*Catalogue, error) {
	return call(ctx, c, cmdGetCerts, nil, parseGetCerts)
}

// PurchaseServices buys one certificate in real time, debiting the account balance, and returns its
// CertID in status Awaiting Configuration. Buying is not idempotent and Enom keeps no reference of
// ours: after an error wrapping ErrOutcomeUnknown, look for the certificate with CertGetCerts (by
// product, status 1 and order date) before buying again. Insufficient balance is Temporary with a
// message telling staff to add funds.
func (c *Client) PurchaseServices(ctx context.Context, req PurchaseRequest) (*Purchase, error) {
	if strings.TrimSpace(req.Service) == "" {
		return nil, required(cmdPurchaseServices, "product", "the product code (Service)")
	}
	years := req.Years
	if years == 0 {
		years = 1
	}
	if years < 0 || years > 10 {
		return nil, &provider.Error{Class: provider.Invalid, Command: cmdPurchaseServices, Field: "period",
			Message: "the term must be 1 to 10 years, not " + strconv.Itoa(req.Years)}
	}
	p := url.Values{"Service": {strings.TrimSpace(req.Service)}, "NumYears": {strconv.Itoa(years)}}
	return call(ctx, c, cmdPurchaseServices, p, parsePurchaseServices)
}

// CertGetCerts lists the account's certificates, filtered and paged; use it to find a certificate
// bought before a crash (by product, status and order date) and to reconcile.
func (c *Client) CertGetCerts(ctx context.Context, req CertListRequest) (*CertList, error) {
	p := url.Values{}
	p.Set("ProdType", itoa(req.ProdType))
	p.Set("CertStatusID", itoa(req.StatusID))
	p.Set("DomainNameContains", strings.TrimSpace(req.DomainNameContains))
	p.Set("StartPosition", itoa(req.StartPosition))
	size := req.PageSize
	if size > 250 {
		size = 250
	}
	p.Set("PagingPageSize", itoa(size))
	p.Set("SortBy", req.SortBy)
	if req.Descending {
		p.Set("SortByDirection", "Desc")
	}
	if !req.OrderDateStart.IsZero() {
		p.Set("OrderDateStart", formatDate(req.OrderDateStart))
	}
	if !req.OrderDateEnd.IsZero() {
		p.Set("OrderDateEnd", formatDate(req.OrderDateEnd))
	}
	if !req.ExpirationDateStart.IsZero() {
		p.Set("ExpirationDateStart", formatDate(req.ExpirationDateStart))
	}
	if !req.ExpirationDateEnd.IsZero() {
		p.Set("ExpirationDateEnd", formatDate(req.ExpirationDateEnd))
	}
	return call(ctx, c, cmdCertGetCerts, p, parseCertGetCerts)
}

// maxListPages bounds ListAllCerts: 40 pages of 250.
const maxListPages = 40

// ListAllCerts pages through CertGetCerts (250 a page, at most 10,000 certificates) and returns
// every certificate matching req; req's paging fields are ignored.
func (c *Client) ListAllCerts(ctx context.Context, req CertListRequest) ([]CertSummary, error) {
	var all []CertSummary
	seen := map[string]bool{}
	req.PageSize = 250
	for page := 0; page < maxListPages; page++ {
		req.StartPosition = len(all) + 1
		list, err := c.CertGetCerts(ctx, req)
		if err != nil {
			return nil, err
		}
		fresh := 0
		for _, cert := range list.Certs {
			if !seen[cert.CertID] {
				seen[cert.CertID] = true
				all = append(all, cert)
				fresh++
			}
		}
		switch {
		case fresh == 0: // an empty page, or a server ignoring StartPosition
			return all, nil
		case list.TotalRecords > 0 && len(all) >= list.TotalRecords:
			return all, nil
		case list.TotalRecords == 0 && len(list.Certs) < req.PageSize:
			return all, nil
		}
	}
	return all, nil
}

// CertConfigureCert sends the CSR, web server type and contacts of a certificate in status Awaiting
// Configuration (or Rejected by Customer), and returns Enom's reading of the CSR and the approver
// addresses. Phone and fax numbers are written as +CC.NNNN; one that cannot be is an Invalid error
// on "<contact>.phone" before anything is sent.
func (c *Client) CertConfigureCert(ctx context.Context, req ConfigureRequest) (*ConfigureResult, error) {
	if strings.TrimSpace(req.CertID) == "" {
		return nil, required(cmdCertConfigureCert, "cert_id", "the CertID")
	}
	if strings.TrimSpace(req.CSR) == "" && req.DVAuthMethod == "" {
		return nil, required(cmdCertConfigureCert, "csr", "the CSR")
	}
	if req.WebServerType <= 0 {
		return nil, required(cmdCertConfigureCert, "server_type", "the web server type")
	}
	p := url.Values{}
	p.Set("CertID", strings.TrimSpace(req.CertID))
	p.Set("WebServerType", strconv.Itoa(req.WebServerType))
	p.Set("CSR", normalizeNewlines(req.CSR))
	p.Set("DVAuthMethod", req.DVAuthMethod)
	for _, ct := range []struct {
		typ string
		c   Contact
	}{{"Admin", req.Admin}, {"Tech", req.Tech}, {"Billing", req.Billing}} {
		if err := contactParams(p, ct.typ, ct.c); err != nil {
			return nil, err
		}
	}
	domainLists(p, req.DomainList, req.DomainEmails)
	return call(ctx, c, cmdCertConfigureCert, p, parseCertConfigureCert)
}

// contactParams writes one contact's fields under its prefix (Admin, Tech, Billing).
func contactParams(p url.Values, typ string, ct Contact) error {
	field := strings.ToLower(typ)
	phone, err := FormatPhone(ct.Phone, ct.Country)
	if err != nil {
		pe := err.(*provider.Error)
		pe.Command, pe.Field = cmdCertConfigureCert, field+".phone"
		pe.Message = strings.ToLower(typ[:1]) + typ[1:] + " contact: " + pe.Message
		return pe
	}
	fax := ""
	if strings.TrimSpace(ct.Fax) != "" {
		if fax, err = FormatPhone(ct.Fax, ct.Country); err != nil {
			pe := err.(*provider.Error)
			pe.Command, pe.Field = cmdCertConfigureCert, field+".fax"
			pe.Message = strings.ToLower(typ[:1]) + typ[1:] + " contact fax: " + pe.Message
			return pe
		}
	}
	set := func(k, v string) { p.Set(typ+k, strings.TrimSpace(v)) }
	set("FName", ct.FirstName)
	set("LName", ct.LastName)
	set("OrgName", ct.Organization)
	set("JobTitle", ct.JobTitle)
	set("Address1", ct.Address1)
	set("Address2", ct.Address2)
	set("City", ct.City)
	if strings.TrimSpace(ct.State) == "" && strings.TrimSpace(ct.Province) != "" {
		set("Province", ct.Province)
		set("StateProvinceChoice", "P")
	} else {
		set("State", ct.State)
		set("StateProvinceChoice", "S")
	}
	set("PostalCode", ct.PostalCode)
	set("Country", strings.ToUpper(ct.Country))
	set("Phone", phone)
	set("PhoneExt", ct.PhoneExt)
	set("Fax", fax)
	set("EmailAddress", ct.Email)
	return nil
}

// domainLists writes the UCC name and approver lists.
func domainLists(p url.Values, names, emails []string) {
	n := 0
	for i, name := range names {
		if strings.TrimSpace(name) == "" {
			continue
		}
		n++
		p.Set("UCCDomainList"+strconv.Itoa(n), strings.TrimSpace(name))
		if i < len(emails) {
			p.Set("UCCEmailList"+strconv.Itoa(n), strings.TrimSpace(emails[i]))
		}
	}
	if n > 0 {
		p.Set("DomainListNumber", strconv.Itoa(n))
	}
}

// normalizeNewlines sends PEM text with LF line ends, as Enom's examples do.
func normalizeNewlines(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// CertGetApproverEmail returns the addresses that may approve a certificate for domain (the CSR's
// name when domain is empty).
func (c *Client) CertGetApproverEmail(ctx context.Context, certID, domain string) ([]Approver, error) {
	if strings.TrimSpace(certID) == "" {
		return nil, required(cmdCertGetApproverEmail, "cert_id", "the CertID")
	}
	p := url.Values{"CertID": {strings.TrimSpace(certID)}, "Domain": {strings.TrimSpace(domain)}}
	return call(ctx, c, cmdCertGetApproverEmail, p, parseCertGetApproverEmail)
}

// CertParseCSR asks Enom to read a CSR for a certificate; a CSR Enom cannot read is Invalid on "csr".
func (c *Client) CertParseCSR(ctx context.Context, certID, csr string) (*CSRData, error) {
	if strings.TrimSpace(certID) == "" {
		return nil, required(cmdCertParseCSR, "cert_id", "the CertID")
	}
	if strings.TrimSpace(csr) == "" {
		return nil, required(cmdCertParseCSR, "csr", "the CSR")
	}
	p := url.Values{"CertID": {strings.TrimSpace(certID)}, "CSR": {normalizeNewlines(csr)}}
	return call(ctx, c, cmdCertParseCSR, p, parseCertParseCSR)
}

// CertPurchaseCert submits a configured certificate to the CA; validation starts and the status
// becomes Processing (or Approval Email Sent for Comodo). A CA refusal is Rejected.
func (c *Client) CertPurchaseCert(ctx context.Context, req PurchaseCertRequest) (*PurchaseCertResult, error) {
	if strings.TrimSpace(req.CertID) == "" {
		return nil, required(cmdCertPurchaseCert, "cert_id", "the CertID")
	}
	method := strings.TrimSpace(req.DVAuthMethod)
	if strings.TrimSpace(req.ApproverEmail) == "" && (method == "" || strings.EqualFold(method, "Email")) {
		return nil, required(cmdCertPurchaseCert, "approver_email", "an approver address (or the File or DNS method)")
	}
	p := url.Values{}
	p.Set("CertID", strings.TrimSpace(req.CertID))
	p.Set("ApproverEmail", strings.TrimSpace(req.ApproverEmail))
	p.Set("DVAuthMethod", method)
	p.Set("CSROrganization", req.CSROrganization)
	p.Set("CSROrganizationUnit", req.CSROrganizationUnit)
	p.Set("CSRAddress1", req.CSRAddress1)
	p.Set("CSRAddress2", req.CSRAddress2)
	p.Set("CSRLocality", req.CSRLocality)
	p.Set("CSRStateProvince", req.CSRStateProvince)
	p.Set("CSRPostalCode", req.CSRPostalCode)
	p.Set("CSRCountry", req.CSRCountry)
	p.Set("DUNSNumber", req.DUNSNumber)
	domainLists(p, req.DomainList, req.DomainEmails)
	return call(ctx, c, cmdCertPurchaseCert, p, parseCertPurchaseCert)
}

// CertGetCertDetail returns a certificate's status and, once issued, the certificate and its chain.
// A status of issued without a certificate in the answer is reported as pending.
func (c *Client) CertGetCertDetail(ctx context.Context, certID string) (*CertDetail, error) {
	if strings.TrimSpace(certID) == "" {
		return nil, required(cmdCertGetCertDetail, "cert_id", "the CertID")
	}
	return call(ctx, c, cmdCertGetCertDetail, url.Values{"CertID": {strings.TrimSpace(certID)}}, parseCertGetCertDetail)
}

// CertReissueCert asks for a new certificate with a new CSR. Enom offers it for Symantec, VeriSign
// and GeoTrust (including RapidSSL) certificates only (Traits(…).Reissue); for others Enom's refusal
// is Unsupported.
func (c *Client) CertReissueCert(ctx context.Context, certID, csr string) (*ReissueResult, error) {
	if strings.TrimSpace(certID) == "" {
		return nil, required(cmdCertReissueCert, "cert_id", "the CertID")
	}
	if strings.TrimSpace(csr) == "" {
		return nil, required(cmdCertReissueCert, "csr", "the CSR")
	}
	p := url.Values{"CertID": {strings.TrimSpace(certID)}, "CSR": {normalizeNewlines(csr)}}
	return call(ctx, c, cmdCertReissueCert, p, parseCertReissueCert)
}

// CertModifyOrder resets a submitted certificate (status Processing or Approval Email Sent) to
// Awaiting Configuration so it can be configured again. It does not refund: Enom refunds only
// through its support.
func (c *Client) CertModifyOrder(ctx context.Context, certID string) (string, error) {
	if strings.TrimSpace(certID) == "" {
		return "", required(cmdCertModifyOrder, "cert_id", "the CertID")
	}
	return call(ctx, c, cmdCertModifyOrder, url.Values{"CertID": {strings.TrimSpace(certID)}}, parseCertModifyOrder)
}

// CertChangeApproverEmail changes the approver address of a submitted certificate and returns the
// address Enom now uses.
func (c *Client) CertChangeApproverEmail(ctx context.Context, certID, email string) (string, error) {
	if strings.TrimSpace(certID) == "" {
		return "", required(cmdCertChangeApproverEmail, "cert_id", "the CertID")
	}
	if strings.TrimSpace(email) == "" {
		return "", required(cmdCertChangeApproverEmail, "approver_email", "the approver address")
	}
	p := url.Values{"CertID": {strings.TrimSpace(certID)}, "ApproverEmail": {strings.TrimSpace(email)}}
	return call(ctx, c, cmdCertChangeApproverEmail, p, func(b []byte) (string, error) {
		return parseApproverChange(cmdCertChangeApproverEmail, b)
	})
}

// CertResendApproverEmail sends the approval e-mail again and returns the address it went to.
func (c *Client) CertResendApproverEmail(ctx context.Context, certID string) (string, error) {
	if strings.TrimSpace(certID) == "" {
		return "", required(cmdCertResendApproverEmail, "cert_id", "the CertID")
	}
	return call(ctx, c, cmdCertResendApproverEmail, url.Values{"CertID": {strings.TrimSpace(certID)}}, func(b []byte) (string, error) {
		return parseApproverChange(cmdCertResendApproverEmail, b)
	})
}
