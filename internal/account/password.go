package account

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// Hasher hashes passwords with argon2id; the cost is configurable and cheap in tests.
type Hasher struct {
	MemoryKiB  uint32
	Iterations uint32
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// CheckPassword refuses passwords that are too short or too long.
func CheckPassword(field, pw string) error {
	switch {
	case len(pw) < MinPasswordLength:
		return errs.Field(field, "must be at least %d characters", MinPasswordLength)
	case len(pw) > 200:
		return errs.Field(field, "must be at most 200 characters")
	}
	return nil
}

// Hash returns a PHC-style argon2id string.
func (h Hasher) Hash(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, h.Iterations, h.MemoryKiB, 1, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=1$%s$%s", argon2.Version, h.MemoryKiB, h.Iterations,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// Verify checks pw against an encoded hash in constant time.
func (h Hasher) Verify(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is verified against when an account does not exist, so that a missing account and a
// wrong password take the same time.
func (h Hasher) dummyVerify(pw string) {
	salt := make([]byte, 16)
	argon2.IDKey([]byte(pw), salt, h.Iterations, h.MemoryKiB, 1, 32)
}

// RandomPassword returns a password of 20 URL-safe characters.
func RandomPassword() string {
	b := make([]byte, 15)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
