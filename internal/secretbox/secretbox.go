// Package secretbox encrypts secrets at rest (channel credentials, employees' connected-account
// tokens, webhook secrets) with AES-256-GCM under a keyring read from the environment.
//
// A keyring is one or more named 32-byte keys, "id:base64,id:base64", the first being the primary:
// Seal always encrypts with the primary and Open decrypts with whichever key a ciphertext names, so
// a key is rotated by putting a new key first, re-sealing what NeedsRotation reports, and then
// dropping the old key.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// version is the first byte of every ciphertext, so the format can change later.
const version = 1

var keyIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// Keyring seals with its primary key and opens with any of its keys. It is safe for concurrent use.
type Keyring struct {
	primary string
	aeads   map[string]cipher.AEAD
}

// ErrUndecryptable is returned by Open for a ciphertext that names no key of the keyring or fails
// authentication (tampered, truncated, or sealed for another purpose).
var ErrUndecryptable = errors.New("secret cannot be decrypted with the configured keys")

// Parse reads a keyring: comma-separated "id:key" pairs, each key 32 bytes in standard base64; the
// first pair is the primary. The error never contains key material.
func Parse(spec string) (*Keyring, error) {
	k := &Keyring{aeads: map[string]cipher.AEAD{}}
	for i, part := range strings.Split(spec, ",") {
		id, b64, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok || !keyIDPattern.MatchString(id) {
			return nil, fmt.Errorf("key %d: want id:base64 with an id of letters, digits, - or _", i+1)
		}
		key, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(key) != 32 {
			return nil, fmt.Errorf("key %q: want 32 bytes in standard base64", id)
		}
		if _, dup := k.aeads[id]; dup {
			return nil, fmt.Errorf("key %q: named twice", id)
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", id, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", id, err)
		}
		k.aeads[id] = aead
		if i == 0 {
			k.primary = id
		}
	}
	return k, nil
}

// NewKey returns a fresh keyring entry "id:base64key" for id.
func NewKey(id string) string {
	key := make([]byte, 32)
	rand.Read(key)
	return id + ":" + base64.StdEncoding.EncodeToString(key)
}

// Primary is the id of the key Seal uses.
func (k *Keyring) Primary() string { return k.primary }

// Seal encrypts plaintext with the primary key. aad binds the ciphertext to where it is stored (for
// example the row's id and column), so a ciphertext copied elsewhere does not open.
// The result is: version byte, key id length, key id, nonce, sealed data.
func (k *Keyring) Seal(plaintext, aad []byte) []byte {
	aead := k.aeads[k.primary]
	out := make([]byte, 0, 2+len(k.primary)+aead.NonceSize()+len(plaintext)+aead.Overhead())
	out = append(out, version, byte(len(k.primary)))
	out = append(out, k.primary...)
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plaintext, aad)
}

// Open decrypts a ciphertext made by Seal with the same aad.
func (k *Keyring) Open(ciphertext, aad []byte) ([]byte, error) {
	id, rest, ok := split(ciphertext)
	if !ok {
		return nil, ErrUndecryptable
	}
	aead, ok := k.aeads[id]
	if !ok || len(rest) < aead.NonceSize()+aead.Overhead() {
		return nil, ErrUndecryptable
	}
	plain, err := aead.Open(nil, rest[:aead.NonceSize()], rest[aead.NonceSize():], aad)
	if err != nil {
		return nil, ErrUndecryptable
	}
	return plain, nil
}

// NeedsRotation reports whether ciphertext was sealed with a key other than the primary.
func (k *Keyring) NeedsRotation(ciphertext []byte) bool {
	id, _, ok := split(ciphertext)
	return !ok || id != k.primary
}

// Reseal opens ciphertext and seals it again with the primary key.
func (k *Keyring) Reseal(ciphertext, aad []byte) ([]byte, error) {
	plain, err := k.Open(ciphertext, aad)
	if err != nil {
		return nil, err
	}
	defer clear(plain)
	return k.Seal(plain, aad), nil
}

func split(c []byte) (id string, rest []byte, ok bool) {
	if len(c) < 2 || c[0] != version || len(c) < 2+int(c[1]) {
		return "", nil, false
	}
	n := int(c[1])
	return string(c[2 : 2+n]), c[2+n:], true
}
