package money

import (
	"math/big"
	"strconv"
	"strings"
)

// MaxMarginBps is the largest margin: 100000 basis points, 1000 %. Anything above is a typo.
const MaxMarginBps = 100_000

// bpsPerUnit is 100 % in basis points.
const bpsPerUnit = 10_000

// ValidateMargin returns an ErrMargin error naming bps unless 0 <= bps <= MaxMarginBps.
func ValidateMargin(bps int64) error {
	if bps < 0 || bps > MaxMarginBps {
		return newError(ErrMargin, FieldMargin,
			"margin must be between 0 and %d basis points (0%% to 1000%%), got %d", MaxMarginBps, bps)
	}
	return nil
}

// ApplyMargin returns cost (minor units) plus marginBps basis points of it, rounded up to the next
// minor unit: 1 cent at 3000 bps is 1.3 cents, so 2 cents. The price is never below cost plus
// margin. Price does the same without this intermediate rounding; use ApplyMargin only where a
// margin is applied on its own. Errors: ErrMargin, ErrAmount (negative cost, result too large).
func ApplyMargin(cost int64, marginBps int64) (int64, error) {
	if err := ValidateMargin(marginBps); err != nil {
		return 0, err
	}
	if cost < 0 {
		return 0, newError(ErrAmount, FieldAmount, "cost must not be negative")
	}
	return roundUp(withMargin(cost, marginBps), 0, RoundNone)
}

// withMargin returns cost*(1 + bps/10000) exactly.
func withMargin(cost, bps int64) *big.Rat {
	num := new(big.Int).Mul(big.NewInt(cost), big.NewInt(bpsPerUnit+bps))
	return new(big.Rat).SetFrac(num, big.NewInt(bpsPerUnit))
}

// ParseMarginPercent reads a margin typed as a percentage ("30", "12.5", "0.25") into basis
// points (3000, 1250, 25). Surrounding spaces and one trailing "%" are ignored. Errors are ErrMargin.
func ParseMarginPercent(s string) (int64, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	intPart, frac, hasPoint := strings.Cut(s, ".")
	if s == "" || intPart == "" || !allDigits(intPart) || !allDigits(frac) || (hasPoint && frac == "") {
		if strings.HasPrefix(s, "-") {
			return 0, newError(ErrMargin, FieldMargin, "margin must not be negative, got %s%%", s)
		}
		return 0, newError(ErrMargin, FieldMargin, "margin must be a percentage such as 30 or 12.5, got %q", s)
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > 2 {
		return 0, newError(ErrMargin, FieldMargin,
			"margin may have at most 2 decimals (a basis point is 0.01%%), got %s%%", s)
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > 4 { // > 9999 %: surely out of range, and keeps ParseInt in range
		return 0, newError(ErrMargin, FieldMargin, "margin must be at most 1000%%, got %s%%", s)
	}
	bps, _ := strconv.ParseInt(intPart+frac+strings.Repeat("0", 2-len(frac)), 10, 64)
	if bps > MaxMarginBps {
		return 0, newError(ErrMargin, FieldMargin, "margin must be at most 1000%%, got %s%%", s)
	}
	return bps, nil
}

// FormatMarginPercent renders basis points as the percentage ParseMarginPercent reads ("12.5"
// for 1250, "30" for 3000), without the "%" sign.
func FormatMarginPercent(bps int64) string {
	sign := ""
	u := uint64(bps)
	if bps < 0 {
		sign, u = "-", -u
	}
	s := sign + strconv.FormatUint(u/100, 10)
	if f := u % 100; f != 0 {
		s += strings.TrimRight("."+strconv.FormatUint(f/10, 10)+strconv.FormatUint(f%10, 10), "0")
	}
	return s
}
