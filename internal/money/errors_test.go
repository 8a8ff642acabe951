package money

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

func TestErrorBridgesToErrs(t *testing.T) {
	t.Parallel()
	_, err := Price(Amount{"EUR", 100}, 0, RoundNone, "USD", mustTable(t, "USD", nil))
	err = fmt.Errorf("catalog: price: %w", err)

	if !errors.Is(err, ErrNoRate) || !errors.Is(err, ErrRate) || errors.Is(err, ErrAmount) {
		t.Fatalf("errors.Is mismatch for %v", err)
	}
	if got := errs.CodeOf(err); got != errs.Invalid {
		t.Fatalf("errs.CodeOf = %q, want invalid", got)
	}
	e, ok := errs.As(err)
	if !ok {
		t.Fatal("errs.As found no *errs.Error")
	}
	want := &errs.Error{
		Code:    errs.Invalid,
		Message: "no exchange rate for EUR",
		Fields:  []errs.FieldError{{Field: "rate", Detail: "no exchange rate for EUR"}},
	}
	if diff := cmp.Diff(want, e); diff != "" {
		t.Fatalf("errs.As (-want +got):\n%s", diff)
	}
	var me *Error
	if !errors.As(err, &me) || me.Field != FieldRate {
		t.Fatalf("errors.As *Error = %#v", me)
	}
}
