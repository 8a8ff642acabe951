// Package seal encrypts the secrets sslreseller stores (provider credentials, private keys, webhook
// secrets) with AES-256-GCM. A sealed value names the id of its key, so values sealed before a key
// rotation still open with crypto.previous_keys, and NeedsReseal tells which values to move.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

const version = "v1"

// ErrOpen is returned when a sealed value cannot be opened: unknown key, tampering or wrong context.
var ErrOpen = errors.New("seal: cannot open sealed value (unknown key or the value was altered)")

// Sealer seals with the current key and opens with the current or a previous key.
type Sealer struct {
	current string
	aeads   map[string]cipher.AEAD
}

// New builds a Sealer from base64 keys of 32 bytes each: the current one first, then previous ones.
func New(current string, previous ...string) (*Sealer, error) {
	s := &Sealer{aeads: map[string]cipher.AEAD{}}
	for i, k := range append([]string{current}, previous...) {
		raw, err := base64.StdEncoding.DecodeString(k)
		if err != nil || len(raw) != 32 {
			return nil, fmt.Errorf("seal: key %d is not base64 of 32 bytes", i+1)
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return nil, fmt.Errorf("seal: %w", err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("seal: %w", err)
		}
		id := KeyID(raw)
		if i == 0 {
			s.current = id
		}
		if _, dup := s.aeads[id]; !dup {
			s.aeads[id] = aead
		}
	}
	return s, nil
}

// KeyID is the public id of a key: the first 8 hex digits of its SHA-256.
func KeyID(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:4])
}

// Seal encrypts plaintext. The context (for example "provider_account:<id>:credentials") binds the
// value to where it is stored: it must be given again to open it.
func (s *Sealer) Seal(plaintext []byte, context string) (string, error) {
	aead := s.aeads[s.current]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	ct := aead.Seal(nonce, nonce, plaintext, []byte(context))
	return version + ":" + s.current + ":" + base64.RawStdEncoding.EncodeToString(ct), nil
}

// Open decrypts a value made by Seal with the same context.
func (s *Sealer) Open(sealed, context string) ([]byte, error) {
	parts := strings.SplitN(sealed, ":", 3)
	if len(parts) != 3 || parts[0] != version {
		return nil, ErrOpen
	}
	aead, ok := s.aeads[parts[1]]
	if !ok {
		return nil, ErrOpen
	}
	raw, err := base64.RawStdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) < aead.NonceSize() {
		return nil, ErrOpen
	}
	pt, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(context))
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}

// NeedsReseal reports whether a value was sealed under a key other than the current one.
func (s *Sealer) NeedsReseal(sealed string) bool {
	parts := strings.SplitN(sealed, ":", 3)
	return len(parts) != 3 || parts[1] != s.current
}
