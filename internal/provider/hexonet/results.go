package hexonet

import (
	"cmp"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sslreseller/sslreseller/internal/money"
)

// okResponse parses a body and turns a non-success code into its classified error.
func okResponse(body []byte) (*Response, error) {
	r, err := parseResponse(body)
	if err != nil {
		return nil, err
	}
	if e := responseError(r); e != nil {
		return nil, e
	}
	return r, nil
}

// Account is the answer to StatusAccount: the account's money.
type Account struct {
	// Currency is the account currency (CURRENCY).
	Currency string
	// Balance is the current balance (AMOUNT); below zero when credit is in use.
	Balance money.Amount
	// Credit is the credit limit (CREDIT).
	Credit money.Amount
	// Deposit is the amount reserved for pending orders (DEPOSIT).
	Deposit money.Amount
	// VAT is the VAT rate in percent, as sent ("19.00").
	VAT string
	// Available is what can still be spent: Balance + Credit - Deposit. HEXONET refuses a purchase
	// beyond it with "546 Credit limit exceeded" (the formula is inferred, not documented).
	Available money.Amount
}

// parseStatusAccount reads a StatusAccount answer.
func parseStatusAccount(body []byte) (*Account, error) {
	r, err := okResponse(body)
	if err != nil {
		return nil, err
	}
	a := &Account{Currency: strings.ToUpper(r.First("CURRENCY")), VAT: r.First("VAT")}
	a.Balance = amountOrZero(r.First("AMOUNT"), a.Currency)
	a.Credit = amountOrZero(r.First("CREDIT"), a.Currency)
	a.Deposit = amountOrZero(r.First("DEPOSIT"), a.Currency)
	a.Available = money.Amount{Currency: a.Currency, Minor: a.Balance.Minor + a.Credit.Minor - a.Deposit.Minor}
	return a, nil
}

// amountOrZero reads an amount, treating an empty or unreadable value as zero.
func amountOrZero(s, currency string) money.Amount {
	a, err := parseAmount(s, currency)
	if err != nil {
		return money.Amount{Currency: strings.ToUpper(currency)}
	}
	return a
}

// User is the answer to StatusUser: who the credentials belong to and what they pay.
type User struct {
	// User is the user name (USER); ParentUser the reseller above it.
	User, ParentUser string
	// Active is the ACTIVE flag.
	Active bool
	// UserClass is the price class of the user (USERCLASS).
	UserClass string
	// AccountCurrency is the currency of the account (ACCOUNTCURRENCY).
	AccountCurrency string
	// AllowedIPs are the addresses of the user's IP filter (ALLOWEDIP); empty means no filter.
	AllowedIPs []string
	// Relations are all user relations (RELATIONTYPE with RELATIONVALUE) as sent.
	Relations []Relation
	// Prices are the SSL certificate costs read from the PRICE_CLASS_SSLCERT_* relations, sorted by class
	// and period. Other relations (domains, DNS, settings) are not prices of ours and are left out.
	Prices []Price
}

// Relation is one user relation: a name and its value.
type Relation struct {
	// Type is RELATIONTYPE, e.g. PRICE_CLASS_SSLCERT_COMODO_ESSENTIALSSL_ANNUAL; Value its RELATIONVALUE.
	Type, Value string
}

// Price is the cost of one certificate class for one period.
type Price struct {
	// Class is the SSLCERTCLASS, e.g. COMODO_ESSENTIALSSL.
	Class string
	// Period is the term in years.
	Period int
	// Annual is the yearly fee for this term (relation _ANNUAL or _ANNUAL1 for one year, _ANNUALn for n
	// years).
	Annual money.Amount
	// Setup is the one-off fee (relation _SETUP, or _SETUPn for an n-year term); zero when absent.
	Setup money.Amount
	// Cost is what the term costs: Setup + Period × Annual.
	Cost money.Amount
}

// sslPricePrefix starts the relation types that hold SSL certificate prices.
const sslPricePrefix = "PRICE_CLASS_SSLCERT_"

// parseStatusUser reads a StatusUser answer, including the price relations.
func parseStatusUser(body []byte) (*User, error) {
	r, err := okResponse(body)
	if err != nil {
		return nil, err
	}
	u := &User{
		User:            r.First("USER"),
		ParentUser:      r.First("PARENTUSER"),
		Active:          r.bool("ACTIVE"),
		UserClass:       r.First("USERCLASS"),
		AccountCurrency: strings.ToUpper(r.First("ACCOUNTCURRENCY")),
	}
	for _, ip := range r.Property("ALLOWEDIP") {
		if ip = strings.TrimSpace(ip); ip != "" {
			u.AllowedIPs = append(u.AllowedIPs, ip)
		}
	}
	types, values := r.Property("RELATIONTYPE"), r.Property("RELATIONVALUE")
	for i, t := range types {
		v := ""
		if i < len(values) {
			v = values[i]
		}
		if t = strings.TrimSpace(t); t != "" {
			u.Relations = append(u.Relations, Relation{Type: t, Value: strings.TrimSpace(v)})
		}
	}
	u.Prices = pricesFrom(u.Relations)
	return u, nil
}

// priceParts collects the relations of one class.
type priceParts struct {
	currency string
	annual   map[int]string // period → value; 1 from _ANNUAL or _ANNUAL1
	setup    map[int]string
}

// pricesFrom reads the PRICE_CLASS_SSLCERT_<CLASS>_<KIND> relations. KIND is ANNUAL, ANNUALn, SETUP,
// SETUPn or CURRENCY; other kinds are ignored. A class without a currency or with an unreadable
// annual fee is left out rather than guessed.
func pricesFrom(rels []Relation) []Price {
	classes := map[string]*priceParts{}
	var order []string
	for _, rel := range rels {
		t := strings.ToUpper(rel.Type)
		if !strings.HasPrefix(t, sslPricePrefix) {
			continue
		}
		rest := t[len(sslPricePrefix):]
		cut := strings.LastIndexByte(rest, '_')
		if cut <= 0 {
			continue
		}
		class, kind := rest[:cut], rest[cut+1:]
		p := classes[class]
		if p == nil {
			p = &priceParts{annual: map[int]string{}, setup: map[int]string{}}
			classes[class] = p
			order = append(order, class)
		}
		switch {
		case kind == "CURRENCY":
			p.currency = strings.ToUpper(strings.TrimSpace(rel.Value))
		case strings.HasPrefix(kind, "ANNUAL"):
			if n, ok := periodSuffix(kind[len("ANNUAL"):]); ok {
				p.annual[n] = rel.Value
			}
		case strings.HasPrefix(kind, "SETUP"):
			if n, ok := periodSuffix(kind[len("SETUP"):]); ok {
				p.setup[n] = rel.Value
			}
		}
	}
	var out []Price
	for _, class := range order {
		p := classes[class]
		if p.currency == "" {
			continue
		}
		for period := 1; period <= 10; period++ {
			av, ok := p.annual[period]
			if !ok {
				continue
			}
			annual, err := parseAmount(av, p.currency)
			if err != nil || annual.Minor < 0 {
				continue
			}
			sv, ok := p.setup[period]
			if !ok {
				sv = p.setup[1]
			}
			setup := amountOrZero(sv, p.currency)
			if setup.Minor < 0 {
				setup.Minor = 0
			}
			if annual.Minor > math.MaxInt64/32 || setup.Minor > math.MaxInt64/2 {
				continue // not a price; and the sum below must not overflow
			}
			out = append(out, Price{
				Class: class, Period: period, Annual: annual, Setup: setup,
				Cost: money.Amount{Currency: p.currency, Minor: setup.Minor + int64(period)*annual.Minor},
			})
		}
	}
	sortPrices(out)
	return out
}

// periodSuffix reads the number after ANNUAL or SETUP: "" is one year.
func periodSuffix(s string) (int, bool) {
	if s == "" {
		return 1, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 10 {
		return 0, false
	}
	return n, true
}

func sortPrices(ps []Price) {
	slices.SortFunc(ps, func(a, b Price) int {
		return cmp.Or(cmp.Compare(a.Class, b.Class), cmp.Compare(a.Period, b.Period))
	})
}

// CSRDetails is HEXONET's reading of a CSR (ParseSSLCertCSR).
type CSRDetails struct {
	// CommonName is CN; AlternateNames the subject alternative names (ALTERNATECN).
	CommonName     string
	AlternateNames []string
	// Subject fields as HEXONET reads them.
	Country, State, Locality, Organization, OrganizationalUnit, Street, Email string
	// IsCA is CACRT: the request asks for a CA certificate (never acceptable).
	IsCA bool
	// RSAKeyBits is RSAPUBLICKEYBITS; 0 for other keys or when absent.
	RSAKeyBits int
}

// parseCSRDetails reads a ParseSSLCertCSR answer.
func parseCSRDetails(body []byte) (*CSRDetails, error) {
	r, err := okResponse(body)
	if err != nil {
		return nil, err
	}
	return &CSRDetails{
		CommonName:         r.First("CN"),
		AlternateNames:     nonEmpty(r.Property("ALTERNATECN")),
		Country:            r.First("C"),
		State:              r.First("ST"),
		Locality:           r.First("L"),
		Organization:       r.First("O"),
		OrganizationalUnit: r.First("OU"),
		Street:             r.First("STREET"),
		Email:              r.First("EMAILADDRESS"),
		IsCA:               r.bool("CACRT"),
		RSAKeyBits:         r.int("RSAPUBLICKEYBITS"),
	}, nil
}

// Approver is one address HEXONET offers for e-mail validation.
type Approver struct {
	// Email is the address.
	Email string
	// Level is where it comes from: WHOIS, GENERIC (constructed) or MANUAL (the CA's own).
	Level string
}

// constructedLocalParts are the local parts of the addresses the CA/Browser Forum still allows for
// e-mail validation (design.md: WHOIS addresses ended on 2025-07-15).
var constructedLocalParts = map[string]bool{"admin": true, "administrator": true, "hostmaster": true, "postmaster": true, "webmaster": true}

// Constructed reports whether the address is one of the constructed approver addresses (admin@,
// administrator@, hostmaster@, postmaster@, webmaster@), the only ones a caller should offer.
func (a Approver) Constructed() bool {
	local, _, ok := strings.Cut(strings.ToLower(a.Email), "@")
	return ok && constructedLocalParts[local]
}

// parseApprovers reads a QuerySSLCertDCVEMailAddressList answer, zipping EMAIL with LEVEL. Repeated
// addresses (HEXONET lists one several times when it comes from several sources) are kept once, with
// the level first seen.
func parseApprovers(body []byte) ([]Approver, error) {
	r, err := okResponse(body)
	if err != nil {
		return nil, err
	}
	emails, levels := r.Property("EMAIL"), r.Property("LEVEL")
	seen := map[string]bool{}
	var out []Approver
	for i, e := range emails {
		e = strings.TrimSpace(e)
		if e == "" || seen[strings.ToLower(e)] {
			continue
		}
		seen[strings.ToLower(e)] = true
		a := Approver{Email: e}
		if i < len(levels) {
			a.Level = strings.ToUpper(strings.TrimSpace(levels[i]))
		}
		out = append(out, a)
	}
	return out, nil
}

// The domain control validation methods of VALIDATIONn.
const (
	ValidationEmail = "EMAIL"
	ValidationDNS   = "DNSZONE"
	ValidationURL   = "URL"
)

// Validation is the domain control validation of one name, with what the client must do.
type Validation struct {
	// Domain is the name validated (from DOMAIN at the same index), when HEXONET says.
	Domain string
	// Method is ValidationEmail, ValidationDNS or ValidationURL.
	Method string
	// Email is the approver address for e-mail validation.
	Email string
	// URL and URLContent are the file to publish for URL validation.
	URL, URLContent string
	// DNS is the record to publish for DNS validation; DNSRR is it as sent ("<host> <type> <value>").
	DNS   DNSRecord
	DNSRR string
}

// DNSRecord is a resource record to publish.
type DNSRecord struct {
	// Host is the owner name, Type the record type (upper case, e.g. CNAME), Value the data.
	Host, Type, Value string
}

// parseDNSRR reads HEXONET's VALIDATIONDNSRR ("<host> <type> <value>", blanks between), also with a
// TTL and the class IN between host and type. ok is false when the text is not such a record.
func parseDNSRR(s string) (DNSRecord, bool) {
	f := strings.Fields(s)
	if len(f) < 3 {
		return DNSRecord{}, false
	}
	rec := DNSRecord{Host: f[0]}
	i := 1
	for i < len(f)-1 && (digits(f[i]) || strings.EqualFold(f[i], "IN")) {
		i++
	}
	if i >= len(f)-1 {
		return DNSRecord{}, false
	}
	rec.Type = strings.ToUpper(f[i])
	rec.Value = strings.Trim(strings.Join(f[i+1:], " "), `"`)
	return rec, true
}

// validationsFrom zips the VALIDATION* properties by index with DOMAIN.
func validationsFrom(r *Response) []Validation {
	domains := r.Property("DOMAIN")
	methods, emails := r.Property("VALIDATION"), r.Property("VALIDATIONEMAIL")
	rrs, urls, contents := r.Property("VALIDATIONDNSRR"), r.Property("VALIDATIONURL"), r.Property("VALIDATIONURLCONTENT")
	n := max(len(methods), len(emails), len(rrs), len(urls), len(contents))
	at := func(s []string, i int) string {
		if i < len(s) {
			return strings.TrimSpace(s[i])
		}
		return ""
	}
	var out []Validation
	for i := range n {
		v := Validation{
			Domain:     at(domains, i),
			Method:     strings.ToUpper(at(methods, i)),
			Email:      at(emails, i),
			URL:        at(urls, i),
			URLContent: at(contents, i),
			DNSRR:      at(rrs, i),
		}
		if v.Method == "" && v.Email == "" && v.URL == "" && v.DNSRR == "" {
			continue
		}
		if v.Method == "" {
			switch {
			case v.DNSRR != "":
				v.Method = ValidationDNS
			case v.URL != "":
				v.Method = ValidationURL
			default:
				v.Method = ValidationEmail
			}
		}
		if v.DNSRR != "" {
			v.DNS, _ = parseDNSRR(v.DNSRR)
		}
		out = append(out, v)
	}
	return out
}

// Certificate is an SSL certificate object as CreateSSLCert, StatusSSLCert and RenewSSLCert return it.
type Certificate struct {
	// ID is HEXONET's SSLCERTID, an opaque string (numeric or alphanumeric).
	ID string
	// Class is the SSLCERTCLASS.
	Class string
	// RawStatus is HEXONET's STATUS; Status its neutral mapping.
	RawStatus string
	Status    Status
	// StatusDetails is STATUSDETAILS, URL-decoded when it was encoded.
	StatusDetails string
	// CommonName is SSLCERTCN (or CN); Domains the names of the order (DOMAIN[]); AlternateNames the
	// subject alternative names (ALTERNATECN[]).
	CommonName     string
	Domains        []string
	AlternateNames []string
	// CertificatePEM and ChainPEM are the issued certificate (CRT) and the CA chain (CACRT), rebuilt from
	// one PEM line per index; empty until issued.
	CertificatePEM, ChainPEM string
	// CSRPEM is the request HEXONET holds.
	CSRPEM string
	// PrivateKeyPEM is set only when HEXONET generated the key (PEM); the caller must seal it at once.
	// It never reaches the call log.
	PrivateKeyPEM string
	// Created, Updated and Expires are CREATEDDATE, UPDATEDDATE and EXPIRATIONDATE (UTC).
	Created, Updated, Expires time.Time
	// OrderReference is the CA's order number (ORDERREFERENCE).
	OrderReference string
	// ServerSoftware is SERVERSOFTWARE.
	ServerSoftware string
	// Validations are the domain control validations, one per name.
	Validations []Validation
	// OldID and OldExpires are set by RenewSSLCert: the certificate this one renews (OLD-SSLCERTID,
	// OLD-EXPIRATIONDATE).
	OldID      string
	OldExpires time.Time
	// Response is the whole answer, for properties not mapped here (contacts, order data).
	Response *Response
}

// parseCertificate reads a certificate object (CreateSSLCert, StatusSSLCert, RenewSSLCert). An answer
// without SSLCERTID is malformed: the caller could not follow the order up.
func parseCertificate(body []byte) (*Certificate, error) {
	r, err := okResponse(body)
	if err != nil {
		return nil, err
	}
	return certificateFrom(r)
}

// certificateFrom maps a success response to a Certificate.
func certificateFrom(r *Response) (*Certificate, error) {
	c := &Certificate{
		ID:             strings.TrimSpace(r.First("SSLCERTID")),
		Class:          strings.ToUpper(strings.TrimSpace(r.First("SSLCERTCLASS"))),
		RawStatus:      strings.ToUpper(strings.TrimSpace(r.First("STATUS"))),
		StatusDetails:  decodeDetails(r.First("STATUSDETAILS")),
		CommonName:     firstNonEmpty(r.First("SSLCERTCN"), r.First("CN"), r.First("SSLCERTDOMAIN")),
		Domains:        nonEmpty(r.Property("DOMAIN")),
		AlternateNames: nonEmpty(r.Property("ALTERNATECN")),
		CertificatePEM: r.pem("CRT"),
		ChainPEM:       r.pem("CACRT"),
		CSRPEM:         r.pem("CSR"),
		PrivateKeyPEM:  r.pem("PEM"),
		Created:        r.time("CREATEDDATE"),
		Updated:        r.time("UPDATEDDATE"),
		Expires:        r.time("EXPIRATIONDATE"),
		OrderReference: r.First("ORDERREFERENCE"),
		ServerSoftware: r.First("SERVERSOFTWARE"),
		Validations:    validationsFrom(r),
		OldID:          strings.TrimSpace(r.First("OLD-SSLCERTID")),
		OldExpires:     r.time("OLD-EXPIRATIONDATE"),
		Response:       r,
	}
	if c.ID == "" {
		c.ID = strings.TrimSpace(r.First("ORDERDATA"))
	}
	if c.ID == "" {
		return nil, malformed("the certificate object has no SSLCERTID")
	}
	c.Status = MapStatus(c.RawStatus)
	return c, nil
}

// decodeDetails URL-decodes STATUSDETAILS when it is encoded (the official module does so).
func decodeDetails(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	if d, err := url.PathUnescape(s); err == nil {
		return d
	}
	return s
}

// ReissueResult is the answer to ReissueSSLCert: the names and what validating them takes. The new
// certificate is collected with StatusSSLCert under the same ID.
type ReissueResult struct {
	// Domains are the names of the reissue (DOMAIN[]).
	Domains []string
	// Validations are the validations to do, one per name.
	Validations []Validation
	// Response is the whole answer.
	Response *Response
}

// parseReissue reads a ReissueSSLCert answer.
func parseReissue(body []byte) (*ReissueResult, error) {
	r, err := okResponse(body)
	if err != nil {
		return nil, err
	}
	return &ReissueResult{Domains: nonEmpty(r.Property("DOMAIN")), Validations: validationsFrom(r), Response: r}, nil
}

// parseEmpty reads an answer that carries no properties (RevokeSSLCert, ResendSSLCertEmail).
func parseEmpty(body []byte) error {
	_, err := okResponse(body)
	return err
}

// CertificateList is the answer to QuerySSLCertList: one page of certificates.
type CertificateList struct {
	// First, Last, Count, Total and Limit are the paging properties.
	First, Last, Count, Total, Limit int
	// Certificates are the rows of this page.
	Certificates []ListedCertificate
}

// ListedCertificate is one row of QuerySSLCertList (WIDE=1).
type ListedCertificate struct {
	// ID, Class and CommonName are SSLCERTID, SSLCERTCLASS and SSLCERTCN.
	ID, Class, CommonName string
	// RawStatus is SSLCERTSTATUS; Status its neutral mapping.
	RawStatus string
	Status    Status
	// Created, Updated and Expires are the row's dates (UTC).
	Created, Updated, Expires time.Time
	// User is the HEXONET user that owns the certificate.
	User string
}

// parseCertificateList reads a QuerySSLCertList answer; rows are as many as SSLCERTID values.
func parseCertificateList(body []byte) (*CertificateList, error) {
	r, err := okResponse(body)
	if err != nil {
		return nil, err
	}
	l := &CertificateList{First: r.int("FIRST"), Last: r.int("LAST"), Count: r.int("COUNT"), Total: r.int("TOTAL"), Limit: r.int("LIMIT")}
	ids := r.Property("SSLCERTID")
	classes, cns, statuses := r.Property("SSLCERTCLASS"), r.Property("SSLCERTCN"), r.Property("SSLCERTSTATUS")
	created, updated, expires, users := r.Property("SSLCERTCREATEDDATE"), r.Property("SSLCERTUPDATEDDATE"), r.Property("SSLCERTEXPIRATIONDATE"), r.Property("USER")
	at := func(s []string, i int) string {
		if i < len(s) {
			return strings.TrimSpace(s[i])
		}
		return ""
	}
	tm := func(s []string, i int) time.Time {
		t, err := parseTime(at(s, i))
		if err != nil {
			return time.Time{}
		}
		return t
	}
	for i, id := range ids {
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		raw := strings.ToUpper(at(statuses, i))
		l.Certificates = append(l.Certificates, ListedCertificate{
			ID: id, Class: strings.ToUpper(at(classes, i)), CommonName: at(cns, i),
			RawStatus: raw, Status: MapStatus(raw),
			Created: tm(created, i), Updated: tm(updated, i), Expires: tm(expires, i),
			User: at(users, i),
		})
	}
	if !r.Has("COUNT") {
		l.Count = len(l.Certificates)
	}
	return l, nil
}

// nonEmpty returns the trimmed non-empty values.
func nonEmpty(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
