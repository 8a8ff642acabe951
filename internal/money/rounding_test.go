package money

import (
	"encoding/json"
	"testing"
)

func TestRound(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   Amount
		rule Rounding
		want int64
	}{
		// USD, exponent 2.
		{"USD none keeps", Amount{"USD", 1201}, RoundNone, 1201},
		{"USD whole up", Amount{"USD", 1201}, RoundWhole, 1300},
		{"USD whole keeps", Amount{"USD", 1200}, RoundWhole, 1200},
		{"USD whole zero", Amount{"USD", 0}, RoundWhole, 0},
		{"USD x.99 from whole", Amount{"USD", 1200}, RoundX99, 1299},
		{"USD x.99 keeps", Amount{"USD", 1299}, RoundX99, 1299},
		{"USD x.99 just above", Amount{"USD", 1300}, RoundX99, 1399},
		{"USD x.99 just below", Amount{"USD", 1298}, RoundX99, 1299},
		{"USD x.99 below one", Amount{"USD", 50}, RoundX99, 99},
		{"USD x.99 zero", Amount{"USD", 0}, RoundX99, 99},
		{"USD x.95 past", Amount{"USD", 1296}, RoundX95, 1395},
		{"USD x.95 keeps", Amount{"USD", 1295}, RoundX95, 1295},
		{"USD x.95 just below", Amount{"USD", 1294}, RoundX95, 1295},
		{"USD x.95 from whole", Amount{"USD", 1200}, RoundX95, 1295},
		{"USD x.95 one cent", Amount{"USD", 1}, RoundX95, 95},
		// JPY, exponent 0: x.99 and x.95 are the next whole unit, which every amount already is.
		{"JPY none", Amount{"JPY", 1301}, RoundNone, 1301},
		{"JPY whole", Amount{"JPY", 1301}, RoundWhole, 1301},
		{"JPY x.99", Amount{"JPY", 1301}, RoundX99, 1301},
		{"JPY x.95", Amount{"JPY", 1301}, RoundX95, 1301},
		// BHD, exponent 3: .99 is .990 and .95 is .950.
		{"BHD none", Amount{"BHD", 1251}, RoundNone, 1251},
		{"BHD whole up", Amount{"BHD", 1251}, RoundWhole, 2000},
		{"BHD whole keeps", Amount{"BHD", 1000}, RoundWhole, 1000},
		{"BHD x.99 from whole", Amount{"BHD", 1000}, RoundX99, 1990},
		{"BHD x.99 keeps", Amount{"BHD", 1990}, RoundX99, 1990},
		{"BHD x.99 one fils past", Amount{"BHD", 1991}, RoundX99, 2990},
		{"BHD x.95 keeps", Amount{"BHD", 1950}, RoundX95, 1950},
		{"BHD x.95 one fils past", Amount{"BHD", 1951}, RoundX95, 2950},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Round(tt.in, tt.rule)
			if err != nil {
				t.Fatal(err)
			}
			if want := (Amount{tt.in.Currency, tt.want}); got != want {
				t.Fatalf("Round(%v, %s) = %v, want %v", tt.in, tt.rule, got, want)
			}
			// Price in the same currency with no margin must agree.
			p, err := Price(tt.in, 0, tt.rule, tt.in.Currency, mustTable(t, tt.in.Currency, nil))
			if err != nil || p != got {
				t.Fatalf("Price = %v, %v; want %v", p, err, got)
			}
		})
	}
}

func TestRoundErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   Amount
		rule Rounding
		err  error
	}{
		{"unknown rule", Amount{"USD", 1}, "x.98", ErrRounding},
		{"empty rule", Amount{"USD", 1}, "", ErrRounding},
		{"negative", Amount{"USD", -1}, RoundNone, ErrAmount},
		{"unknown currency", Amount{"XYZ", 1}, RoundNone, ErrCurrency},
		{"overflow", Amount{"USD", 9223372036854775807}, RoundWhole, ErrAmount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Round(tt.in, tt.rule)
			checkErr(t, err, tt.err, "")
		})
	}
}

func TestParseRounding(t *testing.T) {
	t.Parallel()
	for _, r := range Roundings() {
		t.Run(string(r), func(t *testing.T) {
			t.Parallel()
			got, err := ParseRounding(string(r))
			if err != nil || got != r {
				t.Fatalf("ParseRounding(%q) = %q, %v", r, got, err)
			}
		})
	}
	t.Run("unknown", func(t *testing.T) {
		t.Parallel()
		_, err := ParseRounding("X.99")
		checkErr(t, err, ErrRounding, `rounding must be one of none, whole, x.99, x.95, got "X.99"`)
	})
	t.Run("json", func(t *testing.T) {
		t.Parallel()
		var v struct{ R Rounding }
		if err := json.Unmarshal([]byte(`{"R":"x.95"}`), &v); err != nil || v.R != RoundX95 {
			t.Fatalf("Unmarshal = %q, %v", v.R, err)
		}
		checkErr(t, json.Unmarshal([]byte(`{"R":"up"}`), &v), ErrRounding, "")
	})
}
