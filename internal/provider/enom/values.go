package enom

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// parseBool reads Enom's booleans, which come as True/False, true/false, 1/0, Yes/No or Y/N, often
// mixed in one response. Anything else (including empty) is false.
func parseBool(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "yes", "y", "on":
		return true
	}
	return false
}

// parseInt reads an integer, ignoring surrounding space and thousands separators; empty or bad
// input is 0.
func parseInt(s string) int {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}

// parseMoney reads an amount such as "$9.95", "2,261.65", "-1,832.23" or "USD 19.95" into minor
// units (cents). More than two decimals are rounded up to the next cent, so a cost never reads
// lower than the provider's figure.
func parseMoney(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("no amount")
	}
	neg := false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg, s = true, strings.TrimSpace(s[1:len(s)-1])
	}
	s = strings.TrimSpace(strings.TrimPrefix(strings.ToUpper(s), "USD"))
	if strings.HasPrefix(s, "-") {
		neg, s = !neg, strings.TrimSpace(s[1:])
	}
	s = strings.TrimSpace(strings.TrimPrefix(s, "$"))
	if strings.HasPrefix(s, "-") {
		neg, s = !neg, strings.TrimSpace(s[1:])
	}
	s = strings.ReplaceAll(s, ",", "")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	if !allDigits(whole) || !allDigits(frac) || len(whole) > 15 {
		return 0, errors.New("not an amount: " + strconv.Quote(s))
	}
	units, _ := strconv.ParseInt(whole, 10, 64)
	cents := int64(0)
	if frac != "" {
		padded := (frac + "00")[:2]
		cents, _ = strconv.ParseInt(padded, 10, 64)
		if strings.Trim(frac[min(2, len(frac)):], "0") != "" {
			cents++ // round up: never under-state a cost
		}
	}
	if units > (math.MaxInt64-cents)/100 {
		return 0, errors.New("amount too large")
	}
	v := units*100 + cents
	if neg {
		v = -v
	}
	return v, nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// dateLayouts are the forms Enom writes dates in: US month-first with or without a 12-hour time,
// plus ISO forms a gateway might use.
var dateLayouts = []string{
	"1/2/2006 3:04:05 PM",
	"1/2/2006 3:04 PM",
	"1/2/2006 15:04:05",
	"1/2/2006 15:04",
	"1/2/2006",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02",
}

// parseDate reads an Enom date. Enom does not say which time zone it writes in (its servers are on
// US Pacific time); the result is read as UTC, so callers matching by date should allow a day either
// way. Empty or unreadable input gives the zero time.
func parseDate(s string) time.Time {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return time.Time{}
	}
	s = strings.ReplaceAll(strings.ReplaceAll(s, " am", " AM"), " pm", " PM")
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return t
		}
	}
	return time.Time{}
}

// formatDate writes a date filter the way CertGetCerts wants it (MM/DD/YYYY).
func formatDate(t time.Time) string { return t.Format("01/02/2006") }
