package enom

import (
	"strings"
)

// Brands of the products Enom resells, as the catalogue shows them.
const (
	BrandGeoTrust = "GeoTrust"
	BrandRapidSSL = "RapidSSL"
	BrandSymantec = "Symantec"
	BrandComodo   = "Comodo"
)

// ProductTraits is what a catalogue item needs beyond GetCerts' code, description and prices.
type ProductTraits struct {
	// ProdType is Enom's numeric product id.
	ProdType int
	// Brand is the issuing brand (GeoTrust, RapidSSL, Symantec, Comodo).
	Brand string
	// Validation is "dv", "ov" or "ev".
	Validation string
	// Wildcard products certify *.name.
	Wildcard bool
	// MultiDomain products (Comodo UCC) carry extra names; IncludedNames are in the price and
	// MaxNames is the most CertConfigureCert accepts (UCCDomainList1..100).
	MultiDomain   bool
	IncludedNames int // names included in the price
	MaxNames      int // most names accepted
	// MaxYears is the longest term PurchaseServices sells (2 for EV products, else 3).
	MaxYears int
	// Reissue says whether CertReissueCert works: Enom documents it for Symantec, VeriSign and
	// GeoTrust (including RapidSSL) certificates only.
	Reissue bool
	// AddOn marks an extra-domain slot for a UCC certificate, not a certificate of its own.
	AddOn bool
	// EncryptionEverywhere marks ProdType 286, configured with DVAuthMethod File or DNS instead of an
	// approver address.
	EncryptionEverywhere bool
}

// knownProducts holds the ProdType ids of providers.md 1.4. The included and maximum names of UCC
// products are inferred (three included is Comodo's usual UCC bundle; CertConfigureCert takes up to
// 100 list entries).
var knownProducts = []ProductTraits{
	{ProdType: 20, Brand: BrandGeoTrust, Validation: "dv", MaxYears: 3, Reissue: true},                 // QuickSSL Premium
	{ProdType: 21, Brand: BrandGeoTrust, Validation: "ov", MaxYears: 3, Reissue: true},                 // True BusinessID
	{ProdType: 23, Brand: BrandRapidSSL, Validation: "dv", MaxYears: 3, Reissue: true},                 // RapidSSL
	{ProdType: 24, Brand: BrandGeoTrust, Validation: "ev", MaxYears: 2, Reissue: true},                 // True BusinessID EV
	{ProdType: 26, Brand: BrandGeoTrust, Validation: "dv", MaxYears: 3, Reissue: true},                 // QuickSSL
	{ProdType: 27, Brand: BrandGeoTrust, Validation: "ov", Wildcard: true, MaxYears: 3, Reissue: true}, // True BusinessID Wildcard
	{ProdType: 285, Brand: BrandRapidSSL, Validation: "dv", Wildcard: true, MaxYears: 3, Reissue: true},
	{ProdType: 180, Brand: BrandSymantec, Validation: "ov", MaxYears: 3, Reissue: true}, // Secure Site
	{ProdType: 181, Brand: BrandSymantec, Validation: "ov", MaxYears: 3, Reissue: true}, // Secure Site Pro
	{ProdType: 182, Brand: BrandSymantec, Validation: "ev", MaxYears: 2, Reissue: true}, // Secure Site EV
	{ProdType: 183, Brand: BrandSymantec, Validation: "ev", MaxYears: 2, Reissue: true}, // Secure Site Pro EV
	{ProdType: 286, Brand: BrandSymantec, Validation: "dv", MaxYears: 1, Reissue: true, EncryptionEverywhere: true},
	{ProdType: 211, Brand: BrandComodo, Validation: "dv", MaxYears: 3},                 // Essential
	{ProdType: 212, Brand: BrandComodo, Validation: "ov", MaxYears: 3},                 // Instant
	{ProdType: 213, Brand: BrandComodo, Validation: "ov", Wildcard: true, MaxYears: 3}, // Premium Wildcard
	{ProdType: 214, Brand: BrandComodo, Validation: "dv", Wildcard: true, MaxYears: 3}, // Essential Wildcard
	{ProdType: 221, Brand: BrandComodo, Validation: "ev", MaxYears: 2},                 // EV
	{ProdType: 222, Brand: BrandComodo, Validation: "ev", MaxYears: 2},                 // EV SGC
	{ProdType: 270, Brand: BrandComodo, Validation: "dv", MultiDomain: true, IncludedNames: 3, MaxNames: 100, MaxYears: 3},
	{ProdType: 274, Brand: BrandComodo, Validation: "ov", MultiDomain: true, IncludedNames: 3, MaxNames: 100, MaxYears: 3},
}

// Traits describes a GetCerts product. A known ProdType gives the documented traits; otherwise they
// are inferred from the product code (certificate-<brand>-<name>[-wildcard|-ev|…]), and ok is false
// so the caller can ask staff to check them.
func Traits(prodType int, prodCode string) (t ProductTraits, ok bool) {
	code := strings.ToLower(strings.TrimSpace(prodCode))
	addOn := strings.Contains(code, "additional-domain")
	for _, k := range knownProducts {
		if k.ProdType == prodType && !addOn {
			return k, true
		}
	}
	t = ProductTraits{ProdType: prodType, Validation: "dv", MaxYears: 3, AddOn: addOn}
	switch {
	case strings.Contains(code, "comodo"):
		t.Brand = BrandComodo
	case strings.Contains(code, "rapidssl"):
		t.Brand, t.Reissue = BrandRapidSSL, true
	case strings.Contains(code, "geotrust"):
		t.Brand, t.Reissue = BrandGeoTrust, true
	case strings.Contains(code, "verisign"), strings.Contains(code, "symantec"):
		t.Brand, t.Reissue = BrandSymantec, true
	}
	switch {
	case strings.HasSuffix(code, "-ev") || strings.Contains(code, "-ev-"):
		t.Validation, t.MaxYears = "ev", 2
	case strings.Contains(code, "-ov") || strings.Contains(code, "truebizid") || strings.Contains(code, "secure-site") ||
		strings.Contains(code, "instant") || strings.Contains(code, "premium-wildcard"):
		t.Validation = "ov"
	}
	t.Wildcard = strings.Contains(code, "wildcard")
	if strings.Contains(code, "ucc") && !addOn {
		t.MultiDomain, t.IncludedNames, t.MaxNames = true, 3, 100
	}
	return t, false
}

// IsComodo reports whether a ProdType is a Comodo product, which takes the 1000-series web server
// types and goes through "Approval Email Sent".
func IsComodo(prodType int) bool {
	switch prodType {
	case 211, 212, 213, 214, 221, 222, 270, 274:
		return true
	}
	return false
}
