package ews

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
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

func sign(key []byte, s string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return m.Sum(nil)
}

// verifyToken checks the signature under key and the validity window on the virtual clock.
func verifyToken(key []byte, token string, now time.Time) error {
	if key == nil {
		return errors.New("no server-to-server trust is configured")
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return errors.New("token is not JWT-shaped")
	}
	sig, err := b64url.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, sign(key, parts[0]+"."+parts[1])) {
		return errors.New("token signature does not verify under the trust key")
	}
	raw, err := b64url.DecodeString(parts[1])
	if err != nil {
		return errors.New("token payload is not base64url")
	}
	var c tokenClaims
	if err := json.Unmarshal(raw, &c); err != nil {
		return errors.New("token payload is not JSON")
	}
	if c.Audience != exchangeAudience {
		return errors.New("token audience is not Exchange")
	}
	if now.Unix() < c.NotBef || now.Unix() >= c.Expiry {
		return errors.New("token is not valid at this time")
	}
	return nil
}
