package enomsim

import (
	"strings"

	"github.com/sslreseller/sslreseller/internal/pki"
)

// product is one certificate the simulator sells. Codes, ProdType ids and descriptions follow Enom's
// documents; prices are invented but of the usual size.
type product struct {
	code        string
	prodType    int
	desc        string
	reseller    int64 // cents a year
	retail      int64
	maxYears    int
	validation  pki.Validation
	wildcard    bool
	multiDomain bool
	comodo      bool
	// fileDNS is true for the GeoTrust DV products whose CertPurchaseCert accepts DVAuthMethod File
	// or DNS (RapidSSL, QuickSSL, QuickSSL Premium).
	fileDNS bool
}

// reissuable is Enom's documented rule: CertReissueCert serves Symantec, VeriSign and GeoTrust
// certificates, not Comodo ones.
func (p product) reissuable() bool { return !p.comodo }

// catalogue lists the products in the order GetCerts returns them.
var catalogue = []product{
	{code: "certificate-rapidssl-rapidssl", prodType: 23, desc: "SSL Certificate - RapidSSL", reseller: 995, retail: 1995, maxYears: 3, validation: pki.ValidationDV, fileDNS: true},
	{code: "certificate-rapidssl-rapidssl-wildcard", prodType: 285, desc: "SSL Certificate - RapidSSL Wildcard", reseller: 12900, retail: 18900, maxYears: 3, validation: pki.ValidationDV, wildcard: true, fileDNS: true},
	{code: "certificate-geotrust-quickssl", prodType: 26, desc: "SSL Certificate - GeoTrust QuickSSL", reseller: 6900, retail: 12500, maxYears: 3, validation: pki.ValidationDV, fileDNS: true},
	{code: "certificate-geotrust-quickssl-premium", prodType: 20, desc: "SSL Certificate - GeoTrust QuickSSL Premium", reseller: 8900, retail: 14900, maxYears: 3, validation: pki.ValidationDV, fileDNS: true},
	{code: "certificate-geotrust-truebizid", prodType: 21, desc: "SSL Certificate - GeoTrust True BusinessID", reseller: 11900, retail: 19900, maxYears: 3, validation: pki.ValidationOV},
	{code: "certificate-geotrust-truebizid-wildcard", prodType: 27, desc: "SSL Certificate - GeoTrust True BusinessID Wildcard", reseller: 39900, retail: 59900, maxYears: 3, validation: pki.ValidationOV, wildcard: true},
	{code: "certificate-geotrust-truebizid-ev", prodType: 24, desc: "SSL Certificate - GeoTrust True BusinessID with EV", reseller: 19900, retail: 29900, maxYears: 2, validation: pki.ValidationEV},
	{code: "certificate-verisign-secure-site", prodType: 180, desc: "SSL Certificate - Symantec Secure Site", reseller: 29900, retail: 39900, maxYears: 3, validation: pki.ValidationOV},
	{code: "certificate-verisign-secure-site-pro", prodType: 181, desc: "SSL Certificate - Symantec Secure Site Pro", reseller: 69900, retail: 89900, maxYears: 3, validation: pki.ValidationOV},
	{code: "certificate-verisign-secure-site-ev", prodType: 182, desc: "SSL Certificate - Symantec Secure Site with EV", reseller: 79900, retail: 99900, maxYears: 2, validation: pki.ValidationEV},
	{code: "certificate-verisign-secure-site-pro-ev", prodType: 183, desc: "SSL Certificate - Symantec Secure Site Pro with EV", reseller: 119900, retail: 149900, maxYears: 2, validation: pki.ValidationEV},
	{code: "certificate-comodo-essential", prodType: 211, desc: "SSL Certificate - Comodo Essential", reseller: 1900, retail: 4900, maxYears: 3, validation: pki.ValidationDV, comodo: true},
	{code: "certificate-comodo-instant", prodType: 212, desc: "SSL Certificate - Comodo Instant", reseller: 5900, retail: 9900, maxYears: 3, validation: pki.ValidationOV, comodo: true},
	{code: "certificate-comodo-premium-wildcard", prodType: 213, desc: "SSL Certificate - Comodo Premium Wildcard", reseller: 19900, retail: 29900, maxYears: 3, validation: pki.ValidationOV, wildcard: true, comodo: true},
	{code: "certificate-comodo-essential-wildcard", prodType: 214, desc: "SSL Certificate - Comodo Essential Wildcard", reseller: 9900, retail: 17900, maxYears: 3, validation: pki.ValidationDV, wildcard: true, comodo: true},
	{code: "certificate-comodo-ev", prodType: 221, desc: "SSL Certificate - Comodo EV", reseller: 14900, retail: 24900, maxYears: 2, validation: pki.ValidationEV, comodo: true},
	{code: "certificate-comodo-ev-sgc", prodType: 222, desc: "SSL Certificate - Comodo EV SGC", reseller: 19900, retail: 29900, maxYears: 2, validation: pki.ValidationEV, comodo: true},
	{code: "certificate-comodo-ucc-dv", prodType: 270, desc: "SSL Certificate - Comodo UCC DV", reseller: 4900, retail: 8900, maxYears: 3, validation: pki.ValidationDV, multiDomain: true, comodo: true},
	{code: "certificate-comodo-ucc-ov", prodType: 274, desc: "SSL Certificate - Comodo UCC OV", reseller: 9900, retail: 15900, maxYears: 3, validation: pki.ValidationOV, multiDomain: true, comodo: true},
}

// serviceAliases are the other spellings PurchaseServices accepts: Enom's document lists
// Certificate-RapidSSL while GetCerts says certificate-rapidssl-rapidssl.
var serviceAliases = map[string]string{
	"certificate-rapidssl": "certificate-rapidssl-rapidssl",
}

// productByCode finds a product by code, case-insensitively.
func productByCode(code string) (product, bool) {
	code = strings.ToLower(strings.TrimSpace(code))
	if alias, ok := serviceAliases[code]; ok {
		code = alias
	}
	for _, p := range catalogue {
		if p.code == code {
			return p, true
		}
	}
	return product{}, false
}

// statusTexts are Enom's CertStatus texts by CertStatusID.
var statusTexts = map[int]string{
	1:  "Awaiting Configuration",
	2:  "Processing",
	4:  "Certificate Issued",
	6:  "Rejected by Customer",
	7:  "Refunded - No Cert Issued",
	8:  "Refunded - Cert Issued",
	9:  "Approval Email Sent",
	10: "Approved by Domain Owner",
	12: "Pending Installation",
	13: "Cert Installed",
}

// webServerTypeNames gives a few names of Enom's web server table for CertGetCertDetail; others
// are written as their number.
var webServerTypeNames = map[int]string{
	1: "Apache + MOD SSL", 18: "Other", 20: "Apache + OpenSSL", 21: "Apache 2", 22: "Apache + ApacheSSL",
	24: "Cpanel", 28: "Plesk", 29: "Jakarta-Tomcat", 33: "Microsoft IIS 6.0",
	1000: "Other", 1002: "Apache/ModSSL", 1013: "Microsoft IIS 1.x to 4.x", 1014: "Microsoft IIS 5.x and later",
	1024: "Tomcat", 1030: "Plesk", 1031: "WHM/cPanel", 1032: "H-Sphere",
}

// validWebServerType applies Enom's two tables: 1000–1032 for Comodo, 1–33 for the others.
func validWebServerType(p product, n int) bool {
	if p.comodo {
		return n >= 1000 && n <= 1032
	}
	return n >= 1 && n <= 33
}

// approverPrefixes are the constructed approver mailboxes (the only ones allowed since WHOIS
// addresses ended on 2025-07-15).
var approverPrefixes = []string{"admin", "administrator", "hostmaster", "postmaster", "webmaster"}

// twoLevelSuffixes are public suffixes of two labels, enough to find the registrable parent of the
// names people test with.
var twoLevelSuffixes = map[string]bool{
	"co.uk": true, "org.uk": true, "ac.uk": true, "gov.uk": true, "me.uk": true, "ltd.uk": true, "plc.uk": true,
	"com.au": true, "net.au": true, "org.au": true, "co.nz": true, "org.nz": true, "co.jp": true, "ne.jp": true,
	"com.br": true, "com.cn": true, "com.mx": true, "co.za": true, "co.in": true, "com.tr": true, "com.ar": true,
}

// registrable returns the registrable domain of a name: its last two labels, or three under a
// two-label public suffix.
func registrable(name string) string {
	labels := strings.Split(name, ".")
	if len(labels) <= 2 {
		return name
	}
	n := 2
	if twoLevelSuffixes[strings.Join(labels[len(labels)-2:], ".")] {
		n = 3
	}
	if len(labels) <= n {
		return name
	}
	return strings.Join(labels[len(labels)-n:], ".")
}

// approversFor returns the approver addresses for a name: the constructed mailboxes at the name
// (without a wildcard label) and at its registrable parent.
func approversFor(name string) []string {
	name = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(name)), "*.")
	if name == "" {
		return nil
	}
	hosts := []string{name}
	if parent := registrable(name); parent != name {
		hosts = append(hosts, parent)
	}
	var out []string
	for _, h := range hosts {
		for _, p := range approverPrefixes {
			out = append(out, p+"@"+h)
		}
	}
	return out
}
