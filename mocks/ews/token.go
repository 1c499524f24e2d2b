package ews

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"
)

// exchangeAudience is the Exchange principal of the Lync/Exchange server-to-server trust.
const exchangeAudience = "00000002-0000-0ff1-ce00-000000000000"

type tokenClaims struct {
	Issuer   string `json:"iss"`
	Audience string `json:"aud"`
	NotBef   int64  `json:"nbf"`
	Expiry   int64  `json:"exp"`
}

var b64url = base64.RawURLEncoding

// SignToken returns a JWT-shaped Bearer token (HS256 over the server-to-server trust key), valid
// from now for ttl of virtual time.
func SignToken(key []byte, issuer string, now time.Time, ttl time.Duration) string {
	head := b64url.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	body, _ := json.Marshal(tokenClaims{Issuer: issuer, Audience: exchangeAudience, NotBef: now.Unix(), Expiry: now.Add(ttl).Unix()})
	signed := head + "." + b64url.EncodeToString(body)
	return signed + "." + b64url.EncodeToString(sign(key, signed))
}

// TokenSource returns a Token function for ClientConfig that hands out one signed token (valid
// for ttl from when it was signed, on the clock now reads) until half its lifetime has passed,
// then signs the next: a caller reuses a valid server-to-server token instead of signing one per
// request. Safe for concurrent use.
func TokenSource(key []byte, issuer string, now func() time.Time, ttl time.Duration) func() string {
	var mu sync.Mutex
	var token string
	var signedAt time.Time
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		t := now()
		if token == "" || t.Before(signedAt) || t.Sub(signedAt) >= ttl/2 {
			token, signedAt = SignToken(key, issuer, t, ttl), t
		}
		return token
	}
}

// verified remembers the last Bearer token whose signature and audience checked out under a
// key, so that the same token presented again costs a comparison and the time check only.
type verified struct {
	mu          sync.Mutex
	key         []byte
	token       string
	nbf, expiry int64
}

// check verifies token under key and its validity window on the virtual clock, from memory
// for the token it last accepted under key.
func (v *verified) check(key []byte, token string, now time.Time) error {
	v.mu.Lock()
	hit := key != nil && token == v.token && string(key) == string(v.key)
	nbf, exp := v.nbf, v.expiry
	v.mu.Unlock()
	if hit {
		if now.Unix() < nbf || now.Unix() >= exp {
			return errors.New("token is not valid at this time")
		}
		return nil
	}
	c, err := verifySignature(key, token)
	if err != nil {
		return err
	}
	v.mu.Lock()
	v.key, v.token, v.nbf, v.expiry = append([]byte(nil), key...), token, c.NotBef, c.Expiry
	v.mu.Unlock()
	if now.Unix() < c.NotBef || now.Unix() >= c.Expiry {
		return errors.New("token is not valid at this time")
	}
	return nil
}

func sign(key []byte, s string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return m.Sum(nil)
}

// verifySignature checks the token's shape, signature under key and audience, and returns its
// claims.
func verifySignature(key []byte, token string) (tokenClaims, error) {
	var c tokenClaims
	if key == nil {
		return c, errors.New("no server-to-server trust is configured")
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return c, errors.New("token is not JWT-shaped")
	}
	sig, err := b64url.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, sign(key, parts[0]+"."+parts[1])) {
		return c, errors.New("token signature does not verify under the trust key")
	}
	raw, err := b64url.DecodeString(parts[1])
	if err != nil {
		return c, errors.New("token payload is not base64url")
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, errors.New("token payload is not JSON")
	}
	if c.Audience != exchangeAudience {
		return c, errors.New("token audience is not Exchange")
	}
	return c, nil
}
