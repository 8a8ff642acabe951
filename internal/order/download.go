package order

import (
	"context"
	"crypto/x509"
	"strings"

	"github.com/google/uuid"

	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// Formats of a certificate download.
const (
	FormatPEM       = "pem"       // the certificate
	FormatChain     = "chain"     // the intermediates
	FormatFullChain = "fullchain" // both, certificate first
	FormatP7B       = "p7b"       // both as DER PKCS#7
)

// File is a download.
type File struct {
	Name        string
	ContentType string
	Body        []byte
}

func (s *Service) issued(ctx context.Context, tenantID, orderID uuid.UUID) (*loaded, error) {
	l, err := s.load(ctx, tenantID, orderID, false)
	if err != nil {
		return nil, err
	}
	if l.current == nil || l.current.CertPEM == "" {
		return nil, errs.New(errs.Conflict, "there is no certificate to download yet: the order is %s", l.order.Status)
	}
	return l, nil
}

func fileBase(cn string) string {
	return strings.NewReplacer("*", "star", "/", "_").Replace(cn)
}

// Certificate returns the current certificate in a format.
func (s *Service) Certificate(ctx context.Context, tenantID, orderID uuid.UUID, format string) (*File, error) {
	if format == "" {
		format = FormatPEM
	}
	l, err := s.issued(ctx, tenantID, orderID)
	if err != nil {
		return nil, err
	}
	is, base := l.current, fileBase(l.current.CommonName)
	switch format {
	case FormatPEM:
		return &File{Name: base + ".crt", ContentType: "application/x-pem-file", Body: []byte(is.CertPEM)}, nil
	case FormatChain:
		return &File{Name: base + ".ca-bundle", ContentType: "application/x-pem-file", Body: []byte(is.ChainPEM)}, nil
	case FormatFullChain:
		return &File{Name: base + ".fullchain.pem", ContentType: "application/x-pem-file", Body: pki.FullChainPEM([]byte(is.CertPEM), []byte(is.ChainPEM))}, nil
	case FormatP7B:
		certs, err := pki.ParseCertificatesPEM(pki.FullChainPEM([]byte(is.CertPEM), []byte(is.ChainPEM)))
		if err != nil {
			return nil, err
		}
		ders := make([][]byte, len(certs))
		for i, c := range certs {
			ders[i] = c.Raw
		}
		body, err := pki.PKCS7(ders...)
		if err != nil {
			return nil, err
		}
		return &File{Name: base + ".p7b", ContentType: "application/x-pkcs7-certificates", Body: body}, nil
	default:
		return nil, errs.Field("format", "must be pem, chain, fullchain or p7b")
	}
}

// HoldsKey reports whether the service generated, and so holds, the key of the current certificate.
func (s *Service) HoldsKey(ctx context.Context, tenantID, orderID uuid.UUID) (bool, error) {
	l, err := s.load(ctx, tenantID, orderID, false)
	if err != nil {
		return false, err
	}
	return l.current != nil && l.current.KeySealed != "", nil
}

// PrivateKey returns the generated private key of the current certificate (the client's portal only).
func (s *Service) PrivateKey(ctx context.Context, tenantID, orderID uuid.UUID) (*File, error) {
	l, err := s.issued(ctx, tenantID, orderID)
	if err != nil {
		return nil, err
	}
	if l.current.KeySealed == "" {
		return nil, errs.New(errs.Conflict, "the key of this certificate was made by the client, not by the service")
	}
	key, err := s.sealer.Open(l.current.KeySealed, keyContext(l.current.ID))
	if err != nil {
		return nil, err
	}
	return &File{Name: fileBase(l.current.CommonName) + ".key", ContentType: "application/x-pem-file", Body: key}, nil
}

// ExportPFX returns the certificate, chain and key as PKCS#12 protected by the password.
func (s *Service) ExportPFX(ctx context.Context, tenantID, orderID uuid.UUID, password string) (*File, error) {
	if len(password) < 8 {
		return nil, errs.Field("password", "must be at least 8 characters")
	}
	l, err := s.issued(ctx, tenantID, orderID)
	if err != nil {
		return nil, err
	}
	if l.current.KeySealed == "" {
		return nil, errs.New(errs.Conflict, "a PFX needs the private key, and the client made this key: build the PFX where the key is")
	}
	keyPEM, err := s.sealer.Open(l.current.KeySealed, keyContext(l.current.ID))
	if err != nil {
		return nil, err
	}
	key, err := pki.ParsePrivateKeyPEM(keyPEM)
	if err != nil {
		return nil, err
	}
	certs, err := pki.ParseCertificatesPEM(pki.FullChainPEM([]byte(l.current.CertPEM), []byte(l.current.ChainPEM)))
	if err != nil || len(certs) == 0 {
		return nil, errs.New(errs.Internal, "the stored certificate cannot be read")
	}
	body, err := pki.PKCS12(key, certs[0], append([]*x509.Certificate(nil), certs[1:]...), password)
	if err != nil {
		return nil, err
	}
	return &File{Name: fileBase(l.current.CommonName) + ".pfx", ContentType: "application/x-pkcs12", Body: body}, nil
}
