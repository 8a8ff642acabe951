package sandbox

import (
	"strings"

	"github.com/sslreseller/sslreseller/internal/money"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// Brand is the brand of every sandbox item.
const Brand = "Sandbox CA"

// Item codes of the catalogue.
const (
	ItemDV         = "sandbox-dv"
	ItemDVWildcard = "sandbox-dv-wildcard"
	ItemDVMulti    = "sandbox-dv-multi"
	ItemOV         = "sandbox-ov"
	ItemEV         = "sandbox-ev"
)

// usd is a cost in US cents.
func usd(cents int64) *money.Amount { return &money.Amount{Currency: "USD", Minor: cents} }

// periods are costs for 12 and 24 months.
func periods(c12, c24 int64) []provider.PeriodCost {
	return []provider.PeriodCost{{Months: 12, Cost: usd(c12)}, {Months: 24, Cost: usd(c24)}}
}

// catalog returns the built-in catalogue, a fresh copy each time so no caller can change another's.
// Costs resemble a real reseller price list; a 24-month period is cheaper per year, as upstream.
func catalog() []provider.CatalogItem {
	return []provider.CatalogItem{
		{Code: ItemDV, Name: "Sandbox DV", Brand: Brand, Validation: provider.DV,
			IncludedNames: 1, MaxNames: 1, Periods: periods(800, 1500)},
		{Code: ItemDVWildcard, Name: "Sandbox DV Wildcard", Brand: Brand, Validation: provider.DV, Wildcard: true,
			IncludedNames: 1, MaxNames: 1, Periods: periods(4500, 8500)},
		{Code: ItemDVMulti, Name: "Sandbox DV Multi-Domain", Brand: Brand, Validation: provider.DV,
			IncludedNames: 3, MaxNames: 100, Periods: periods(2000, 3800), PerNameCost: periods(400, 750)},
		{Code: ItemOV, Name: "Sandbox OV", Brand: Brand, Validation: provider.OV,
			IncludedNames: 1, MaxNames: 1, Periods: periods(3500, 6600)},
		{Code: ItemEV, Name: "Sandbox EV", Brand: Brand, Validation: provider.EV,
			IncludedNames: 1, MaxNames: 1, Periods: periods(9000, 17000)},
	}
}

// findItem returns the catalogue item with code, or an Invalid error on "item" listing the codes.
func findItem(code string) (provider.CatalogItem, error) {
	items := catalog()
	codes := make([]string, 0, len(items))
	for _, it := range items {
		if it.Code == code {
			return it, nil
		}
		codes = append(codes, it.Code)
	}
	return provider.CatalogItem{}, invalid("item", "%q is not a sandbox product; the sandbox sells %s", code, strings.Join(codes, ", "))
}

// sellsPeriod reports whether the item is sold for months.
func sellsPeriod(it provider.CatalogItem, months int) bool {
	for _, p := range it.Periods {
		if p.Months == months {
			return true
		}
	}
	return false
}
