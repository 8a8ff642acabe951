package enom

import (
	"strings"
	"time"
)

// Balance is the reseller account's money at Enom (GetBalance), in US cents.
type Balance struct {
	// Balance is the account balance; it can be negative.
	Balance int64
	// Available is what can be spent now (the balance less holds).
	Available int64
	// Currency is always "USD": Enom accounts are kept in US dollars.
	Currency string
}

// Catalogue is the SSL product list of the account with its prices (GetCerts).
type Catalogue struct {
	// Reseller is true for a reseller account.
	Reseller bool
	// Products are in Enom's order.
	Products []Product
}

// Product is one SSL product of the catalogue.
type Product struct {
	// Code is the ProdCode, e.g. "certificate-rapidssl-rapidssl": the Service of PurchaseServices.
	Code string
	// Type is the numeric ProdType, e.g. 23; see Traits for validation level and names.
	Type int
	// Description is Enom's name, e.g. "SSL Certificate - RapidSSL".
	Description string
	// QtyDesc is the unit of sale, normally "Year(s)".
	QtyDesc string
	// ResellerPrice is what the account pays per year, in US cents; HasResellerPrice is false when
	// Enom sent none (the product cannot be costed).
	ResellerPrice    int64
	HasResellerPrice bool // false when Enom sent no reseller price
	// RetailPrice is Enom's suggested retail price per year, in US cents.
	RetailPrice    int64
	HasRetailPrice bool // false when Enom sent no retail price
	// Enabled is false when the account may not sell the product; it is true when Enom omits it.
	Enabled bool
	// Years are the terms on sale; nil when Enom lists none (then 1 year is the safe choice).
	Years []int
}

// Cost returns the reseller cost of a term in US cents, and false when the price is unknown or the
// term is not on sale.
func (p Product) Cost(years int) (int64, bool) {
	if !p.HasResellerPrice || years < 1 {
		return 0, false
	}
	if len(p.Years) > 0 {
		found := false
		for _, y := range p.Years {
			found = found || y == years
		}
		if !found {
			return 0, false
		}
	}
	return p.ResellerPrice * int64(years), true
}

// PurchaseRequest buys one certificate in real time with PurchaseServices, debiting the balance.
type PurchaseRequest struct {
	// Service is the product code from the catalogue (Product.Code), e.g. "certificate-comodo-essential".
	Service string
	// Years is the term, 1 to the product's maximum; 0 means 1.
	Years int
}

// Purchase is the result of PurchaseServices: the new certificate, in status Awaiting Configuration.
type Purchase struct {
	// CertID is the key of every later Cert* command.
	CertID string
	// OrderID is Enom's order number.
	OrderID string
}

// CertListRequest filters and pages CertGetCerts. Zero values leave a filter out.
type CertListRequest struct {
	// ProdType keeps one product type.
	ProdType int
	// StatusID keeps one CertStatusID (1 Awaiting Configuration, 2 Processing, 4 Issued, …).
	StatusID int
	// DomainNameContains keeps certificates whose domain contains this text.
	DomainNameContains string
	// OrderDateStart and OrderDateEnd bound the order date (whole days, as Enom filters).
	OrderDateStart, OrderDateEnd time.Time
	// ExpirationDateStart and ExpirationDateEnd bound the expiry date.
	ExpirationDateStart, ExpirationDateEnd time.Time
	// StartPosition is the 1-based first row; 0 means 1.
	StartPosition int
	// PageSize is the number of rows, at most 250; 0 means Enom's default of 25.
	PageSize int
	// SortBy is CertID, Domain, CertStatus or Expiration; empty means CertID.
	SortBy string
	// Descending sorts from the highest value down.
	Descending bool
}

// CertList is one page of CertGetCerts.
type CertList struct {
	Certs []CertSummary // the rows of this page
	// StartPosition and PageSize echo the paging; TotalRecords counts all matching certificates (0
	// when Enom did not say).
	StartPosition int
	PageSize      int // rows a page
	TotalRecords  int // certificates matching the filters, all pages
}

// CertSummary is one certificate in CertGetCerts.
type CertSummary struct {
	CertID     string // key of the Cert* commands
	OrderID    string // Enom's order number
	DomainName string // the configured domain; empty before configuration
	ProdType   int    // numeric product id
	ProdDesc   string // Enom's product name
	// OrderDate, ConfigDate and ExpirationDate are as Enom writes them, read as UTC; zero when empty.
	OrderDate      time.Time
	ConfigDate     time.Time // when it was configured
	ExpirationDate time.Time // end of the certificate or term
	// ValidityMonths is the term bought, in months.
	ValidityMonths int
	IsExpired      bool // Enom's IsExpired flag
	Renewal        bool // RenewalIndicator
	// StatusID and StatusText are Enom's CertStatusID and CertStatus; Status is ours (StatusOf).
	StatusID   string
	StatusText string // CertStatus, e.g. "Processing"
	Status     Status // ours, from StatusOf
	// DomainCountAllowed is the number of names a UCC certificate may hold; 0 otherwise.
	DomainCountAllowed int
	ReissueStatus      string // Enom's reissue state, free text
}

// Contact is an Admin, Tech or Billing contact of CertConfigureCert.
type Contact struct {
	FirstName    string // FName
	LastName     string // LName
	Organization string // OrgName
	JobTitle     string // JobTitle
	Address1     string // first address line
	Address2     string // second address line
	City         string // city
	// State is used for a state (StateProvinceChoice S), Province for a province (P); set one.
	State      string
	Province   string // province, for StateProvinceChoice P
	PostalCode string // postal code
	// Country is the ISO 3166 two-letter code.
	Country string
	// Phone and Fax may be written in any usual way; they are sent as +CC.NNNN (FormatPhone), with
	// Country supplying the calling code of a national number.
	Phone    string
	PhoneExt string // extension, sent as is
	Fax      string // optional, written like Phone
	Email    string // EmailAddress
}

// ConfigureRequest is CertConfigureCert: the CSR, the server type and the contacts of a certificate.
type ConfigureRequest struct {
	CertID string // the certificate to configure
	// WebServerType is Enom's number for the server (WebServerType maps ours to it).
	WebServerType int
	// CSR is the PEM certificate signing request; for a wildcard its common name is *.name.
	CSR     string
	Admin   Contact // administrative contact
	Tech    Contact // technical contact
	Billing Contact // billing contact
	// DomainList holds the extra names of a UCC certificate (UCCDomainList1..100) and DomainEmails
	// their approver addresses in the same order (UCCEmailList1..100).
	DomainList   []string
	DomainEmails []string // approver per DomainList entry
	// DVAuthMethod is "File" or "DNS" for Encryption Everywhere products; empty otherwise.
	DVAuthMethod string
}

// CSRData is Enom's reading of a CSR (CertParseCSR, and CSRData of CertConfigureCert).
type CSRData struct {
	DomainName       string // common name
	Organization     string // O
	OrganizationUnit string // OU
	Email            string // e-mail in the subject
	Locality         string // L
	State            string // ST
	Country          string // C
	HasBadExtensions bool   // Enom's verdict on the CSR's extensions
}

// Approver is an address that may approve the certificate by e-mail.
type Approver struct {
	Email string // the address
	// Type is Enom's grouping: Domain, Generic or Manual.
	Type string
}

// DomainValidation is how the CA checks control of the domain, and what the client must do.
type DomainValidation struct {
	// Method is Email, File or DNS (empty means e-mail to ApproverEmail).
	Method        string
	ApproverEmail string // approver address (Email method)
	// FileName and FileContents: serve FileContents at FileName on the domain (File method).
	FileName     string
	FileContents string // text the file must hold
	// DNSEntry, DNSType and DNSAddress: publish a record (DNS method); DNSHostUpdated says Enom did
	// it itself because it hosts the zone.
	DNSEntry       string
	DNSType        string // record type, e.g. TXT
	DNSAddress     string // record value
	DNSHostUpdated bool   // Enom published the record itself
	// AuthStatus is GeoTrust's File/DNS progress: UNREACHABLE, INIT, AUTHENTICATED, FILE_NOT_FOUND,
	// FILE_MISMATCH, UNAVAILABLE (CertGetCertDetail only).
	AuthStatus string
}

// ConfigureResult is the answer to CertConfigureCert.
type ConfigureResult struct {
	CertID    string     // the certificate configured
	ProdType  int        // numeric product id
	CSR       CSRData    // Enom's reading of the CSR
	Approvers []Approver // approver addresses of the domain
	// Validation holds the File or DNS instructions of Encryption Everywhere products.
	Validation DomainValidation
	// GeneratedCSR and GeneratedKey are set only when Enom generated the key for an Encryption
	// Everywhere order; GeneratedKey is a private key: seal it and never log it.
	GeneratedCSR string
	GeneratedKey string // secret: seal it, never log it
}

// PurchaseCertRequest is CertPurchaseCert: submit the configured certificate to the CA.
type PurchaseCertRequest struct {
	CertID string // the configured certificate
	// ApproverEmail is one of the approver addresses, for e-mail validation.
	ApproverEmail string
	// DVAuthMethod is Email, File or DNS for the GeoTrust RapidSSL/QuickSSL products; empty means
	// Email.
	DVAuthMethod string
	// The CSR* organisation fields are required by Comodo OV/EV and UCC products.
	CSROrganization     string
	CSROrganizationUnit string // organisational unit
	CSRAddress1         string // street address
	CSRAddress2         string // second address line
	CSRLocality         string // city
	CSRStateProvince    string // state or province
	CSRPostalCode       string // postal code
	CSRCountry          string // ISO country code
	DUNSNumber          string // D-U-N-S number, for EV
	// DomainList and DomainEmails repeat the UCC names and their approvers.
	DomainList   []string
	DomainEmails []string // approver per DomainList entry
}

// PurchaseCertResult is the answer to CertPurchaseCert.
type PurchaseCertResult struct {
	CertID          string           // the certificate submitted
	GeoTrustOrderID string           // the CA's order number (GeoTrust family)
	Validation      DomainValidation // what the client must do to validate
}

// CertDetail is CertGetCertDetail: the state of one certificate and, once issued, the certificate.
type CertDetail struct {
	CertID     string // key of the Cert* commands
	OrderID    string // Enom's order number
	DomainName string // the configured domain
	// DomainList holds a UCC certificate's names.
	DomainList []string
	ProdType   int    // numeric product id
	ProdDesc   string // Enom's product name
	// StatusID, StatusText and StatusDetail are Enom's; Status is ours (StatusOf).
	StatusID     string
	StatusText   string // CertStatus
	StatusDetail string // CertStatusDetail, free text
	Status       Status // ours, from StatusOf
	Message      string // Enom's message, free text
	// OrderDate, ConfigDate and ExpirationDate are read as UTC; zero when empty.
	OrderDate      time.Time
	ConfigDate     time.Time        // when it was configured
	ExpirationDate time.Time        // end of the certificate (or of the term before issue)
	ValidityMonths int              // term bought, in months
	IsExpired      bool             // Enom's IsExpired flag, when sent
	Renewal        bool             // RenewalIndicator
	Validation     DomainValidation // DCV method, state and instructions
	// CertificatePEM is the issued certificate (SSLCertificate); empty until issued.
	CertificatePEM string
	// ChainPEM is the intermediate chain: CACerts followed by any IntermediateCertificates.
	ChainPEM string
	// CSR is the request the certificate was configured with.
	CSR string
	// PrivateKey is set only for Encryption Everywhere orders whose key Enom generated (PVT); it is
	// a private key: seal it and never log it.
	PrivateKey        string
	WebServerTypeID   int     // the configured WebServerType
	WebServerTypeName string  // Enom's name for it
	ReissueStatus     string  // Enom's reissue state, free text
	ReferenceID       string  // Enom's reference number
	Admin             Contact // administrative contact
	Tech              Contact // technical contact
	Billing           Contact // billing contact
}

// ReissueResult is the answer to CertReissueCert.
type ReissueResult struct {
	Message string  // Enom's message, free text
	CSR     CSRData // Enom's reading of the new CSR
}

// joinPEM concatenates PEM blocks, each ending in one newline.
func joinPEM(blocks ...string) string {
	var b strings.Builder
	for _, p := range blocks {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		b.WriteString(p)
		b.WriteString("\n")
	}
	return b.String()
}
