package enom

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// Command names as sent in the command parameter.
const (
	cmdGetBalance              = "GetBalance"
	cmdGetCerts                = "GetCerts"
	cmdPurchaseServices        = "PurchaseServices"
	cmdCertGetCerts            = "CertGetCerts"
	cmdCertConfigureCert       = "CertConfigureCert"
	cmdCertGetApproverEmail    = "CertGetApproverEmail"
	cmdCertParseCSR            = "CertParseCSR"
	cmdCertPurchaseCert        = "CertPurchaseCert"
	cmdCertGetCertDetail       = "CertGetCertDetail"
	cmdCertReissueCert         = "CertReissueCert"
	cmdCertModifyOrder         = "CertModifyOrder"
	cmdCertChangeApproverEmail = "CertChangeApproverEmail"
	cmdCertResendApproverEmail = "CertResendApproverEmail"
)

// notSuccessful is the error for a response without errors whose Success flag is False.
func notSuccessful(command string, class provider.Class, field, what string) *provider.Error {
	return &provider.Error{Class: class, Command: command, Field: field, Message: what}
}

// succeeded reads an optional Success flag: absent means success (ErrCount already said so).
func succeeded(n *node) bool {
	s := n.get("Success")
	return s == nil || parseBool(s.value())
}

// parseGetBalance reads GetBalance.
func parseGetBalance(body []byte) (*Balance, error) {
	env, err := decode(cmdGetBalance, body)
	if err != nil {
		return nil, err
	}
	n := env.commandNode("GetBalance")
	b := &Balance{Currency: "USD"}
	bal, err1 := parseMoney(n.str("Balance"))
	avail, err2 := parseMoney(n.str("AvailableBalance"))
	if err1 != nil && err2 != nil {
		return nil, malformed(cmdGetBalance, "it holds no Balance")
	}
	if err1 != nil {
		bal = avail
	}
	if err2 != nil {
		avail = bal
	}
	b.Balance, b.Available = bal, avail
	return b, nil
}

// parseGetCerts reads GetCerts. Products are found wherever an element holds a ProdCode (the XML
// nests them as Certs/Cert1, Cert2, …); in the Text format every ProdCode line starts a product.
func parseGetCerts(body []byte) (*Catalogue, error) {
	env, err := decode(cmdGetCerts, body)
	if err != nil {
		return nil, err
	}
	cat := &Catalogue{Reseller: parseBool(env.root.str("Reseller"))}
	for _, group := range productGroups(env.root) {
		p := Product{Enabled: true}
		hasEnabled := false
		for _, f := range group {
			v := f.value()
			switch strings.ToLower(f.name) {
			case "prodcode":
				p.Code = v
			case "prodtype":
				p.Type = parseInt(v)
			case "proddesc":
				p.Description = v
			case "qtydesc":
				p.QtyDesc = v
			case "resellerprice":
				if c, err := parseMoney(v); err == nil {
					p.ResellerPrice, p.HasResellerPrice = c, true
				}
			case "retailprice":
				if c, err := parseMoney(v); err == nil {
					p.RetailPrice, p.HasRetailPrice = c, true
				}
			case "enabled":
				hasEnabled = true
				p.Enabled = parseBool(v)
			case "years":
				if y := parseInt(v); y > 0 {
					p.Years = append(p.Years, y)
				}
			}
		}
		if !hasEnabled {
			p.Enabled = true
		}
		if p.Code != "" {
			cat.Products = append(cat.Products, p)
		}
	}
	return cat, nil
}

// productGroups returns the fields of each product: the children of every element holding a
// ProdCode child, or runs of root-level fields starting at each ProdCode (Text format).
func productGroups(root *node) [][]*node {
	var groups [][]*node
	if root.child("ProdCode") != nil {
		var cur []*node
		for _, k := range root.kids {
			if strings.EqualFold(k.name, "ProdCode") {
				if cur != nil {
					groups = append(groups, cur)
				}
				cur = []*node{}
			}
			if cur != nil {
				cur = append(cur, k)
			}
		}
		if cur != nil {
			groups = append(groups, cur)
		}
	}
	root.walk(func(n *node) {
		if n != root && n.child("ProdCode") != nil {
			groups = append(groups, n.kids)
		}
	})
	return groups
}

// parsePurchaseServices reads PurchaseServices. A success without a CertID cannot be used safely:
// the certificate was bought but is not identified, so it is reported as an unknown outcome for the
// reconciler to resolve with CertGetCerts.
func parsePurchaseServices(body []byte) (*Purchase, error) {
	env, err := decode(cmdPurchaseServices, body)
	if err != nil {
		return nil, err
	}
	n := env.commandNode("PurchaseServices")
	p := &Purchase{CertID: n.str("CertID"), OrderID: n.str("OrderID")}
	if !succeeded(n) || p.CertID == "" {
		why := "Enom answered PurchaseServices without a CertID"
		if !succeeded(n) {
			why = "Enom answered PurchaseServices with Success=False and no error"
		}
		return nil, &provider.Error{Class: provider.Temporary, Command: cmdPurchaseServices,
			Message: why + "; look for the certificate with CertGetCerts before buying again", Err: ErrOutcomeUnknown}
	}
	return p, nil
}

// parseCertGetCerts reads CertGetCerts. Rows are the elements holding a CertID below <Certs> (named
// Cert, or Cert1, Cert2, …); in the Text format every CertID line starts a row.
func parseCertGetCerts(body []byte) (*CertList, error) {
	env, err := decode(cmdCertGetCerts, body)
	if err != nil {
		return nil, err
	}
	list := &CertList{
		StartPosition: parseInt(env.root.str("StartPosition")),
		PageSize:      parseInt(env.root.str("PagingPageSize")),
		TotalRecords:  parseInt(env.root.str("TotalRecords")),
	}
	if list.TotalRecords == 0 {
		list.TotalRecords = parseInt(env.root.str("TotalCertCount"))
	}
	for _, group := range rowGroups(env.root, "CertID") {
		f := fields(group)
		c := CertSummary{
			CertID:             f("CertID"),
			OrderID:            f("OrderID"),
			DomainName:         f("DomainName"),
			ProdType:           parseInt(f("ProdType")),
			ProdDesc:           f("ProdDesc"),
			OrderDate:          parseDate(f("OrderDate")),
			ConfigDate:         parseDate(f("ConfigDate")),
			ExpirationDate:     parseDate(f("ExpirationDate")),
			ValidityMonths:     parseInt(f("ValidityPeriod")),
			IsExpired:          parseBool(f("IsExpired")),
			Renewal:            parseBool(f("RenewalIndicator")),
			StatusID:           f("CertStatusID"),
			StatusText:         f("CertStatus"),
			DomainCountAllowed: parseInt(f("DomainCountAllowed")),
			ReissueStatus:      f("ReissueStatus"),
		}
		c.Status = StatusOf(c.StatusID, c.StatusText, c.IsExpired)
		if c.CertID != "" {
			list.Certs = append(list.Certs, c)
		}
	}
	return list, nil
}

// rowGroups is productGroups for any key field.
func rowGroups(root *node, key string) [][]*node {
	var groups [][]*node
	if root.child(key) != nil {
		var cur []*node
		for _, k := range root.kids {
			if strings.EqualFold(k.name, key) {
				if cur != nil {
					groups = append(groups, cur)
				}
				cur = []*node{}
			}
			if cur != nil {
				cur = append(cur, k)
			}
		}
		if cur != nil {
			groups = append(groups, cur)
		}
		return groups
	}
	root.walk(func(n *node) {
		if n.child(key) != nil && n.child("Certs") == nil {
			groups = append(groups, n.kids)
		}
	})
	return groups
}

// fields returns a lookup of the first field with a name in a group.
func fields(group []*node) func(string) string {
	return func(name string) string {
		for _, n := range group {
			if strings.EqualFold(n.name, name) {
				return n.value()
			}
		}
		return ""
	}
}

// readCSRData reads the parsed-CSR fields from n.
func readCSRData(n *node) CSRData {
	return CSRData{
		DomainName:       n.str("DomainName"),
		Organization:     n.str("Organization"),
		OrganizationUnit: n.str("OrganizationUnit"),
		Email:            n.str("Email"),
		Locality:         n.str("Locality"),
		State:            n.str("State"),
		Country:          n.str("Country"),
		HasBadExtensions: parseBool(n.str("HasBadExtensions")),
	}
}

// readApprovers reads the <Approver Type="…"><ApproverEmail> list, or (Text format) the repeated
// ApproverEmail lines, dropping empty entries such as the Manual placeholder.
func readApprovers(n *node) []Approver {
	var out []Approver
	seen := map[string]bool{}
	add := func(email, typ string) {
		email = strings.TrimSpace(email)
		key := strings.ToLower(email)
		if email == "" || seen[key] {
			return
		}
		seen[key] = true
		out = append(out, Approver{Email: email, Type: typ})
	}
	for _, a := range n.all("Approver") {
		email := a.str("ApproverEmail")
		if email == "" && len(a.kids) == 0 {
			email = a.value()
		}
		add(email, a.attr("Type"))
	}
	if len(out) == 0 {
		// Text format: the list is a run of ApproverEmail lines (the first, empty one being the
		// chosen address of CertConfigureCert).
		for _, k := range n.all("ApproverEmail") {
			add(k.value(), "")
		}
	}
	return out
}

// readValidation reads the DCV fields of CertConfigureCert, CertPurchaseCert and CertGetCertDetail.
func readValidation(n *node) DomainValidation {
	return DomainValidation{
		Method:         n.str("DVAuthMethod"),
		ApproverEmail:  directOrEmpty(n, "ApproverEmail"),
		FileName:       n.str("FileAuthName"),
		FileContents:   n.str("FileAuthContents"),
		DNSEntry:       n.str("DNSAuthEntry"),
		DNSType:        n.str("DNSAuthType"),
		DNSAddress:     n.str("DNSAuthAddress"),
		DNSHostUpdated: parseBool(n.str("DNSAuthHostUpdate")),
		AuthStatus:     n.str("AuthStatusName"),
	}
}

// directOrEmpty reads a direct child only, so an approver list's entries are not mistaken for the
// chosen address.
func directOrEmpty(n *node, name string) string { return n.child(name).value() }

// parseCertConfigureCert reads CertConfigureCert.
func parseCertConfigureCert(body []byte) (*ConfigureResult, error) {
	env, err := decode(cmdCertConfigureCert, body)
	if err != nil {
		return nil, err
	}
	n := env.commandNode("CertConfigureCert")
	res := &ConfigureResult{
		CertID:       n.str("CertID"),
		ProdType:     parseInt(n.str("ProdType")),
		Approvers:    readApprovers(n),
		Validation:   readValidation(n),
		GeneratedCSR: cleanPEM(n.child("CSR").value()),
		GeneratedKey: cleanPEM(n.child("RSA").value()),
	}
	if csr := n.get("CSRData"); csr != nil {
		res.CSR = readCSRData(csr)
		if !succeeded(csr) {
			return nil, notSuccessful(cmdCertConfigureCert, provider.Invalid, "csr", "Enom could not read the CSR")
		}
	} else if n.child("Organization") != nil || n.child("Country") != nil {
		res.CSR = readCSRData(n) // Text format: the CSRData fields are lines of their own
	}
	if s := n.child("Success"); s != nil && !parseBool(s.value()) {
		return nil, notSuccessful(cmdCertConfigureCert, provider.Invalid, "", "Enom did not accept the configuration")
	}
	return res, nil
}

// parseCertGetApproverEmail reads CertGetApproverEmail (the element is spelled CertGetApproverEMail
// in the vendor's sample; names are compared without case).
func parseCertGetApproverEmail(body []byte) ([]Approver, error) {
	env, err := decode(cmdCertGetApproverEmail, body)
	if err != nil {
		return nil, err
	}
	n := env.commandNode("CertGetApproverEmail")
	if !succeeded(n) {
		return nil, notSuccessful(cmdCertGetApproverEmail, provider.Invalid, "domain", "Enom has no approver addresses for this domain")
	}
	return readApprovers(n), nil
}

// parseCertParseCSR reads CertParseCSR.
func parseCertParseCSR(body []byte) (*CSRData, error) {
	env, err := decode(cmdCertParseCSR, body)
	if err != nil {
		return nil, err
	}
	n := env.commandNode("CertParseCSR")
	if !succeeded(n) {
		return nil, notSuccessful(cmdCertParseCSR, provider.Invalid, "csr", "Enom could not read the CSR")
	}
	d := readCSRData(n)
	return &d, nil
}

// parseCertPurchaseCert reads CertPurchaseCert. Success=False without an error means the CA did not
// take the order: Rejected.
func parseCertPurchaseCert(body []byte) (*PurchaseCertResult, error) {
	env, err := decode(cmdCertPurchaseCert, body)
	if err != nil {
		return nil, err
	}
	n := env.commandNode("CertPurchaseCert")
	if !succeeded(n) {
		return nil, notSuccessful(cmdCertPurchaseCert, provider.Rejected, "", "Enom did not submit the certificate to the CA")
	}
	return &PurchaseCertResult{
		CertID:          n.str("CertID"),
		GeoTrustOrderID: n.str("GeoTrustOrderID"),
		Validation:      readValidation(n),
	}, nil
}

// parseCertGetCertDetail reads CertGetCertDetail.
func parseCertGetCertDetail(body []byte) (*CertDetail, error) {
	env, err := decode(cmdCertGetCertDetail, body)
	if err != nil {
		return nil, err
	}
	n := env.commandNode("CertGetCertDetail")
	d := &CertDetail{
		CertID:            n.str("CertID"),
		OrderID:           n.str("OrderID"),
		DomainName:        n.child("DomainName").value(),
		ProdType:          parseInt(n.str("ProdType")),
		ProdDesc:          n.str("ProdDesc"),
		StatusID:          n.str("CertStatusID"),
		StatusText:        n.str("CertStatus"),
		StatusDetail:      n.str("CertStatusDetail"),
		Message:           n.str("Message"),
		OrderDate:         parseDate(n.str("OrderDate")),
		ConfigDate:        parseDate(n.str("ConfigDate")),
		ExpirationDate:    parseDate(n.str("ExpirationDate")),
		ValidityMonths:    parseInt(n.str("ValidityPeriod")),
		IsExpired:         parseBool(n.str("IsExpired")),
		Renewal:           parseBool(n.str("RenewalIndicator")),
		Validation:        readValidation(n),
		CertificatePEM:    cleanPEM(n.str("SSLCertificate")),
		CSR:               cleanPEM(n.child("CSR").value()),
		PrivateKey:        cleanPEM(n.str("PVT")),
		WebServerTypeID:   parseInt(n.child("WebServerTypeID").value()),
		WebServerTypeName: n.child("WebServerTypeName").value(),
		ReissueStatus:     n.str("ReissueStatus"),
		ReferenceID:       n.str("ReferenceID"),
		Admin:             readContact(n, "Admin"),
		Tech:              readContact(n, "Tech"),
		Billing:           readContact(n, "Billing"),
	}
	if d.DomainName == "" {
		d.DomainName = n.str("DomainName")
	}
	chain := []string{n.str("CACerts")}
	if ica := n.get("IntermediateCertificates"); ica != nil {
		for _, k := range ica.kids {
			chain = append(chain, k.value())
		}
	}
	d.ChainPEM = cleanPEM(joinPEM(chain...))
	if dl := n.get("DomainList"); dl != nil {
		d.DomainList = readDomainList(dl)
	}
	d.Status = StatusOf(d.StatusID, d.StatusText, d.IsExpired)
	if d.Status == StatusIssued && d.CertificatePEM == "" {
		// Issued but not yet delivered: keep polling rather than storing an empty certificate.
		d.Status = StatusPending
	}
	return d, nil
}

// readDomainList reads a UCC domain list: child elements, or one comma- or space-separated value.
func readDomainList(n *node) []string {
	var out []string
	if len(n.kids) > 0 {
		n.walk(func(k *node) {
			if len(k.kids) == 0 && k.value() != "" {
				out = append(out, k.value())
			}
		})
		return out
	}
	out = strings.FieldsFunc(n.value(), func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' })
	if len(out) == 0 {
		return nil
	}
	return out
}

// readContact reads the <Type>FName, <Type>LName, … fields of one contact.
func readContact(n *node, typ string) Contact {
	f := func(suffix string) string { return n.str(typ + suffix) }
	c := Contact{
		FirstName: f("FName"), LastName: f("LName"), Organization: f("OrgName"), JobTitle: f("JobTitle"),
		Address1: f("Address1"), Address2: f("Address2"), City: f("City"), PostalCode: f("PostalCode"),
		Country: f("Country"), Phone: f("Phone"), PhoneExt: f("PhoneExt"), Fax: f("Fax"), Email: f("EmailAddress"),
	}
	sp := f("StateProvince")
	if sp == "" {
		sp = f("State")
		if sp == "" {
			sp = f("Province")
		}
	}
	if strings.EqualFold(f("StateProvinceChoice"), "P") {
		c.Province = sp
	} else {
		c.State = sp
	}
	return c
}

// parseCertReissueCert reads CertReissueCert (the vendor sample lacks its root element).
func parseCertReissueCert(body []byte) (*ReissueResult, error) {
	env, err := decode(cmdCertReissueCert, body)
	if err != nil {
		return nil, err
	}
	n := env.commandNode("CertReissueCert")
	if !succeeded(n) {
		msg := n.str("Message")
		if msg == "" {
			msg = "Enom did not accept the reissue"
		}
		return nil, notSuccessful(cmdCertReissueCert, provider.Rejected, "", msg)
	}
	return &ReissueResult{Message: n.str("Message"), CSR: readCSRData(n)}, nil
}

// parseCertModifyOrder reads CertModifyOrder and returns the CertID.
func parseCertModifyOrder(body []byte) (string, error) {
	env, err := decode(cmdCertModifyOrder, body)
	if err != nil {
		return "", err
	}
	n := env.commandNode("CertModifyOrder")
	if !succeeded(n) {
		return "", notSuccessful(cmdCertModifyOrder, provider.Invalid, "", "Enom did not reset the certificate's configuration")
	}
	return n.str("CertID"), nil
}

// parseApproverChange reads CertChangeApproverEmail and CertResendApproverEmail, which answer the
// same way, and returns the approver address.
func parseApproverChange(command string, body []byte) (string, error) {
	env, err := decode(command, body)
	if err != nil {
		return "", err
	}
	n := env.commandNode(command)
	if !succeeded(n) {
		return "", notSuccessful(command, provider.Invalid, "approver_email", "Enom did not accept the approver address")
	}
	return n.str("ApproverEmail"), nil
}

// pemLine matches the BEGIN/END lines of a PEM block.
var pemLine = regexp.MustCompile(`-----(BEGIN|END) [A-Z0-9 ]+-----`)

// cleanPEM trims the indentation Enom leaves inside CDATA blocks and splits BEGIN/END lines glued
// to the base64 ("-----BEGIN CERTIFICATE----- MIIF…"), returning text with one newline per line,
// or "" when s holds no PEM marker.
func cleanPEM(s string) string {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "-----BEGIN") {
		return ""
	}
	s = pemLine.ReplaceAllStringFunc(s, func(m string) string { return "\n" + m + "\n" })
	var b strings.Builder
	body := 0
	for _, line := range strings.Split(s, "\n") {
		if pemLine.MatchString(line) {
			// a marker line holds spaces of its own; keep it whole
			b.WriteString(strings.Join(strings.Fields(line), " "))
			b.WriteString("\n")
			continue
		}
		for _, part := range strings.Fields(line) {
			b.WriteString(part)
			b.WriteString("\n")
			body++
		}
	}
	if body == 0 {
		return "" // markers without content, as in an empty PVT
	}
	return b.String()
}

// itoa formats a positive int for a request, or "" for zero.
func itoa(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}
