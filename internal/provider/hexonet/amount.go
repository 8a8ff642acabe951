package hexonet

import (
	"errors"
	"math"
	"strings"

	"github.com/sslreseller/sslreseller/internal/money"
)

// parseAmount reads a HEXONET decimal ("19.00", "-1658.9", "217458.12") into minor units of currency.
// The sign is kept (an account balance goes below zero when credit is used). Decimals beyond the
// currency's are rounded away from zero, so a cost is never understated. A currency unknown to the
// money package is taken to have two decimals.
func parseAmount(s, currency string) (money.Amount, error) {
	currency = strings.ToUpper(strings.TrimSpace(currency))
	e, ok := money.Exponent(currency)
	if !ok {
		e = 2
	}
	s = strings.TrimSpace(s)
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	if intPart == "" && frac == "" {
		return money.Amount{}, errors.New("not a number")
	}
	if !digits(intPart) || !digits(frac) {
		return money.Amount{}, errors.New("not a number")
	}
	roundUp := false
	if len(frac) > e {
		roundUp = strings.Trim(frac[e:], "0") != ""
		frac = frac[:e]
	}
	frac += strings.Repeat("0", e-len(frac))
	var v int64
	for _, d := range intPart + frac {
		if v > (math.MaxInt64-9)/10 {
			return money.Amount{}, errors.New("too large")
		}
		v = v*10 + int64(d-'0')
	}
	if roundUp {
		if v == math.MaxInt64 {
			return money.Amount{}, errors.New("too large")
		}
		v++
	}
	if neg {
		v = -v
	}
	return money.Amount{Currency: currency, Minor: v}, nil
}

// digits reports whether s has only ASCII digits (or is empty).
func digits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
