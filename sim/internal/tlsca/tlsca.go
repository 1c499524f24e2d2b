// Package tlsca makes the certificate authority and server certificate of one ucssim world, so
// clients that insist on TLS (SIP over TLS on 5061, EWS and autodiscover over https) can talk to the
// simulated pool and Exchange server after trusting the world's CA. Everything stays on loopback:
// the certificate names loopback addresses and the host names clients are pointed at, which only
// resolve to 127.0.0.1 where a test or a hosts file says so.
package tlsca

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Files written by WriteDir.
const (
	CAFile   = "ca.pem"         // the CA certificate clients trust
	CertFile = "server.pem"     // the server certificate (leaf, then the CA)
	KeyFile  = "server-key.pem" // the server's private key
)

// Authority is a world's CA and the server certificate it signed.
type Authority struct {
	caCert  *x509.Certificate
	caDER   []byte
	leafDER []byte
	leafKey *ecdsa.PrivateKey
	names   []string
}

// New makes a CA and a server certificate valid from now-1h for a year, for the loopback
// addresses, localhost and the given DNS names (pool FQDN, user domains, autodiscover.<domain>).
// Certificates are checked by outside clients on the wall clock, so now is the real time.
func New(now time.Time, dnsNames ...string) (*Authority, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("tlsca: CA key: %w", err)
	}
	serial := func() *big.Int {
		n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
		return n.Add(n, big.NewInt(1))
	}
	ca := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "ucssim world CA", Organization: []string{"ucssim"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("tlsca: CA certificate: %w", err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, fmt.Errorf("tlsca: CA certificate: %w", err)
	}
	names := []string{"localhost"}
	seen := map[string]bool{"localhost": true}
	for _, n := range dnsNames {
		n = strings.ToLower(strings.TrimSpace(n))
		if n == "" || seen[n] || net.ParseIP(n) != nil {
			continue
		}
		seen[n] = true
		names = append(names, n)
	}
	sort.Strings(names[1:])
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("tlsca: server key: %w", err)
	}
	cn := names[0]
	if len(names) > 1 {
		cn = names[1]
	}
	leaf := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"ucssim"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     names,
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("tlsca: server certificate: %w", err)
	}
	return &Authority{caCert: caCert, caDER: caDER, leafDER: leafDER, leafKey: key, names: names}, nil
}

// Names are the DNS names the server certificate holds (besides 127.0.0.1 and ::1).
func (a *Authority) Names() []string { return append([]string(nil), a.names...) }

// CAPEM is the CA certificate in PEM, what a client trusts.
func (a *Authority) CAPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.caDER})
}

// Pool is a certificate pool holding only the CA, for Go clients.
func (a *Authority) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(a.caCert)
	return p
}

// ServerConfig is the tls.Config of the world's TLS listeners.
func (a *Authority) ServerConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		Certificates: []tls.Certificate{{
			Certificate: [][]byte{a.leafDER, a.caDER},
			PrivateKey:  a.leafKey,
		}},
	}
}

// ClientConfig trusts only the world's CA.
func (a *Authority) ClientConfig() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: a.Pool()}
}

// WriteDir writes CAFile, CertFile and KeyFile into dir (created if missing); the key is readable
// by its owner only.
func (a *Authority) WriteDir(dir string) error {
	if dir == "" {
		return errors.New("tlsca: no directory")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("tlsca: %w", err)
	}
	keyDER, err := x509.MarshalECPrivateKey(a.leafKey)
	if err != nil {
		return fmt.Errorf("tlsca: server key: %w", err)
	}
	chain := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.leafDER}), a.CAPEM()...)
	files := []struct {
		name string
		data []byte
		mode os.FileMode
	}{
		{CAFile, a.CAPEM(), 0o644},
		{CertFile, chain, 0o644},
		{KeyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600},
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, f.mode); err != nil {
			return fmt.Errorf("tlsca: %w", err)
		}
	}
	return nil
}
