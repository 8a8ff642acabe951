package money

import (
	"math/big"
	"strings"
)

// Rounding is a named rule for turning an exact price into an amount. Every rule rounds up, so a
// price never drops below cost plus margin.
type Rounding string

// The rounding rules, by the names tenants see and store.
const (
	// RoundNone rounds up to the next minor unit (12.001 -> 12.01).
	RoundNone Rounding = "none"
	// RoundWhole rounds up to the next whole major unit (12.01 -> 13.00; 12.00 stays).
	RoundWhole Rounding = "whole"
	// RoundX99 rounds up to the next price ending in .99 of the major unit (12.00 -> 12.99,
	// 12.99 stays, 13.00 -> 13.99); .990 for three-decimal currencies; the next whole unit for
	// currencies without minor units.
	RoundX99 Rounding = "x.99"
	// RoundX95 is RoundX99 with .95 (12.96 -> 13.95).
	RoundX95 Rounding = "x.95"
)

// Roundings returns every rule in the order a form lists them.
func Roundings() []Rounding { return []Rounding{RoundNone, RoundWhole, RoundX99, RoundX95} }

// ParseRounding returns the rule named s, or an ErrRounding error listing the names.
func ParseRounding(s string) (Rounding, error) {
	r := Rounding(s)
	if !r.Valid() {
		return "", newError(ErrRounding, FieldRounding, "rounding must be one of %s, got %q", roundingNames(), s)
	}
	return r, nil
}

// Valid reports whether r is one of the named rules.
func (r Rounding) Valid() bool {
	switch r {
	case RoundNone, RoundWhole, RoundX99, RoundX95:
		return true
	}
	return false
}

// UnmarshalText parses like ParseRounding, so JSON input is checked while it is decoded.
func (r *Rounding) UnmarshalText(b []byte) error {
	v, err := ParseRounding(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// Round applies rule to an amount that is already in minor units, e.g. a price a reseller typed in.
// a must have a known currency and must not be negative.
func Round(a Amount, rule Rounding) (Amount, error) {
	if err := checkRounding(rule); err != nil {
		return Amount{}, err
	}
	if err := a.Validate(); err != nil {
		return Amount{}, err
	}
	e, _ := Exponent(a.Currency)
	minor, err := roundUp(new(big.Rat).SetInt64(a.Minor), e, rule)
	if err != nil {
		return Amount{}, err
	}
	return Amount{Currency: a.Currency, Minor: minor}, nil
}

func checkRounding(r Rounding) error {
	if r.Valid() {
		return nil
	}
	_, err := ParseRounding(string(r))
	return err
}

func roundingNames() string {
	var b strings.Builder
	for i, r := range Roundings() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(r))
	}
	return b.String()
}

// roundUp rounds v, an exact non-negative value in minor units of a currency with exponent e, up by
// rule, and returns it as int64 minor units or an ErrAmount error when it does not fit.
func roundUp(v *big.Rat, e int, rule Rounding) (int64, error) {
	// n = ceil(v): every rule lands on a whole minor unit, and the smallest one >= v that matches
	// a rule is also the smallest one >= ceil(v).
	n, rem := new(big.Int).QuoRem(v.Num(), v.Denom(), new(big.Int))
	if rem.Sign() > 0 {
		n.Add(n, big.NewInt(1))
	}
	unit := big.NewInt(pow10(e))
	// target is the minor-unit fraction of the major unit the result must end in.
	var target *big.Int
	switch {
	case rule == RoundNone:
		target = nil
	case rule == RoundWhole || e < 2:
		// Without cents there is no .99: x.99 and x.95 mean the next whole unit.
		target = big.NewInt(0)
	case rule == RoundX99:
		target = big.NewInt(pow10(e) - pow10(e-2)) // 99, 990
	case rule == RoundX95:
		target = big.NewInt(pow10(e) - 5*pow10(e-2)) // 95, 950
	}
	if target != nil {
		// Smallest k*unit + target >= n.
		whole, frac := new(big.Int).QuoRem(n, unit, new(big.Int))
		if frac.Cmp(target) > 0 {
			whole.Add(whole, big.NewInt(1))
		}
		n.Mul(whole, unit).Add(n, target)
	}
	if !n.IsInt64() {
		return 0, newError(ErrAmount, FieldAmount, "the price is too large")
	}
	return n.Int64(), nil
}
