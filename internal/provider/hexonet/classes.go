package hexonet

import (
	"slices"
	"strings"
)

// ClassInfo describes an SSLCERTCLASS for the catalogue: StatusUser gives only the class name and its
// cost, so brand, validation level and name rules come from this table.
type ClassInfo struct {
	// Class is the SSLCERTCLASS.
	Class string
	// Brand is the certificate authority's brand; Name the product name.
	Brand, Name string
	// Validation is "dv", "ov" or "ev".
	Validation string
	// Wildcard is true for wildcard products.
	Wildcard bool
	// MaxNames is the largest number of names; 1 for single-name products.
	MaxNames int
	// DNSAndFileDCV is true when the class can be validated by DNS record or HTTP file, not only e-mail.
	DNSAndFileDCV bool
}

// classTable lists the classes of HEXONET's CreateSSLCert documentation and the official WHMCS module's
// product list, with the level, wildcard, name limit and DCV methods that list gives.
var classTable = []ClassInfo{
	{"COMODO_ESSENTIALSSL", "Sectigo", "EssentialSSL", "dv", false, 1, true},
	{"COMODO_ESSENTIALSSL_WILDCARD", "Sectigo", "EssentialSSL Wildcard", "dv", true, 1, true},
	{"COMODO_POSITIVESSL", "Sectigo", "PositiveSSL", "dv", false, 1, true},
	{"COMODO_SSL", "Sectigo", "DV SSL", "dv", false, 1, true},
	{"COMODO_SSL_WILDCARD", "Sectigo", "DV SSL Wildcard", "dv", true, 1, true},
	{"COMODO_PREMIUMSSL", "Sectigo", "PremiumSSL", "dv", false, 1, false},
	{"COMODO_PREMIUMSSL_WILDCARD", "Sectigo", "PremiumSSL Wildcard", "dv", true, 1, false},
	{"COMODO_WILDCARDSSL", "Sectigo", "WildcardSSL", "dv", true, 1, false},
	{"COMODO_INSTANTSSL", "Sectigo", "InstantSSL", "ov", false, 1, false},
	{"COMODO_INSTANTSSL_PREMIUM", "Sectigo", "InstantSSL Premium", "ov", false, 1, false},
	{"COMODO_INSTANTSSL_PRO", "Sectigo", "InstantSSL Pro", "ov", false, 1, false},
	{"COMODO_INSTANTSSLPRO", "Sectigo", "InstantSSL Pro", "ov", false, 1, false},
	{"COMODO_UCC", "Sectigo", "UCC SSL", "ov", false, 24, false},
	{"COMODO_SSL_EV", "Sectigo", "EV SSL", "ev", false, 1, false},
	{"COMODO_EVSSL", "Sectigo", "EV SSL", "ev", false, 1, false},
	{"GEOTRUST_RAPIDSSL", "RapidSSL", "RapidSSL", "dv", false, 1, true},
	{"GEOTRUST_RAPIDSSL_WILDCARD", "RapidSSL", "RapidSSL Wildcard", "dv", true, 1, true},
	{"GEOTRUST_QUICKSSL", "GeoTrust", "QuickSSL", "dv", false, 1, true},
	{"GEOTRUST_QUICKSSLPREMIUM", "GeoTrust", "QuickSSL Premium", "dv", false, 1, true},
	{"GEOTRUST_QUICKSSLPREMIUM_SAN", "GeoTrust", "QuickSSL Premium SAN", "dv", false, 5, true},
	{"GEOTRUST_TRUEBIZID", "GeoTrust", "True BusinessID", "ov", false, 1, false},
	{"GEOTRUST_TRUEBIZID_SAN", "GeoTrust", "True BusinessID SAN", "ov", false, 100, false},
	{"GEOTRUST_TRUEBIZID_WILDCARD", "GeoTrust", "True BusinessID Wildcard", "ov", true, 1, false},
	{"GEOTRUST_TRUEBIZID_EV", "GeoTrust", "True BusinessID EV", "ev", false, 1, false},
	{"GEOTRUST_TRUEBIZID_EV_SAN", "GeoTrust", "True BusinessID EV SAN", "ev", false, 100, false},
	{"THAWTE_SSL123", "Thawte", "SSL123", "dv", false, 1, true},
	{"THAWTE_SSLWEBSERVER", "Thawte", "SSL Web Server", "ov", false, 24, false},
	{"THAWTE_SSLWEBSERVER_WILDCARD", "Thawte", "SSL Web Server Wildcard", "ov", true, 1, false},
	{"THAWTE_SSLWEBSERVER_EV", "Thawte", "SSL Web Server EV", "ev", false, 24, false},
	{"THAWTE_SSLWEBSERVEREV", "Thawte", "SSL Web Server EV", "ev", false, 24, false},
	{"SYMANTEC_SECURESITE", "DigiCert", "Secure Site", "ov", false, 24, false},
	{"SYMANTEC_SECURESITE_PRO", "DigiCert", "Secure Site Pro", "ov", false, 24, false},
	{"SYMANTEC_SECURESITE_EV", "DigiCert", "Secure Site EV", "ev", false, 24, false},
	{"SYMANTEC_SECURESITE_PRO_EV", "DigiCert", "Secure Site Pro EV", "ev", false, 24, false},
	{"SYMANTEC_SECURESITEEV", "DigiCert", "Secure Site EV", "ev", false, 24, false},
	{"SYMANTEC_SECURESITEPROEV", "DigiCert", "Secure Site Pro EV", "ev", false, 24, false},
	{"TRUSTWAVE_DOMAINVETTEDSSL", "Trustwave", "Domain Vetted SSL", "dv", false, 1, false},
	{"TRUSTWAVE_PREMIUMSSL", "Trustwave", "Premium SSL", "ov", false, 1, false},
	{"TRUSTWAVE_PREMIUMSSL_SAN", "Trustwave", "Premium SSL SAN", "ov", false, 5, false},
	{"TRUSTWAVE_PREMIUMSSL_WILDCARD", "Trustwave", "Premium SSL Wildcard", "ov", true, 1, false},
	{"TRUSTWAVE_PREMIUMSSL_EV", "Trustwave", "Premium SSL EV", "ev", false, 1, false},
	{"TRUSTWAVE_PREMIUMSSL_EV_SAN", "Trustwave", "Premium SSL EV SAN", "ev", false, 5, false},
}

// LookupClass returns what the table knows about an SSLCERTCLASS (any case). For a class it does not
// know, ok is false and the caller should let staff enter the details.
func LookupClass(class string) (ClassInfo, bool) {
	class = strings.ToUpper(strings.TrimSpace(class))
	for _, c := range classTable {
		if c.Class == class {
			return c, true
		}
	}
	return ClassInfo{}, false
}

// Classes returns every known class, sorted by class.
func Classes() []ClassInfo {
	out := slices.Clone(classTable)
	slices.SortFunc(out, func(a, b ClassInfo) int { return strings.Compare(a.Class, b.Class) })
	return out
}
