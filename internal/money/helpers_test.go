package money

import (
	"errors"
	"testing"
)

func mustRate(tb testing.TB, s string) Rate {
	tb.Helper()
	r, err := ParseRate(s)
	if err != nil {
		tb.Fatalf("ParseRate(%q): %v", s, err)
	}
	return r
}

// mustTable builds a RateTable from decimal strings.
func mustTable(tb testing.TB, def string, rates map[string]string) RateTable {
	tb.Helper()
	m := make(map[string]Rate, len(rates))
	for c, s := range rates {
		m[c] = mustRate(tb, s)
	}
	t, err := NewRateTable(def, m)
	if err != nil {
		tb.Fatalf("NewRateTable: %v", err)
	}
	return t
}

// checkErr fails unless err matches want (nil for success) and, when msg is not empty, reads msg.
func checkErr(tb testing.TB, err, want error, msg string) {
	tb.Helper()
	if want == nil {
		if err != nil {
			tb.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if !errors.Is(err, want) {
		tb.Fatalf("error = %v, want one matching %v", err, want)
	}
	if msg != "" && err.Error() != msg {
		tb.Fatalf("message = %q, want %q", err.Error(), msg)
	}
}
