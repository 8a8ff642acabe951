package errs

import (
	"fmt"
	"testing"
)

func TestCodeOfWrapped(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("client: create: %w", New(Conflict, "a client with this e-mail exists"))
	if got := CodeOf(err); got != Conflict {
		t.Fatalf("CodeOf = %q, want conflict", got)
	}
	if got := CodeOf(fmt.Errorf("boom")); got != Internal {
		t.Fatalf("plain error: CodeOf = %q, want internal", got)
	}
}

func TestFields(t *testing.T) {
	t.Parallel()
	var f Fields
	if f.Err() != nil {
		t.Fatal("empty Fields must give nil")
	}
	f.Add("email", "is not an e-mail address")
	f.Add("country", "must be an ISO 3166 alpha-2 code")
	e, ok := As(f.Err())
	if !ok || e.Code != Invalid || len(e.Fields) != 2 || e.Message != "email: is not an e-mail address (and 1 more problems)" {
		t.Fatalf("unexpected %#v", e)
	}
}
