package order

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"

	"github.com/sslreseller/sslreseller/internal/pki"
)

// sameKey reports whether a certificate is for the CSR's public key.
func sameKey(info *pki.CSRInfo, leaf *x509.Certificate) bool {
	spki, err := x509.MarshalPKIXPublicKey(leaf.PublicKey)
	if err != nil {
		return false
	}
	sum := sha256.Sum256(spki)
	return hex.EncodeToString(sum[:]) == info.PublicKeySHA256
}
