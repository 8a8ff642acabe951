package notify

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// The test vector of the Standard Webhooks specification.
func TestSignMatchesStandardWebhooks(t *testing.T) {
	got, err := Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
	if _, err := Sign("whsec_not base64!", "m", 1, nil); err == nil {
		t.Fatal("a broken secret signed")
	}
}

// With private targets off, a delivery never connects to a loopback address, even over https and
// whatever name the URL uses.
func TestSendRefusesPrivateTargetsAtDeliveryTime(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hits.Add(1) }))
	defer srv.Close()
	strict := &Service{cfg: Config{AllowPrivateTargets: false}}
	for _, target := range []string{srv.URL + "/hook", "http://example.com/hook"} {
		if _, err := strict.send(context.Background(), target, "m", 1, "v1,x", []byte("{}")); !errors.Is(err, errRefused) {
			t.Fatalf("%s: %v, want a refusal", target, err)
		}
	}
	if hits.Load() != 0 {
		t.Fatal("the private target was reached")
	}
}
