package hexonet

import "testing"

func TestMapStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw  string
		want Status
	}{
		{"REQUESTED", StatusPending},
		{"REQUESTEDCREATE", StatusPending},
		{"PENDING", StatusPending},
		{"PENDINGCREATE", StatusPending},
		{"PROCESSING", StatusPending},
		{"REQUESTEDREISSUE", StatusPending},
		{"PENDINGREISSUE", StatusPending},
		{"REQUESTEDRENEW", StatusPending},
		{"PENDINGRENEW", StatusPending},
		{"ACTIVE", StatusIssued},
		{"FAILED", StatusRejected},
		{"REVOKED", StatusRevoked},
		{"EXPIRED", StatusExpired},
		{"REPLACED", StatusReplaced},
		// Odd but legal spellings.
		{" active ", StatusIssued},
		{"Failed", StatusRejected},
		// Unknown values are never guessed.
		{"", StatusUnknown},
		{"DELETED", StatusUnknown},
		{"ACTIVE2", StatusUnknown},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			t.Parallel()
			if got := MapStatus(tt.raw); got != tt.want {
				t.Errorf("MapStatus(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
		covered[tt.raw] = true
	}
	for raw := range statusTable {
		if !covered[raw] {
			t.Errorf("statusTable row %q has no test", raw)
		}
	}
}

func TestResendAllowed(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]bool{
		"REQUESTEDCREATE": true, "PENDINGCREATE": true, "pendingreissue": true, "REQUESTEDRENEW": true,
		"ACTIVE": false, "FAILED": false, "REVOKED": false, "": false,
	} {
		if got := ResendAllowed(raw); got != want {
			t.Errorf("ResendAllowed(%q) = %v, want %v", raw, got, want)
		}
	}
}
