package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/sslreseller/sslreseller/internal/app/apptest"
	"github.com/sslreseller/sslreseller/internal/httpapi"
)

type client struct {
	ID         string  `json:"id"`
	Email      string  `json:"email"`
	FirstName  string  `json:"first_name"`
	LastName   string  `json:"last_name"`
	Phone      string  `json:"phone"`
	ExternalID *string `json:"external_id"`
	Address    struct {
		City    string `json:"city"`
		Country string `json:"country"`
	} `json:"address"`
}

type clientList struct {
	Data       []client `json:"data"`
	NextCursor *string  `json:"next_cursor"`
}

func wantProblem(t *testing.T, r *apptest.Response, status int, code, field string) httpapi.Problem {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json", ct)
	}
	var p httpapi.Problem
	r.JSON(t, &p)
	if p.Code != code {
		t.Fatalf("problem code %q, want %q: %s", p.Code, code, r.Body)
	}
	if field != "" {
		found := false
		for _, e := range p.Errors {
			found = found || e.Field == field
		}
		if !found {
			t.Fatalf("problem does not name field %q: %s", field, r.Body)
		}
	}
	return p
}

func TestClientsCRUD(t *testing.T) {
	s := apptest.New(t)
	key := s.BillingKey

	r := s.Call(t, "POST", "/api/v1/clients", key, map[string]any{
		"email": "jane@Example.COM", "first_name": " Jane ", "last_name": "Doe", "phone": "+49 30 1234567",
		"address": map[string]any{"city": "Berlin", "country": "de"}, "external_id": "whmcs-17",
	})
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var c client
	r.JSON(t, &c)
	if c.Email != "jane@example.com" || c.FirstName != "Jane" || c.Address.Country != "DE" || c.ExternalID == nil || *c.ExternalID != "whmcs-17" {
		t.Fatalf("create normalised wrongly: %+v", c)
	}
	if loc := r.Header.Get("Location"); loc != "/api/v1/clients/"+c.ID {
		t.Errorf("Location %q", loc)
	}

	r = s.Call(t, "GET", "/api/v1/clients/"+c.ID, key, nil)
	var got client
	r.JSON(t, &got)
	if r.Status != 200 || got.ID != c.ID {
		t.Fatalf("get: %d %s", r.Status, r.Body)
	}

	r = s.Call(t, "PATCH", "/api/v1/clients/"+c.ID, key, `{"last_name":"Smith","phone":null,"address":{"city":"Hamburg"},"external_id":null}`)
	var patched client
	r.JSON(t, &patched)
	if r.Status != 200 || patched.LastName != "Smith" || patched.Phone != "" || patched.Address.City != "Hamburg" ||
		patched.Address.Country != "DE" || patched.ExternalID != nil || patched.FirstName != "Jane" {
		t.Fatalf("patch: %d %+v", r.Status, patched)
	}

	// Unknown and malformed ids are both not found.
	wantProblem(t, s.Call(t, "GET", "/api/v1/clients/0190f1a2-0000-7000-8000-000000000000", key, nil), 404, "not_found", "")
	wantProblem(t, s.Call(t, "GET", "/api/v1/clients/nope", key, nil), 404, "not_found", "")

	// Duplicate e-mail is a conflict naming the field.
	wantProblem(t, s.Call(t, "POST", "/api/v1/clients", key, map[string]any{"email": "JANE@example.com", "first_name": "J", "last_name": "D"}), 409, "conflict", "email")
}

func TestClientsBadInputChangesNothing(t *testing.T) {
	s := apptest.New(t)
	key := s.BillingKey
	cases := []struct {
		name, body, field string
	}{
		{"missing email", `{"first_name":"A","last_name":"B"}`, "email"},
		{"bad email", `{"email":"not-an-address","first_name":"A","last_name":"B"}`, "email"},
		{"missing names", `{"email":"a@example.com"}`, "first_name"},
		{"bad country", `{"email":"a@example.com","first_name":"A","last_name":"B","address":{"country":"XX"}}`, "address.country"},
		{"bad phone", `{"email":"a@example.com","first_name":"A","last_name":"B","phone":"call me"}`, "phone"},
		{"unknown field", `{"email":"a@example.com","first_name":"A","last_name":"B","nickname":"x"}`, "nickname"},
		{"wrong type", `{"email":"a@example.com","first_name":7,"last_name":"B"}`, "first_name"},
		{"malformed JSON", `{"email":`, "body"},
		{"empty body", ``, "body"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantProblem(t, s.Call(t, "POST", "/api/v1/clients", key, tc.body), 400, "invalid_request", tc.field)
		})
	}
	var l clientList
	s.Call(t, "GET", "/api/v1/clients", key, nil).JSON(t, &l)
	if len(l.Data) != 0 {
		t.Fatalf("bad input created %d clients", len(l.Data))
	}
}

func TestClientsPaginationAndSearch(t *testing.T) {
	s := apptest.New(t)
	key := s.BillingKey
	for i := range 7 {
		r := s.Call(t, "POST", "/api/v1/clients", key, map[string]any{
			"email": fmt.Sprintf("c%d@example.com", i), "first_name": "Client", "last_name": fmt.Sprintf("Number%d", i),
			"organization": map[bool]string{true: "Globex", false: "Initech"}[i%2 == 0],
		})
		if r.Status != 201 {
			t.Fatalf("create %d: %s", i, r.Body)
		}
	}
	var all []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		var l clientList
		s.Call(t, "GET", "/api/v1/clients?limit=3&cursor="+cursor, key, nil).JSON(t, &l)
		for _, c := range l.Data {
			all = append(all, c.Email)
		}
		if l.NextCursor == nil {
			break
		}
		cursor = *l.NextCursor
	}
	if strings.Join(all, ",") != "c0@example.com,c1@example.com,c2@example.com,c3@example.com,c4@example.com,c5@example.com,c6@example.com" {
		t.Fatalf("pages gave %v", all)
	}
	var l clientList
	s.Call(t, "GET", "/api/v1/clients?q=globex", key, nil).JSON(t, &l)
	if len(l.Data) != 4 {
		t.Fatalf("search globex: %d results", len(l.Data))
	}
	wantProblem(t, s.Call(t, "GET", "/api/v1/clients?limit=500", key, nil), 400, "invalid_request", "limit")
	wantProblem(t, s.Call(t, "GET", "/api/v1/clients?cursor=garbage", key, nil), 400, "invalid_request", "cursor")
}

func TestAuthAndTenantIsolation(t *testing.T) {
	s := apptest.New(t)
	r := s.Call(t, "POST", "/api/v1/clients", s.BillingKey, map[string]any{"email": "a@example.com", "first_name": "A", "last_name": "B"})
	var c client
	r.JSON(t, &c)

	wantProblem(t, s.Call(t, "GET", "/api/v1/clients", "", nil), 401, "unauthenticated", "")
	wantProblem(t, s.Call(t, "GET", "/api/v1/clients", "sslr_aaaaaaaaaaaa_"+strings.Repeat("b", 40), nil), 401, "unauthenticated", "")
	wantProblem(t, s.Call(t, "GET", "/api/v1/clients", s.BillingKey+"x", nil), 401, "unauthenticated", "")

	// A second tenant's key sees none of the first tenant's clients, and its id is not found.
	_, _, _, otherKey, _ := apptest.Seed(t, s.App, "other", "Other Reseller")
	var l clientList
	s.Call(t, "GET", "/api/v1/clients", otherKey, nil).JSON(t, &l)
	if len(l.Data) != 0 {
		t.Fatalf("other tenant sees %d clients", len(l.Data))
	}
	wantProblem(t, s.Call(t, "GET", "/api/v1/clients/"+c.ID, otherKey, nil), 404, "not_found", "")
	wantProblem(t, s.Call(t, "PATCH", "/api/v1/clients/"+c.ID, otherKey, `{"last_name":"X"}`), 404, "not_found", "")

	// Cookies are never accepted as API authentication.
	req, _ := http.NewRequest("GET", s.URL+"/api/v1/clients", nil)
	req.Header.Set("Cookie", "sslr_session=anything")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("cookie auth answered %d", resp.StatusCode)
	}

	// A revoked key stops working at once.
	k, secret, err := s.App.Accounts.CreateAPIKey(t.Context(), s.Tenant.ID, "temp", "billing")
	if err != nil {
		t.Fatal(err)
	}
	if r := s.Call(t, "GET", "/api/v1/clients", secret, nil); r.Status != 200 {
		t.Fatalf("fresh key: %d", r.Status)
	}
	if err := s.App.Accounts.RevokeAPIKey(t.Context(), s.Tenant.ID, k.ID); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, s.Call(t, "GET", "/api/v1/clients", secret, nil), 401, "unauthenticated", "")
}

func TestIdempotency(t *testing.T) {
	s := apptest.New(t)
	key := s.BillingKey
	body := `{"email":"idem@example.com","first_name":"I","last_name":"D"}`
	first := s.Call(t, "POST", "/api/v1/clients", key, body, "Idempotency-Key: k-1")
	if first.Status != 201 || first.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("first: %d %v", first.Status, first.Header)
	}
	// Same JSON with keys in another order and other spacing replays.
	again := s.Call(t, "POST", "/api/v1/clients", key, `{ "last_name":"D", "first_name":"I", "email":"idem@example.com" }`, "Idempotency-Key: k-1")
	if again.Status != 201 || again.Header.Get("Idempotent-Replayed") != "true" || string(again.Body) != string(first.Body) {
		t.Fatalf("replay: %d %v %s", again.Status, again.Header, again.Body)
	}
	wantProblem(t, s.Call(t, "POST", "/api/v1/clients", key, `{"email":"other@example.com","first_name":"I","last_name":"D"}`, "Idempotency-Key: k-1"), 409, "idempotency_conflict", "")

	// A failed request releases the key: the corrected request may use it.
	wantProblem(t, s.Call(t, "POST", "/api/v1/clients", key, `{"email":"bad"}`, "Idempotency-Key: k-2"), 400, "invalid_request", "email")
	if r := s.Call(t, "POST", "/api/v1/clients", key, `{"email":"good@example.com","first_name":"G","last_name":"D"}`, "Idempotency-Key: k-2"); r.Status != 201 {
		t.Fatalf("corrected request: %d %s", r.Status, r.Body)
	}

	// Keys are scoped to the tenant: another tenant may use the same key.
	_, _, _, otherKey, _ := apptest.Seed(t, s.App, "other", "Other")
	if r := s.Call(t, "POST", "/api/v1/clients", otherKey, body, "Idempotency-Key: k-1"); r.Status != 201 || r.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("other tenant same key: %d %v", r.Status, r.Header)
	}
}

func TestEveryChangeIsAudited(t *testing.T) {
	s := apptest.New(t)
	r := s.Call(t, "POST", "/api/v1/clients", s.BillingKey, map[string]any{"email": "a@example.com", "first_name": "A", "last_name": "B"})
	var c client
	r.JSON(t, &c)
	s.Call(t, "PATCH", "/api/v1/clients/"+c.ID, s.BillingKey, `{"first_name":"Z"}`)
	var actions []string
	err := s.App.System.Tx(t.Context(), func(tx pgx.Tx) error {
		rows, _ := tx.Query(t.Context(), `SELECT action || ':' || actor_type FROM audit_events WHERE entity_id = $1 ORDER BY id`, c.ID)
		defer rows.Close()
		for rows.Next() {
			var a string
			if err := rows.Scan(&a); err != nil {
				return err
			}
			actions = append(actions, a)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(actions, ",") != "client.created:api_key,client.updated:api_key" {
		t.Fatalf("audit events: %v", actions)
	}
}
