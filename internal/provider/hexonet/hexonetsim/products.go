package hexonetsim

import "github.com/sslreseller/sslreseller/internal/pki"

// product is a certificate class the simulated accounts may buy.
type product struct {
	class      string
	validation pki.Validation
	wildcard   bool
	maxNames   int
	// annual and setup are the prices in minor units of the account currency.
	annual, setup int64
	// dnsFile is true when the class can be validated by DNS record or HTTP file.
	dnsFile bool
}

// products is the simulator's price list, served as PRICE_CLASS_SSLCERT_* user relations.
var products = []product{
	{class: "COMODO_POSITIVESSL", validation: pki.ValidationDV, maxNames: 1, annual: 700, dnsFile: true},
	{class: "COMODO_ESSENTIALSSL", validation: pki.ValidationDV, maxNames: 1, annual: 1900, dnsFile: true},
	{class: "COMODO_ESSENTIALSSL_WILDCARD", validation: pki.ValidationDV, wildcard: true, maxNames: 1, annual: 8900, dnsFile: true},
	{class: "COMODO_INSTANTSSL", validation: pki.ValidationOV, maxNames: 1, annual: 4900},
	{class: "COMODO_UCC", validation: pki.ValidationOV, maxNames: 24, annual: 8900, setup: 1000},
	{class: "COMODO_SSL_EV", validation: pki.ValidationEV, maxNames: 1, annual: 12900, setup: 1500},
	{class: "GEOTRUST_RAPIDSSL", validation: pki.ValidationDV, maxNames: 1, annual: 1500, dnsFile: true},
	{class: "THAWTE_SSL123", validation: pki.ValidationDV, maxNames: 1, annual: 3500, dnsFile: true},
}

// productOf finds a class (upper case).
func productOf(class string) (product, bool) {
	for _, p := range products {
		if p.class == class {
			return p, true
		}
	}
	return product{}, false
}

// price is what a term of years costs: the setup fee once, the annual fee per year.
func (p product) price(years int) int64 { return p.setup + int64(years)*p.annual }

// otherRelations are user relations that are not SSL prices, served so that clients learn to ignore them.
var otherRelations = [][2]string{
	{"PRICE_CLASS_DOMAIN_COM_ANNUAL", "8.50"},
	{"PRICE_CLASS_DOMAIN_COM_CURRENCY", "USD"},
	{"PRICE_CLASS_DOMAIN_COM_SETUP", "0.00"},
	{"PRICE_CLASS_DNSZONE_EXTERNAL_ANNUAL", "12.00"},
	{"PRICE_CLASS_DNSZONE_EXTERNAL_CURRENCY", "USD"},
	{"SETTING_RENEWALMODE", "DEFAULT"},
}
