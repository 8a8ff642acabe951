package order

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"time"

	"github.com/google/uuid"
)

// Tokens makes and checks the single-purpose, expiring tokens of links that grant access. A token
// names its purpose, the order it opens and when it expires, and is signed with a key derived
// from crypto.key; nothing else can be done with it.
type Tokens struct {
	key []byte
}

// Token purposes.
const (
	PurposeConfigure byte = 1 // the client's link to configure and follow one order
)

// NewTokens derives the signing key from the sealing key's bytes.
func NewTokens(secret []byte) *Tokens {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("sslreseller access tokens v1"))
	return &Tokens{key: m.Sum(nil)}
}

// Make returns a token for the purpose and order, valid until expires.
func (t *Tokens) Make(purpose byte, tenantID, orderID uuid.UUID, expires time.Time) string {
	payload := make([]byte, 0, 1+16+8)
	payload = append(payload, purpose)
	payload = append(payload, orderID[:]...)
	payload = binary.BigEndian.AppendUint64(payload, uint64(expires.Unix()))
	return base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(t.sign(tenantID, payload))
}

func (t *Tokens) sign(tenantID uuid.UUID, payload []byte) []byte {
	m := hmac.New(sha256.New, t.key)
	m.Write(tenantID[:])
	m.Write(payload)
	return m.Sum(nil)[:18]
}

// Open checks a token for the purpose and tenant at now and returns the order it opens.
func (t *Tokens) Open(purpose byte, tenantID uuid.UUID, token string, now time.Time) (uuid.UUID, bool) {
	var p, s string
	for i := 0; i < len(token); i++ {
		if token[i] == '.' {
			p, s = token[:i], token[i+1:]
			break
		}
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	sig, err2 := base64.RawURLEncoding.DecodeString(s)
	if err1 != nil || err2 != nil || len(payload) != 25 || payload[0] != purpose {
		return uuid.Nil, false
	}
	if !hmac.Equal(sig, t.sign(tenantID, payload)) {
		return uuid.Nil, false
	}
	if now.Unix() > int64(binary.BigEndian.Uint64(payload[17:])) {
		return uuid.Nil, false
	}
	id, _ := uuid.FromBytes(payload[1:17])
	return id, true
}
