package enomsim

import (
	"crypto/rand"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sslreseller/sslreseller/internal/pki"
)

// Errors shared by the certificate commands (the numbers follow Enom's scheme: system · error ·
// parameter, 397 being the SSL certificate).
const (
	numMissingCert  = "301397"
	numInvalidCert  = "304397"
	numCertNotFound = "316397"
	numWrongStatus  = "306397"
	numNotAvailable = "715397"
	numDeclined     = "714397"
)

// ownCert finds the CertID of the request among the account's certificates. Another account's
// certificate is answered like a missing one.
func (s *Sim) ownCert(cmd string, a *account, p params) (*cert, *reply) {
	id := p.get("CertID")
	if id == "" {
		return nil, fail(cmd, "CertID is required", numMissingCert, "Validation error; missing ; ssl certificate")
	}
	c := s.certs[atoi(id)]
	if c == nil || !strings.EqualFold(c.uid, a.UID) {
		return nil, fail(cmd, "Certificate not found: CertID "+id, numCertNotFound, "Validation error; not found ; ssl certificate")
	}
	return c, nil
}

func wrongStatus(cmd, what string, c *cert) *reply {
	return fail(cmd, what+" (the certificate's status is "+statusTexts[c.statusID]+")", numWrongStatus,
		"Validation error; policy violation ; ssl certificate")
}

func (s *Sim) getBalance(cmd string, a *account) *reply {
	return &reply{command: cmd, fields: []el{
		leaf("Reseller", "1"),
		leaf("Balance", money(a.balance)),
		leaf("AvailableBalance", money(a.balance)),
		leaf("Price", "8.95"),
		leaf("COMPrice", "8.95"),
		leaf("NETPrice", "8.95"),
		leaf("ORGPrice", "8.95"),
		leaf("DomainCount", "0"),
	}}
}

func (s *Sim) getCerts(cmd string) *reply {
	certs := make([]el, 0, len(catalogue))
	for i, p := range catalogue {
		kids := []el{
			leaf("ProdCode", p.code),
			intLeaf("ProdType", p.prodType),
			leaf("ProdDesc", p.desc),
			leaf("QtyDesc", "Year(s)"),
			leaf("RetailPrice", price(p.retail)),
			leaf("ResellerPrice", price(p.reseller)),
			leaf("Enabled", "True"),
		}
		for y := 1; y <= p.maxYears; y++ {
			kids = append(kids, intLeaf("Years", y))
		}
		certs = append(certs, group("Cert"+strconv.Itoa(i+1), kids...))
	}
	return &reply{command: cmd, fields: []el{
		group("GetCerts", leaf("Reseller", "True"), group("Certs", certs...)),
		intLeaf("CertCount", len(catalogue)),
	}}
}

func (s *Sim) purchaseServices(cmd string, a *account, p params, now time.Time) *reply {
	service := p.get("Service")
	if service == "" {
		return fail(cmd, "Service is required", "301182", "Validation error; missing ; product type")
	}
	prod, ok := productByCode(service)
	if !ok {
		return fail(cmd, "Invalid Service: "+service, "304182", "Validation error; invalid ; product type")
	}
	years := 1
	if v := p.get("NumYears"); v != "" {
		years = atoi(v)
		if years < 1 || years > prod.maxYears {
			return fail(cmd, "NumYears must be from 1 to "+strconv.Itoa(prod.maxYears)+" for "+prod.desc, "303197",
				"Validation error; out of range ; years")
		}
	}
	cost := prod.reseller * int64(years)
	if a.balance < cost {
		return fail(cmd, "Insufficient funds in the reseller account to complete this purchase", "524181",
			"Payment error; insufficient reseller balance ; account balance")
	}
	a.balance -= cost
	c := &cert{
		id: s.nextCertID, orderID: s.nextOrderID, orderDetailID: s.nextOrderID - 81700000,
		uid: a.UID, product: prod, years: years, price: cost, statusID: 1, orderDate: now.UTC(),
	}
	s.nextCertID++
	s.nextOrderID++
	s.certs[c.id] = c
	s.purchases++
	return &reply{command: cmd, fields: []el{
		leaf("Success", "True"),
		leaf("ProductType", prod.desc),
		leaf("ActionType", "Create"),
		intLeaf("CertID", c.id),
		intLeaf("OrderID", c.orderID),
	}}
}

// expiration is the certificate's end: the issued certificate's, else the end of the term bought.
func (c *cert) expiration() time.Time {
	if c.issued != nil {
		return c.issued.NotAfter
	}
	return c.orderDate.AddDate(c.years, 0, 0)
}

// listDate reads the MM/DD/YYYY filters of CertGetCerts.
func listDate(v string) (time.Time, bool) {
	for _, l := range []string{"01/02/2006", "1/2/2006"} {
		if t, err := time.Parse(l, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func (s *Sim) certGetCerts(cmd string, a *account, p params, now time.Time) *reply {
	prodType := atoi(p.get("ProdType"))
	statusID := atoi(p.get("CertStatusID"))
	contains := strings.ToLower(p.get("DomainNameContains"))
	var bounds [4]time.Time
	for i, name := range []string{"OrderDateStart", "OrderDateEnd", "ExpirationDateStart", "ExpirationDateEnd"} {
		if v := p.get(name); v != "" {
			t, ok := listDate(v)
			if !ok {
				return fail(cmd, "Invalid date in "+name+"; use MM/DD/YYYY", "304217", "Validation error; invalid ; date")
			}
			bounds[i] = t
		}
	}
	inRange := func(t, from, to time.Time) bool {
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		return (from.IsZero() || !day.Before(from)) && (to.IsZero() || !day.After(to))
	}
	var all, list []*cert
	for _, c := range s.certs {
		if !strings.EqualFold(c.uid, a.UID) {
			continue
		}
		all = append(all, c)
		if (prodType != 0 && c.product.prodType != prodType) || (statusID != 0 && c.statusID != statusID) ||
			(contains != "" && !strings.Contains(c.domain(), contains)) ||
			!inRange(c.orderDate, bounds[0], bounds[1]) || !inRange(c.expiration(), bounds[2], bounds[3]) {
			continue
		}
		list = append(list, c)
	}
	sortBy := strings.ToLower(p.get("SortBy"))
	desc := strings.EqualFold(p.get("SortByDirection"), "desc")
	sort.Slice(list, func(i, j int) bool {
		x, y := list[i], list[j]
		if desc {
			x, y = y, x
		}
		switch sortBy {
		case "domain":
			if x.domain() != y.domain() {
				return x.domain() < y.domain()
			}
		case "certstatus":
			if x.statusID != y.statusID {
				return x.statusID < y.statusID
			}
		case "expiration":
			if !x.expiration().Equal(y.expiration()) {
				return x.expiration().Before(y.expiration())
			}
		}
		return x.id < y.id
	})
	start := max(atoi(p.get("StartPosition")), 1)
	size := atoi(p.get("PagingPageSize"))
	if size <= 0 {
		size = 25
	}
	size = min(size, 250)
	page := []*cert{}
	if start-1 < len(list) {
		page = list[start-1 : min(start-1+size, len(list))]
	}
	rows := make([]el, 0, len(page)+8)
	for _, c := range page {
		domainCount := ""
		if c.product.multiDomain {
			domainCount = "100"
		}
		rows = append(rows, group("Cert",
			leaf("IsExpired", boolText(now.After(c.expiration()))),
			intLeaf("CertID", c.id),
			leaf("OrderDate", usDate(c.orderDate)),
			leaf("ConfigDate", optDate(c.configDate)),
			cdataLeaf("DomainName", c.domain()),
			intLeaf("ValidityPeriod", c.years*12),
			leaf("RenewalIndicator", "False"),
			intLeaf("ProdType", c.product.prodType),
			leaf("ProdDesc", c.product.desc),
			leaf("ExpirationDate", usDate(c.expiration())),
			leaf("ServerCount", "1"),
			leaf("CertStatus", statusTexts[c.statusID]),
			intLeaf("CertStatusID", c.statusID),
			intLeaf("OrderID", c.orderID),
			leaf("DomainCountAllowed", domainCount),
			leaf("ReissueStatus", c.reissueStatus),
		))
	}
	echo := func(n int) string {
		if n == 0 {
			return "all"
		}
		return strconv.Itoa(n)
	}
	dir := "asc"
	if desc {
		dir = "desc"
	}
	rows = append(rows,
		leaf("ProductType", echo(prodType)),
		leaf("StatusID", echo(statusID)),
		intLeaf("StartPosition", start),
		intLeaf("PagingPageSize", size),
		intLeaf("Count", len(page)),
		leaf("Sortby", p.get("SortBy")),
		leaf("SortByDirection", dir),
		intLeaf("TotalRecords", len(list)),
	)
	return &reply{command: cmd, fields: []el{
		group("CertGetCerts", group("Certs", rows...)),
		intLeaf("TotalCertCount", len(all)),
	}}
}

// contactFields are the fields of one contact of CertConfigureCert, and which are required.
var contactFields = []struct {
	name     string
	required bool
}{
	{"FName", true}, {"LName", true}, {"OrgName", false}, {"JobTitle", false}, {"Address1", true},
	{"Address2", false}, {"City", true}, {"State", false}, {"Province", false}, {"StateProvinceChoice", false},
	{"PostalCode", true}, {"Country", true}, {"Phone", true}, {"PhoneExt", false}, {"Fax", false},
	{"EmailAddress", true},
}

// phoneFormat is Enom's +CountryCode.PhoneNumber.
var phoneFormat = regexp.MustCompile(`^\+[0-9]{1,3}\.[0-9]{4,14}$`)

// phoneNumbers are the parameter bits of each contact's phone in Enom's error numbering.
var phoneNumbers = map[string]string{"Admin": "304068", "Tech": "304067", "Billing": "304069"}

// scenarioLabel is the first label of a domain (after a wildcard), which names its scenario.
func scenarioLabel(domain string) string {
	label, _, _ := strings.Cut(strings.TrimPrefix(domain, "*."), ".")
	return label
}

var pollsLabel = regexp.MustCompile(`^polls([0-9]{1,3})$`)

func (s *Sim) certConfigureCert(cmd string, a *account, p params, now time.Time) *reply {
	c, rep := s.ownCert(cmd, a, p)
	if rep != nil {
		return rep
	}
	if c.statusID != 1 && c.statusID != 6 {
		return wrongStatus(cmd, "The certificate can be configured only while it awaits configuration", c)
	}
	wst := p.get("WebServerType")
	if wst == "" {
		return fail(cmd, "WebServerType is required", "301000", "Validation error; missing ; webservertype")
	}
	if n, err := strconv.Atoi(wst); err != nil || !validWebServerType(c.product, n) {
		return fail(cmd, "Invalid WebServerType "+wst+" for "+c.product.desc, "304000", "Validation error; invalid ; webservertype")
	}
	csr := strings.TrimSpace(p.raw("CSR"))
	if csr == "" {
		return fail(cmd, "CSR is required", numMissingCert, "Validation error; missing ; csr")
	}
	info, err := pki.ParseCSR([]byte(csr))
	if err != nil {
		return fail(cmd, "Invalid CSR: "+err.Error(), numInvalidCert, "Validation error; invalid ; csr")
	}
	names, rep := s.certNames(cmd, c.product, info, p)
	if rep != nil {
		return rep
	}
	contacts := map[string]map[string]string{}
	for _, typ := range []string{"Admin", "Tech", "Billing"} {
		fields := map[string]string{}
		for _, f := range contactFields {
			v := p.get(typ + f.name)
			if v == "" && f.required {
				return fail(cmd, typ+f.name+" is required", "301000", "Validation error; missing ; "+strings.ToLower(typ+f.name))
			}
			fields[f.name] = v
		}
		if !phoneFormat.MatchString(fields["Phone"]) {
			return fail(cmd, "Invalid phone number format for "+typ+"Phone; use +CountryCode.PhoneNumber", phoneNumbers[typ],
				"Validation error; invalid ; "+strings.ToLower(typ)+" phone")
		}
		if fields["Fax"] != "" && !phoneFormat.MatchString(fields["Fax"]) {
			return fail(cmd, "Invalid fax number format for "+typ+"Fax; use +CountryCode.PhoneNumber", "304011",
				"Validation error; invalid ; fax")
		}
		contacts[typ] = fields
	}
	c.csr = string(info.PEM)
	c.names = names
	c.subject = info.Subject
	c.webServerType = atoi(wst)
	c.contacts = contacts
	c.configured = true
	c.configDate = now.UTC()
	c.statusID = 1
	c.approverEmail, c.dvMethod = "", ""
	label := scenarioLabel(c.domain())
	c.slow = label == "slow"
	c.failLeft, c.malformLeft = 0, 0
	if label == "flaky" {
		c.failLeft = 2
	}
	if label == "malformed" {
		c.malformLeft = 1
	}
	kids := []el{
		intLeaf("CertID", c.id),
		intLeaf("ProdType", c.product.prodType),
		csrData(info, c.domain()),
		leaf("ApproverEmail", ""),
		leaf("Success", "True"),
	}
	kids = append(kids, approverEls(c.domain())...)
	return &reply{command: cmd, fields: []el{group("CertConfigureCert", kids...)}}
}

// certNames returns the names to certify, in order: the CSR's common name first, then (single-name
// products) its www. or bare twin when the CSR has it, or (UCC) the CSR's other names and the
// UCCDomainList entries.
func (s *Sim) certNames(cmd string, prod product, info *pki.CSRInfo, p params) ([]string, *reply) {
	cn := strings.ToLower(strings.TrimSpace(info.CommonName))
	if cn == "" && len(info.Names) > 0 {
		cn = info.Names[0]
	}
	if cn == "" {
		return nil, fail(cmd, "Invalid CSR: it has no common name", numInvalidCert, "Validation error; invalid ; csr")
	}
	wild := strings.HasPrefix(cn, "*.")
	if prod.wildcard && !wild {
		return nil, fail(cmd, "Invalid CSR: the common name must be a wildcard name such as *.example.com for "+prod.desc,
			numInvalidCert, "Validation error; invalid ; csr")
	}
	if !prod.wildcard && wild {
		return nil, fail(cmd, "Invalid CSR: "+prod.desc+" does not cover wildcard names", numInvalidCert, "Validation error; invalid ; csr")
	}
	names := []string{cn}
	seen := map[string]bool{cn: true}
	add := func(n string) {
		n = strings.ToLower(strings.TrimSpace(n))
		if n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	if prod.multiDomain {
		for _, n := range info.Names {
			add(n)
		}
		count := atoi(p.get("DomainListNumber"))
		for i := 1; i <= count && i <= 100; i++ {
			add(p.get("UCCDomainList" + strconv.Itoa(i)))
		}
	} else {
		twin := "www." + cn
		if strings.HasPrefix(cn, "www.") {
			twin = strings.TrimPrefix(cn, "www.")
		}
		for _, n := range info.Names {
			if n == twin {
				add(n)
			}
		}
	}
	if len(names) > 100 {
		return nil, fail(cmd, "Too many domains: at most 100", "303153", "Validation error; out of range ; domain name")
	}
	for _, n := range names {
		if err := pki.CheckDNSName(n); err != nil {
			return nil, fail(cmd, "Invalid domain name: "+err.Error(), "304153", "Validation error; invalid ; domain name")
		}
	}
	return names, nil
}

// csrData is the CSRData block of CertConfigureCert.
func csrData(info *pki.CSRInfo, domain string) el {
	return group("CSRData",
		leaf("Success", "True"),
		leaf("Organization", info.Subject.Organization),
		leaf("DomainName", domain),
		leaf("Email", info.Subject.Email),
		leaf("HasBadExtensions", "false"),
		leaf("Locality", info.Subject.Locality),
		leaf("OrganizationUnit", info.Subject.OrganizationalUnit),
		leaf("State", info.Subject.Province),
		leaf("Country", info.Subject.Country),
	)
}

// approverEls is the Approver list of a domain, ending with the empty Manual entry Enom writes.
func approverEls(domain string) []el {
	var out []el
	for _, email := range approversFor(domain) {
		e := group("Approver", leaf("ApproverEmail", email))
		e.attrs = [][2]string{{"Type", "Generic"}}
		out = append(out, e)
	}
	return append(out, el{name: "Approver", attrs: [][2]string{{"Type", "Manual"}}})
}

func (s *Sim) certGetApproverEmail(cmd string, a *account, p params) *reply {
	c, rep := s.ownCert(cmd, a, p)
	if rep != nil {
		return rep
	}
	domain := strings.ToLower(p.get("Domain"))
	if domain == "" {
		domain = c.domain()
	}
	if domain == "" {
		return fail(cmd, "Domain is required until the certificate is configured", "301153", "Validation error; missing ; domain name")
	}
	if err := pki.CheckDNSName(strings.TrimPrefix(domain, "*.")); err != nil {
		return fail(cmd, "Invalid domain name: "+err.Error(), "304153", "Validation error; invalid ; domain name")
	}
	kids := append([]el{leaf("Success", "True")}, approverEls(domain)...)
	return &reply{command: cmd, fields: []el{group("CertGetApproverEMail", kids...)}}
}

func (s *Sim) certParseCSR(cmd string, a *account, p params) *reply {
	if p.get("CertID") != "" {
		if _, rep := s.ownCert(cmd, a, p); rep != nil {
			return rep
		}
	}
	csr := strings.TrimSpace(p.raw("CSR"))
	if csr == "" {
		return fail(cmd, "CSR is required", numMissingCert, "Validation error; missing ; csr")
	}
	info, err := pki.ParseCSR([]byte(csr))
	if err != nil {
		return fail(cmd, "Unable to parse the CSR: "+err.Error(), numInvalidCert, "Validation error; invalid ; csr")
	}
	cn := info.CommonName
	if cn == "" && len(info.Names) > 0 {
		cn = info.Names[0]
	}
	return &reply{command: cmd, fields: []el{group("CertParseCSR",
		leaf("Success", "True"),
		leaf("Organization", info.Subject.Organization),
		leaf("DomainName", cn),
		leaf("Email", info.Subject.Email),
		leaf("HasBadExtensions", "False"),
		leaf("Locality", info.Subject.Locality),
		leaf("OrganizationUnit", info.Subject.OrganizationalUnit),
		leaf("State", info.Subject.Province),
		leaf("Country", info.Subject.Country),
	)}}
}

func (s *Sim) certPurchaseCert(cmd string, a *account, p params, now time.Time) *reply {
	c, rep := s.ownCert(cmd, a, p)
	if rep != nil {
		return rep
	}
	if c.statusID != 1 || !c.configured {
		return wrongStatus(cmd, "The certificate must be configured with CertConfigureCert before it is purchased", c)
	}
	domain := c.domain()
	method := p.get("DVAuthMethod")
	switch strings.ToLower(method) {
	case "", "email":
		approver := strings.ToLower(p.get("ApproverEmail"))
		if approver == "" {
			return fail(cmd, "ApproverEmail is required", "301012", "Validation error; missing ; email")
		}
		if !contains(approversFor(domain), approver) {
			return fail(cmd, "Invalid approver email address for "+domain, "304012", "Validation error; invalid ; email")
		}
		if !pki.EmailDCVAllowed(now) {
			return fail(cmd, "E-mail validation is no longer offered; use the File or DNS method", numNotAvailable,
				"Policy error; not available ; email")
		}
		c.approverEmail, c.dvMethod = approver, ""
		c.fileName, c.fileContents, c.dnsEntry, c.dnsAddress = "", "", "", ""
	case "file", "dns":
		if !c.product.fileDNS {
			return fail(cmd, "DVAuthMethod "+method+" is available for RapidSSL and QuickSSL certificates only", numNotAvailable,
				"Policy error; not available ; ssl certificate")
		}
		token := now.UTC().Format("20060102150405") + randomHex(16)
		c.approverEmail = ""
		c.fileName, c.fileContents, c.dnsEntry, c.dnsAddress = "", "", "", ""
		if strings.EqualFold(method, "file") {
			c.dvMethod, c.fileName, c.fileContents = "File", "fileauth.txt", token
		} else {
			c.dvMethod, c.dnsEntry, c.dnsAddress = "DNS", "@", token
		}
	default:
		return fail(cmd, "Invalid DVAuthMethod "+method+"; use Email, File or DNS", "304000", "Validation error; invalid ; dvauthmethod")
	}
	if c.product.validation != pki.ValidationDV {
		admin := c.contacts["Admin"]
		org := first(p.get("CSROrganization"), c.subject.Organization, admin["OrgName"])
		country := strings.ToUpper(first(p.get("CSRCountry"), c.subject.Country, admin["Country"]))
		if org == "" || country == "" {
			return fail(cmd, "The organization name and country are required for "+c.product.desc, "301009",
				"Validation error; missing ; organization")
		}
		c.organization = pki.Subject{Organization: org, Country: country,
			Province: first(p.get("CSRStateProvince"), c.subject.Province), Locality: first(p.get("CSRLocality"), c.subject.Locality)}
	}
	label := scenarioLabel(domain)
	if label == "blocked" {
		return fail(cmd, "The certificate authority declined the order for "+domain, numDeclined, "Policy error; declined ; ssl certificate")
	}
	c.pollsToIssue = s.pollsToIssue
	if m := pollsLabel.FindStringSubmatch(label); m != nil {
		c.pollsToIssue = atoi(m[1])
	}
	if n, ok := s.domainPolls[domain]; ok {
		c.pollsToIssue = n
	}
	c.reject = label == "reject" || s.rejectDomains[domain]
	c.polls = 0
	c.geoTrustOrderID = 0
	if !c.product.comodo {
		n, _ := rand.Int(rand.Reader, big.NewInt(90000000))
		c.geoTrustOrderID = 10000000 + int(n.Int64())
	}
	c.statusID = 2
	if c.product.comodo {
		c.statusID = 9
	}
	if c.pollsToIssue <= 0 {
		s.finish(c, now)
	}
	return &reply{command: cmd, fields: []el{group("CertPurchaseCert",
		leaf("Success", "True"),
		optIntLeaf("GeoTrustOrderID", c.geoTrustOrderID),
		leaf("ApproverEmail", c.approverEmail),
		leaf("DVAuthMethod", c.dvMethod),
		leaf("FileAuthName", c.fileName),
		leaf("FileAuthContents", c.fileContents),
		leaf("DNSAuthEntry", c.dnsEntry),
		leaf("DNSAuthAddress", c.dnsAddress),
		intLeaf("CertID", c.id),
	)}}
}

func first(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// finish ends validation: rejected by the approver, or issued from the simulator CA for the CSR's
// key and the ordered names, valid for the term bought but never longer than the industry maximum.
func (s *Sim) finish(c *cert, now time.Time) {
	c.reissuing = false
	if c.reject {
		c.statusID = 6
		c.configured = false
		return
	}
	issued, err := s.ca.Issue(pki.IssueRequest{
		CSRPEM:       []byte(c.csr),
		Names:        c.names,
		NotBefore:    now,
		Validity:     time.Duration(c.years) * 365 * 24 * time.Hour,
		Validation:   c.product.validation,
		Organization: c.organization,
	})
	if err != nil {
		c.statusID = 6
		c.configured = false
		c.reissueStatus = ""
		return
	}
	c.issued = issued
	c.statusID = 4
	if c.reissueStatus != "" {
		c.reissueStatus = "Completed"
	}
}

// submitted reports whether the certificate is with the CA, waiting for validation.
func (c *cert) submitted() bool { return c.statusID == 2 || c.statusID == 9 || c.statusID == 10 }

func (s *Sim) certGetCertDetail(cmd string, a *account, p params, now time.Time) *reply {
	c, rep := s.ownCert(cmd, a, p)
	if rep != nil {
		return rep
	}
	if c.submitted() && (c.configured || c.reissuing) {
		c.polls++
		switch {
		case c.polls >= c.pollsToIssue:
			s.finish(c, now)
		case c.product.comodo && c.pollsToIssue >= 2 && c.polls == c.pollsToIssue-1:
			c.statusID = 10
		}
	}
	certPEM, caPEM := "", ""
	if c.issued != nil {
		certPEM, caPEM = string(c.issued.CertPEM), string(c.issued.ChainPEM)
	}
	authStatus := ""
	if c.dvMethod != "" {
		authStatus = "INIT"
		if c.statusID == 4 {
			authStatus = "AUTHENTICATED"
		}
	}
	wstName := webServerTypeNames[c.webServerType]
	if wstName == "" && c.webServerType != 0 {
		wstName = strconv.Itoa(c.webServerType)
	}
	var domainList []el
	if c.product.multiDomain {
		for _, n := range c.names {
			domainList = append(domainList, leaf("Domain", n))
		}
	}
	kids := []el{
		intLeaf("CertID", c.id),
		leaf("DomainName", c.domain()),
		intLeaf("ValidityPeriod", c.years*12),
		leaf("OrderDate", usDateTime(c.orderDate)),
		leaf("ConfigDate", optDateTime(c.configDate)),
		leaf("RenewalIndicator", "False"),
		optIntLeaf("WebServerTypeID", c.webServerType),
		leaf("WebServerTypeName", wstName),
		intLeaf("OrderID", c.orderID),
		intLeaf("OrderDetailID", c.orderDetailID),
		leaf("ExpirationDate", usDateTime(c.expiration())),
		leaf("ServerCount", "1"),
		leaf("DVAuthMethod", c.dvMethod),
		leaf("AuthStatusID", ""),
		leaf("AuthStatusName", authStatus),
		leaf("AuthStatusLastUpdate", ""),
		leaf("ApproverEmail", c.approverEmail),
		leaf("FileAuthName", c.fileName),
		leaf("FileAuthContents", c.fileContents),
		leaf("DNSAuthEntry", c.dnsEntry),
		leaf("DNSAuthAddress", c.dnsAddress),
		leaf("Message", ""),
		intLeaf("CertStatusID", c.statusID),
		leaf("CertStatus", statusTexts[c.statusID]),
		leaf("CertStatusDetail", ""),
		leaf("CertOrderStateID", ""),
		leaf("CertOrderStateName", ""),
		leaf("ReissueStatus", c.reissueStatus),
		leaf("ComodoReissueStatus", ""),
		intLeaf("ProdType", c.product.prodType),
		leaf("ProdDesc", c.product.desc),
		leaf("UseWebHosting", "0"),
		cdataLeaf("SSLCertificate", certPEM),
		cdataLeaf("CSR", c.csr),
		cdataLeaf("CACerts", caPEM),
		cdataLeaf("PVT", ""),
		leaf("ReferenceID", ""),
		leaf("DomainCountAllowed", map[bool]string{true: "100"}[c.product.multiDomain]),
		group("DomainList", domainList...),
	}
	if len(domainList) == 0 {
		kids[len(kids)-1] = leaf("DomainList", "")
	}
	for _, typ := range []string{"Admin", "Tech", "Billing"} {
		f := c.contacts[typ]
		sp, choice := f["State"], "S"
		if sp == "" && f["Province"] != "" {
			sp, choice = f["Province"], "P"
		}
		kids = append(kids,
			cdataLeaf(typ+"OrgName", f["OrgName"]),
			cdataLeaf(typ+"JobTitle", f["JobTitle"]),
			cdataLeaf(typ+"FName", f["FName"]),
			cdataLeaf(typ+"LName", f["LName"]),
			cdataLeaf(typ+"Address1", f["Address1"]),
			cdataLeaf(typ+"Address2", f["Address2"]),
			cdataLeaf(typ+"City", f["City"]),
			cdataLeaf(typ+"StateProvince", sp),
			leaf(typ+"StateProvinceChoice", choice),
			cdataLeaf(typ+"PostalCode", f["PostalCode"]),
			leaf(typ+"Country", f["Country"]),
			leaf(typ+"Phone", f["Phone"]),
			leaf(typ+"Fax", f["Fax"]),
			cdataLeaf(typ+"EmailAddress", f["EmailAddress"]),
			leaf(typ+"PhoneExt", f["PhoneExt"]),
		)
	}
	kids = append(kids, group("WebServerTypes", webServerTypeEls(c.product)...))
	return &reply{command: cmd, fields: []el{group("CertGetCertDetail", kids...)}}
}

// webServerTypeEls lists the web server types of the product's family.
func webServerTypeEls(p product) []el {
	ids := make([]int, 0, len(webServerTypeNames))
	for id := range webServerTypeNames {
		if validWebServerType(p, id) {
			ids = append(ids, id)
		}
	}
	sort.Ints(ids)
	out := make([]el, 0, len(ids))
	for _, id := range ids {
		name := webServerTypeNames[id]
		code := strings.ToLower(strings.NewReplacer(" ", "", "+", "", "/", "", ".", "", "-", "").Replace(name))
		out = append(out, group("WebServerType", intLeaf("WebServerTypeID", id), leaf("WebServerTypeName", name),
			leaf("WebServerTypeCode", code)))
	}
	return out
}

func (s *Sim) certReissueCert(cmd string, a *account, p params, now time.Time) *reply {
	c, rep := s.ownCert(cmd, a, p)
	if rep != nil {
		return rep
	}
	if !c.product.reissuable() {
		return fail(cmd, "CertReissueCert is available for Symantec, VeriSign and GeoTrust certificates only", numNotAvailable,
			"Policy error; not available ; ssl certificate")
	}
	if c.statusID != 4 || c.issued == nil {
		return wrongStatus(cmd, "Only an issued certificate can be reissued", c)
	}
	csr := strings.TrimSpace(p.raw("CSR"))
	if csr == "" {
		return fail(cmd, "CSR is required", numMissingCert, "Validation error; missing ; csr")
	}
	info, err := pki.ParseCSR([]byte(csr))
	if err != nil {
		return fail(cmd, "Invalid CSR: "+err.Error(), numInvalidCert, "Validation error; invalid ; csr")
	}
	cn := strings.ToLower(info.CommonName)
	if cn == "" && len(info.Names) > 0 {
		cn = info.Names[0]
	}
	if cn != c.domain() {
		return fail(cmd, "Invalid CSR: its common name "+cn+" must be the certificate's domain "+c.domain(), numInvalidCert,
			"Validation error; invalid ; csr")
	}
	c.csr = string(info.PEM)
	c.subject = info.Subject
	c.reissuing = true
	c.reissueStatus = "Processing"
	c.statusID = 2
	c.polls = 0
	if c.pollsToIssue <= 0 {
		s.finish(c, now)
	}
	// The vendor's sample puts these fields straight under the root.
	return &reply{command: cmd, fields: []el{
		leaf("Success", "True"),
		leaf("Message", ""),
		leaf("Organization", info.Subject.Organization),
		leaf("DomainName", cn),
		leaf("Email", info.Subject.Email),
		leaf("Locality", info.Subject.Locality),
		leaf("OrganizationUnit", info.Subject.OrganizationalUnit),
		leaf("State", info.Subject.Province),
		leaf("Country", info.Subject.Country),
	}}
}

func (s *Sim) certModifyOrder(cmd string, a *account, p params) *reply {
	c, rep := s.ownCert(cmd, a, p)
	if rep != nil {
		return rep
	}
	if !c.submitted() || c.reissuing {
		return wrongStatus(cmd, "The certificate order can be modified only while its status is Processing or Approval Email Sent", c)
	}
	c.statusID = 1
	c.configured = false
	c.approverEmail, c.dvMethod = "", ""
	c.fileName, c.fileContents, c.dnsEntry, c.dnsAddress = "", "", "", ""
	c.polls, c.geoTrustOrderID = 0, 0
	return &reply{command: cmd, fields: []el{group("CertModifyOrder", intLeaf("CertID", c.id))}}
}

func (s *Sim) certChangeApproverEmail(cmd string, a *account, p params) *reply {
	c, rep := s.ownCert(cmd, a, p)
	if rep != nil {
		return rep
	}
	if !c.configured || !(c.statusID == 1 || c.submitted()) {
		return wrongStatus(cmd, "The approver address can be changed only for a configured certificate awaiting approval", c)
	}
	email := strings.ToLower(p.get("ApproverEmail"))
	if email == "" {
		return fail(cmd, "ApproverEmail is required", "301012", "Validation error; missing ; email")
	}
	if !contains(approversFor(c.domain()), email) {
		return fail(cmd, "Invalid approver email address for "+c.domain(), "304012", "Validation error; invalid ; email")
	}
	c.approverEmail = email
	if c.submitted() {
		c.dvMethod = ""
		c.fileName, c.fileContents, c.dnsEntry, c.dnsAddress = "", "", "", ""
	}
	return &reply{command: cmd, fields: []el{group("CertChangeApproverEmail", cdataLeaf("ApproverEmail", email), leaf("Success", "true"))}}
}

func (s *Sim) certResendApproverEmail(cmd string, a *account, p params) *reply {
	c, rep := s.ownCert(cmd, a, p)
	if rep != nil {
		return rep
	}
	if !c.submitted() || c.approverEmail == "" {
		return wrongStatus(cmd, "There is no approval e-mail waiting for this certificate", c)
	}
	c.resends++
	return &reply{command: cmd, fields: []el{group("CertResendApproverEmail", cdataLeaf("ApproverEmail", c.approverEmail), leaf("Success", "true"))}}
}
