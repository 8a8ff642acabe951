package sectigo

// Validation levels of the catalogue, as the service spells them.
const (
	ValidationDV = "dv"
	ValidationOV = "ov"
	ValidationEV = "ev"
)

// Product is one Sectigo certificate product as the catalogue knows it. Sectigo's API lists neither
// products nor prices: the codes come from Sectigo's AutoApplyOrder documentation and the reseller's
// price list, and the tenant enters the cost of each period.
type Product struct {
	// Code is the integer sent as the "product" argument.
	Code int
	// Name is Sectigo's current product name.
	Name string
	// Validation is "dv", "ov" or "ev".
	Validation string
	// Wildcard is true for products that certify *.domain.
	Wildcard bool
	// MultiDomain is true for products that take extra names (domainNames).
	MultiDomain bool
	// IncludedNames is how many names the base price covers.
	IncludedNames int
	// MaxNames is the most names one certificate may carry. For single-name products it is 2: Sectigo adds
	// the www. (or, for a wildcard, the bare domain) companion of the name at no cost, so a CSR that already
	// lists both is accepted.
	MaxNames int
	// Months are the term lengths the service offers; Sectigo's "days" argument is the term in days.
	Months []int
	// Trial marks the free 30-day trial product.
	Trial bool
}

// Included and maximum names of multi-domain products. Sectigo multi-domain certificates include three
// names and take up to 250 [K: reseller price lists; the API does not say].
const (
	mdcIncluded = 3
	mdcMax      = 250
)

// Catalogue returns the known product codes (providers.md 3.5), a fresh slice on every call. Renewal is a
// new order of the same product; longer terms are served by reissues as the industry dates require.
func Catalogue() []Product {
	single := func(code int, name, level string) Product {
		return Product{Code: code, Name: name, Validation: level, IncludedNames: 1, MaxNames: 2, Months: []int{12, 24}}
	}
	wildcard := func(code int, name, level string) Product {
		p := single(code, name, level)
		p.Wildcard = true
		return p
	}
	multi := func(code int, name, level string) Product {
		return Product{Code: code, Name: name, Validation: level, MultiDomain: true, IncludedNames: mdcIncluded, MaxNames: mdcMax, Months: []int{12, 24}}
	}
	trial := single(291, "PositiveSSL Trial DV (30 day)", ValidationDV)
	trial.Trial, trial.Months = true, []int{1}
	return []Product{
		trial,
		single(287, "PositiveSSL DV", ValidationDV),
		wildcard(289, "PositiveSSL Wildcard DV", ValidationDV),
		multi(279, "PositiveSSL Multi-Domain DV", ValidationDV),
		single(556, "PositiveSSL EV", ValidationEV),
		multi(557, "PositiveSSL EV Multi-Domain", ValidationEV),
		single(330, "InstantSSL DV", ValidationDV),
		wildcard(331, "InstantSSL Wildcard DV", ValidationDV),
		single(7, "InstantSSL OV", ValidationOV),
		wildcard(35, "InstantSSL OV Wildcard", ValidationOV),
		multi(361, "InstantSSL UCC OV", ValidationOV),
		single(567, "InstantSSL EV", ValidationEV),
		multi(568, "InstantSSL EV Multi-Domain", ValidationEV),
		single(488, "SectigoSSL DV", ValidationDV),
		wildcard(489, "SectigoSSL Wildcard DV", ValidationDV),
		multi(492, "SectigoSSL UCC DV", ValidationDV),
		single(316, "SectigoSSL OV", ValidationOV),
		wildcard(322, "SectigoSSL OV Wildcard", ValidationOV),
		multi(583, "SectigoSSL OV Multi Domain", ValidationOV),
		single(337, "SectigoSSL EV", ValidationEV),
		multi(410, "SectigoSSL EV Multi-Domain", ValidationEV),
		single(749, "Enterprise SSL DV", ValidationDV),
		wildcard(750, "Enterprise SSL Wildcard DV", ValidationDV),
		multi(751, "Enterprise SSL Multi-Domain DV", ValidationDV),
		single(63, "EnterpriseSSL OV", ValidationOV),
	}
}

// ProductByCode finds a known product.
func ProductByCode(code int) (Product, bool) {
	for _, p := range Catalogue() {
		if p.Code == code {
			return p, true
		}
	}
	return Product{}, false
}
