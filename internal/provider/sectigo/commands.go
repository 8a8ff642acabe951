package sectigo

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// ServerSoftwareOther is the serverSoftware value clients send when the server type does not matter.
const ServerSoftwareOther = -1

// ApplyRequest places an order with AutoApplySSL.
type ApplyRequest struct {
	// Product is Sectigo's product code (see Catalogue).
	Product int
	// Days is the term in days (365 for one year; Sectigo allows a few bonus days).
	Days int
	// CSR is the PEM request.
	CSR string
	// ServerSoftware is Sectigo's server type number; 0 sends ServerSoftwareOther.
	ServerSoftware int
	// DCVMethod is how the names are validated; EMAIL needs DCVEmailAddress from a list fetched within
	// the last 24 hours.
	DCVMethod       DCVMethod
	DCVEmailAddress string // see DCVMethod
	// UniqueValue joins the DCV tokens; Sectigo generates one when empty.
	UniqueValue string
	// ForeignOrderNumber is the service's own reference, kept by Sectigo and searchable in WebHostReport:
	// how an order placed before a crash is found again.
	ForeignOrderNumber string
	// DomainNames are all names of a multi-domain order (comma-joined on the wire) and PrimaryDomainName
	// the one that becomes the common name; both are left out for single-name products.
	DomainNames       []string
	PrimaryDomainName string
	// PrioritiseCSRValues makes Sectigo take the subject from the CSR over the request's fields.
	PrioritiseCSRValues bool
	// SuppressCertificateEmail stops Sectigo e-mailing the issued certificate (emailAddress=none).
	SuppressCertificateEmail bool
	// Contact is the applicant representative.
	Contact Contact
	// Organization is needed for OV and EV.
	Organization Organization
}

// Contact is the applicant representative of an order.
type Contact struct {
	// Email, FirstName, LastName and Telephone go to appRepEmailAddress, appRepForename, appRepSurname and
	// appRepTelephone.
	Email     string
	FirstName string
	LastName  string
	Telephone string
}

// Organization is the organisation vetted for OV and EV products.
type Organization struct {
	// Name, Street, City, State and PostalCode go to organizationName, streetAddress1, localityName,
	// stateOrProvinceName and postalCode; CompanyNumber is the registration number.
	Name          string
	Street        string
	City          string
	State         string
	PostalCode    string
	Country       string // ISO 3166 two-letter code
	CompanyNumber string
}

// CollectRequest asks for an order's status and, optionally, its certificate.
type CollectRequest struct {
	// OrderNumber or CertificateID (one is required) names the order.
	OrderNumber   string
	CertificateID string
	// WithCertificate asks for the certificate and CA certificates (queryType=1, individually
	// base64-encoded) instead of the status only (queryType=0).
	WithCertificate bool
}

// ReplaceRequest reissues an order's certificate with AutoReplaceSSL (the old certificate is not revoked).
type ReplaceRequest struct {
	// OrderNumber is the order to reissue; the other fields are as for ApplyRequest (an empty DCVMethod
	// keeps the order's method).
	OrderNumber     string
	CSR             string
	ServerSoftware  int
	DCVMethod       DCVMethod
	DCVEmailAddress string
	UniqueValue     string
}

// RevokeRequest revokes a certificate with AutoRevokeSSL; one of OrderNumber, CertificateID and
// SerialNumber (hex) names it. Reason is free text and required.
type RevokeRequest struct {
	// OrderNumber, CertificateID and SerialNumber are tried in that order.
	OrderNumber   string
	CertificateID string
	SerialNumber  string
	Reason        string
}

// RefundReason is AutoRefund's refundReasonCode.
type RefundReason int

// The refund reasons.
const (
	RefundUnableToValidate  RefundReason = 1
	RefundNoLongerActive    RefundReason = 2
	RefundWantAnotherType   RefundReason = 3
	RefundFailedBrandCheck  RefundReason = 4
	RefundSectigoRejected   RefundReason = 5
	RefundRevokedMalware    RefundReason = 6
	RefundRevokedPhishing   RefundReason = 7
	RefundRevokedSafeBrowse RefundReason = 8
	RefundMovingToAnotherCA RefundReason = 9
	RefundBetterPrice       RefundReason = 10
	RefundOther             RefundReason = 11
	firstRefundReason                    = RefundUnableToValidate
	lastRefundReason                     = RefundOther
)

// UpdateDCVRequest changes (or re-triggers) the validation of an order with AutoUpdateDCV.
type UpdateDCVRequest struct {
	// OrderNumber is the order whose validation changes.
	OrderNumber string
	// DomainName names the name of a multi-domain order; empty for single-name orders.
	DomainName string
	// NewMethod is the method to use; EMAIL needs NewDCVEmailAddress from the approver list.
	NewMethod          DCVMethod
	NewDCVEmailAddress string
}

// ResendDCVRequest resends the approver e-mail with ResendDCVEmail, optionally to another address.
type ResendDCVRequest struct {
	// OrderNumber is the order; DCVEmailAddress, when set, is a new approver address from the list.
	OrderNumber     string
	DCVEmailAddress string
}

// ReportRequest filters a WebHostReport. Zero fields do not filter.
type ReportRequest struct {
	// PlacedFrom and PlacedTo bound the order date (inclusive, second precision).
	PlacedFrom, PlacedTo time.Time
	// FQDN matches the certificate's name (Sectigo allows _ and % wildcards).
	FQDN string
	// OrderNumbers and ForeignOrderNumbers select orders by reference.
	OrderNumbers        []string
	ForeignOrderNumbers []string
	// FirstResult and LastResult page the report (1-based, inclusive); 0 leaves Sectigo's default.
	FirstResult, LastResult int
}

// AutoApplySSL places an order. It is not idempotent: a retry after an unclear failure must first look
// for the order with FindOrders by ForeignOrderNumber. In the test environment it sends test=Y.
func (c *Client) AutoApplySSL(ctx context.Context, req ApplyRequest) (*ApplyResult, error) {
	if req.Product <= 0 {
		return nil, invalid(cmdApply, "product", "a Sectigo product code is required")
	}
	if req.Days <= 0 {
		return nil, invalid(cmdApply, "period", "the term in days is required")
	}
	if strings.TrimSpace(req.CSR) == "" {
		return nil, invalid(cmdApply, "csr", "a certificate request is required")
	}
	if err := checkMethod(cmdApply, req.DCVMethod, req.DCVEmailAddress); err != nil {
		return nil, err
	}
	form := c.credentials()
	form.Set("product", strconv.Itoa(req.Product))
	form.Set("days", strconv.Itoa(req.Days))
	form.Set("csr", req.CSR)
	form.Set("serverSoftware", strconv.Itoa(serverSoftware(req.ServerSoftware)))
	form.Set("isCustomerValidated", "Y")
	form.Set("showCertificateID", "Y")
	setDCV(form, "dcvMethod", "dcvEmailAddress", req.DCVMethod, req.DCVEmailAddress)
	setIf(form, "uniqueValue", req.UniqueValue)
	setIf(form, "foreignOrderNumber", req.ForeignOrderNumber)
	if len(req.DomainNames) > 0 {
		form.Set("domainNames", strings.Join(req.DomainNames, ","))
		primary := req.PrimaryDomainName
		if primary == "" {
			primary = req.DomainNames[0]
		}
		form.Set("primaryDomainName", primary)
	}
	if req.PrioritiseCSRValues {
		form.Set("prioritiseCSRValues", "Y")
	}
	if req.SuppressCertificateEmail {
		form.Set("emailAddress", "none")
	}
	setIf(form, "appRepEmailAddress", req.Contact.Email)
	setIf(form, "appRepForename", req.Contact.FirstName)
	setIf(form, "appRepSurname", req.Contact.LastName)
	setIf(form, "appRepTelephone", req.Contact.Telephone)
	o := req.Organization
	setIf(form, "organizationName", o.Name)
	setIf(form, "streetAddress1", o.Street)
	setIf(form, "localityName", o.City)
	setIf(form, "stateOrProvinceName", o.State)
	setIf(form, "postalCode", o.PostalCode)
	setIf(form, "countryName", strings.ToUpper(o.Country))
	setIf(form, "companyNumber", o.CompanyNumber)
	c.testFlag(form)
	c.format(form)
	res, err := roundTrip(ctx, c, cmdApply, form, parseApply)
	if err != nil {
		return nil, err
	}
	if res.UniqueValue == "" {
		res.UniqueValue = req.UniqueValue
	}
	res.Test = c.test
	return res, nil
}

// CollectSSL reads an order's status and, with WithCertificate, its certificate. The state codes -20,
// -21 and -26 come back as results (StatusRejected or StatusCancelled, StatusRevoked, StatusPending),
// not errors. When the client has a CollectLimiter, a call it refuses is a Temporary error and nothing
// is sent.
func (c *Client) CollectSSL(ctx context.Context, req CollectRequest) (*CollectResult, error) {
	ref := req.OrderNumber
	if ref == "" {
		ref = req.CertificateID
	}
	if ref == "" {
		return nil, invalid(cmdCollect, "order", "an order number or certificate ID is required")
	}
	if c.limiter != nil {
		release, err := c.limiter.Acquire(c.login, ref)
		if err != nil {
			return nil, err
		}
		defer release()
	}
	form := c.credentials()
	setIf(form, "orderNumber", req.OrderNumber)
	if req.OrderNumber == "" {
		form.Set("certificateID", req.CertificateID)
	}
	if req.WithCertificate {
		form.Set("queryType", "1")
		form.Set("responseType", "3")
		form.Set("responseEncoding", "0")
	} else {
		form.Set("queryType", "0")
	}
	form.Set("showValidityPeriod", "Y")
	form.Set("showFQDN", "Y")
	form.Set("showExtStatus", "Y")
	c.format(form)
	res, err := roundTrip(ctx, c, cmdCollect, form, parseCollect)
	if err != nil {
		return nil, err
	}
	if req.WithCertificate && res.Status == StatusIssued && res.CertificatePEM == "" && !c.newline {
		return nil, malformed(cmdCollect, "Sectigo reports the certificate as issued but sent none")
	}
	return res, nil
}

// GetDCVEmailAddressList lists the approver addresses Sectigo accepts for domain. The answer is always
// Sectigo's newline format; no responseFormat is sent.
func (c *Client) GetDCVEmailAddressList(ctx context.Context, domain string) (*DCVEmailList, error) {
	domain = baseDomain(domain)
	if domain == "" {
		return nil, invalid(cmdEmails, "names", "a domain name is required")
	}
	form := c.credentials()
	form.Set("domainName", domain)
	return roundTrip(ctx, c, cmdEmails, form, parseDCVEmails)
}

// DecodeCSR asks Sectigo to decode a CSR, with its hashes, key size and DNS names. DecodeCSR takes no
// login (none is sent) and answers in text (responseFormat=0; its 1 means XML). Problems Sectigo finds
// come back with the result as an Invalid error on "csr".
func (c *Client) DecodeCSR(ctx context.Context, csr string) (*DecodedCSR, error) {
	if strings.TrimSpace(csr) == "" {
		return nil, invalid(cmdDecode, "csr", "a certificate request is required")
	}
	form := url.Values{}
	form.Set("csr", csr)
	form.Set("responseFormat", "0")
	form.Set("showErrorCodes", "Y")
	form.Set("showErrorMessages", "Y")
	form.Set("showFieldNames", "Y")
	form.Set("showEmptyFields", "Y")
	form.Set("showCN", "Y")
	form.Set("showAddress", "Y")
	form.Set("showKeySize", "Y")
	form.Set("showSANDNSNames", "Y")
	form.Set("showCSRHashes", "Y")
	form.Set("showSignatureAlgorithm", "Y")
	form.Set("countryNameType", "TWOCHAR")
	var res *DecodedCSR
	err := c.post(ctx, cmdDecode, form, func(_ int, body []byte) error {
		var err error
		res, err = parseDecodeCSR(body)
		return err
	})
	return res, err
}

// AutoReplaceSSL reissues an order with a new CSR; the old certificate stays valid until revoked.
func (c *Client) AutoReplaceSSL(ctx context.Context, req ReplaceRequest) (*ReplaceResult, error) {
	if req.OrderNumber == "" {
		return nil, invalid(cmdReplace, "order", "the order number is required")
	}
	if strings.TrimSpace(req.CSR) == "" {
		return nil, invalid(cmdReplace, "csr", "a certificate request is required")
	}
	if err := checkMethod(cmdReplace, req.DCVMethod, req.DCVEmailAddress); err != nil {
		return nil, err
	}
	form := c.credentials()
	form.Set("orderNumber", req.OrderNumber)
	form.Set("csr", req.CSR)
	form.Set("serverSoftware", strconv.Itoa(serverSoftware(req.ServerSoftware)))
	form.Set("showCertificateID", "Y")
	setDCV(form, "dcvMethod", "dcvEmailAddress", req.DCVMethod, req.DCVEmailAddress)
	setIf(form, "uniqueValue", req.UniqueValue)
	c.format(form)
	res, err := roundTrip(ctx, c, cmdReplace, form, parseReplace)
	if err != nil {
		return nil, err
	}
	if res.UniqueValue == "" {
		res.UniqueValue = req.UniqueValue
	}
	return res, nil
}

// AutoRevokeSSL revokes a certificate. A certificate revoked before is a success with AlreadyRevoked. In
// the test environment it sends test=Y.
func (c *Client) AutoRevokeSSL(ctx context.Context, req RevokeRequest) (*RevokeResult, error) {
	if req.OrderNumber == "" && req.CertificateID == "" && req.SerialNumber == "" {
		return nil, invalid(cmdRevoke, "order", "an order number, certificate ID or serial number is required")
	}
	if strings.TrimSpace(req.Reason) == "" {
		return nil, invalid(cmdRevoke, "reason", "a revocation reason is required")
	}
	form := c.credentials()
	switch {
	case req.OrderNumber != "":
		form.Set("orderNumber", req.OrderNumber)
	case req.CertificateID != "":
		form.Set("certificateID", req.CertificateID)
	default:
		form.Set("serialNumber", req.SerialNumber)
	}
	form.Set("revocationReason", req.Reason)
	c.testFlag(form)
	c.format(form)
	return roundTrip(ctx, c, cmdRevoke, form, parseRevoke)
}

// AutoRefund cancels an order and asks for its refund (single-name and wildcard products within the
// refund period; multi-domain orders need a ticket at Sectigo). An order cancelled or refunded before is a
// success with AlreadyCancelled or AlreadyRefunded.
func (c *Client) AutoRefund(ctx context.Context, orderNumber string, reason RefundReason) (*RefundResult, error) {
	if orderNumber == "" {
		return nil, invalid(cmdRefund, "order", "the order number is required")
	}
	if reason < firstRefundReason || reason > lastRefundReason {
		reason = RefundOther
	}
	form := c.credentials()
	form.Set("orderNumber", orderNumber)
	form.Set("refundReasonCode", strconv.Itoa(int(reason)))
	c.format(form)
	return roundTrip(ctx, c, cmdRefund, form, parseRefund)
}

// AutoUpdateDCV switches an order's validation method (or re-triggers it with the same method).
// AutoUpdateDCV refuses responseFormat, so none is sent; its answer is URL-encoded.
func (c *Client) AutoUpdateDCV(ctx context.Context, req UpdateDCVRequest) error {
	if req.OrderNumber == "" {
		return invalid(cmdUpdateDCV, "order", "the order number is required")
	}
	if req.NewMethod == "" {
		return invalid(cmdUpdateDCV, "dcv_method", "the new validation method is required")
	}
	if err := checkMethod(cmdUpdateDCV, req.NewMethod, req.NewDCVEmailAddress); err != nil {
		return err
	}
	form := c.credentials()
	form.Set("orderNumber", req.OrderNumber)
	setIf(form, "domainName", req.DomainName)
	setDCV(form, "newMethod", "newDCVEmailAddress", req.NewMethod, req.NewDCVEmailAddress)
	return c.ack(ctx, cmdUpdateDCV, form)
}

// ResendDCVEmail resends the approver e-mail of an EMAIL-validated order. No responseFormat is sent; the
// answer is URL-encoded.
func (c *Client) ResendDCVEmail(ctx context.Context, req ResendDCVRequest) error {
	if req.OrderNumber == "" {
		return invalid(cmdResend, "order", "the order number is required")
	}
	form := c.credentials()
	form.Set("orderNumber", req.OrderNumber)
	setIf(form, "dcvEmailAddress", strings.ToLower(strings.TrimSpace(req.DCVEmailAddress)))
	return c.ack(ctx, cmdResend, form)
}

// AutoAuthorize pays for an order that AutoApplySSL placed unpaid (ApplyResult.Paid false). In the test
// environment it sends test=Y.
func (c *Client) AutoAuthorize(ctx context.Context, orderNumber string) error {
	if orderNumber == "" {
		return invalid(cmdAuthorize, "order", "the order number is required")
	}
	form := c.credentials()
	form.Set("orderNumber", orderNumber)
	c.testFlag(form)
	c.format(form)
	return c.ack(ctx, cmdAuthorize, form)
}

// WebHostReport lists the account's orders that match req. The answer is URL-encoded (error_code and
// numbered keys); no responseFormat is sent.
func (c *Client) WebHostReport(ctx context.Context, req ReportRequest) (*Report, error) {
	form := c.credentials()
	if !req.PlacedFrom.IsZero() {
		form.Set("notBefore", strconv.FormatInt(req.PlacedFrom.Unix(), 10))
	}
	if !req.PlacedTo.IsZero() {
		form.Set("notAfter", strconv.FormatInt(req.PlacedTo.Unix(), 10))
	}
	setIf(form, "fqdn", strings.ToLower(req.FQDN))
	if len(req.OrderNumbers) > 0 {
		form.Set("orderNumber", strings.Join(req.OrderNumbers, ","))
	}
	if len(req.ForeignOrderNumbers) > 0 {
		form.Set("foreignOrderNumber", strings.Join(req.ForeignOrderNumbers, ","))
	}
	if req.FirstResult > 0 {
		form.Set("firstResultNo", strconv.Itoa(req.FirstResult))
	}
	if req.LastResult > 0 {
		form.Set("lastResultNo", strconv.Itoa(req.LastResult))
	}
	form.Set("showCertificateID", "Y")
	return roundTrip(ctx, c, cmdReport, form, parseReport)
}

// TestConnection makes the harmless call of "test connection": a report for an empty date range. It
// returns nil when the credentials and the source IP are accepted, else a classified error (Auth for
// the login, with what staff should fix).
func (c *Client) TestConnection(ctx context.Context) error {
	at := c.now().Add(-time.Minute)
	_, err := c.WebHostReport(ctx, ReportRequest{PlacedFrom: at, PlacedTo: at, LastResult: 1})
	return err
}

// FindOrders looks for orders placed with the service's reference (ForeignOrderNumber), for the
// reconciler after a crash between "submitting" and the answer. When reference is empty it falls back
// to the name and the date range. An empty result means Sectigo has no such order.
func (c *Client) FindOrders(ctx context.Context, reference, fqdn string, from, to time.Time) ([]ReportOrder, error) {
	req := ReportRequest{PlacedFrom: from, PlacedTo: to}
	if reference != "" {
		req.ForeignOrderNumbers = []string{reference}
	} else {
		req.FQDN = fqdn
	}
	rep, err := c.WebHostReport(ctx, req)
	if err != nil {
		return nil, err
	}
	var out []ReportOrder
	for _, o := range rep.Orders {
		if reference == "" || o.ForeignOrderNumber == "" || o.ForeignOrderNumber == reference {
			out = append(out, o)
		}
	}
	return out, nil
}

func (c *Client) ack(ctx context.Context, command string, form url.Values) error {
	return c.post(ctx, command, form, func(_ int, body []byte) error { return parseAck(command, body) })
}

func invalid(command, field, msg string) *provider.Error {
	return &provider.Error{Command: command, Class: provider.Invalid, Field: field, Message: msg}
}

func checkMethod(command string, m DCVMethod, email string) error {
	switch m {
	case "", DCVHTTP, DCVHTTPS, DCVCNAME:
		return nil
	case DCVEmail:
		if !strings.Contains(email, "@") {
			return invalid(command, "approver_email", "e-mail validation needs an approver address from GetDCVEmailAddressList")
		}
		return nil
	}
	return invalid(command, "dcv_method", "unknown validation method "+string(m)+"; use EMAIL, HTTP_CSR_HASH, HTTPS_CSR_HASH or CNAME_CSR_HASH")
}

func setDCV(form url.Values, methodKey, emailKey string, m DCVMethod, email string) {
	if m == "" {
		return
	}
	form.Set(methodKey, string(m))
	if m == DCVEmail {
		form.Set(emailKey, strings.ToLower(strings.TrimSpace(email)))
	}
}

func setIf(form url.Values, key, v string) {
	if v = strings.TrimSpace(v); v != "" {
		form.Set(key, v)
	}
}

func serverSoftware(n int) int {
	if n == 0 {
		return ServerSoftwareOther
	}
	return n
}
