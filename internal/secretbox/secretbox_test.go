package secretbox_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"clearpost/internal/secretbox"
)

func TestSealOpenAndRotation(t *testing.T) {
	t.Parallel()
	oldKey, newKey := secretbox.NewKey("k1"), secretbox.NewKey("k2")
	before, err := secretbox.Parse(oldKey)
	if err != nil {
		t.Fatal(err)
	}
	secret, aad := []byte("xoxb-token"), []byte("channel:42:credentials")
	sealed := before.Seal(secret, aad)
	if bytes.Contains(sealed, secret) {
		t.Fatal("ciphertext contains the plaintext")
	}
	if again := before.Seal(secret, aad); bytes.Equal(again, sealed) {
		t.Fatal("two seals of one secret are identical: the nonce is not random")
	}

	// The new key goes first; the old one stays to open what it sealed.
	after, err := secretbox.Parse(newKey + "," + oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := after.Open(sealed, aad); err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("open with rotated keyring = %q, %v", got, err)
	}
	if !after.NeedsRotation(sealed) {
		t.Fatal("a secret sealed with the old key does not need rotation")
	}
	resealed, err := after.Reseal(sealed, aad)
	if err != nil {
		t.Fatal(err)
	}
	if after.NeedsRotation(resealed) {
		t.Fatal("resealed secret still needs rotation")
	}
	// Once the old key is dropped, only resealed secrets open.
	only, err := secretbox.Parse(newKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := only.Open(sealed, aad); !errors.Is(err, secretbox.ErrUndecryptable) {
		t.Fatalf("open with the old key dropped: %v, want ErrUndecryptable", err)
	}
	if got, err := only.Open(resealed, aad); err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("open resealed = %q, %v", got, err)
	}
}

func TestOpenRefusesTamperingAndOtherPlaces(t *testing.T) {
	t.Parallel()
	k, err := secretbox.Parse(secretbox.NewKey("main"))
	if err != nil {
		t.Fatal(err)
	}
	sealed := k.Seal([]byte("secret"), []byte("row-1"))
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	for name, c := range map[string][]byte{
		"tampered":  tampered,
		"truncated": sealed[:len(sealed)-5],
		"empty":     nil,
		"garbage":   []byte("not a ciphertext"),
	} {
		if _, err := k.Open(c, []byte("row-1")); !errors.Is(err, secretbox.ErrUndecryptable) {
			t.Errorf("%s: %v, want ErrUndecryptable", name, err)
		}
	}
	if _, err := k.Open(sealed, []byte("row-2")); !errors.Is(err, secretbox.ErrUndecryptable) {
		t.Errorf("ciphertext moved to another row opened: %v", err)
	}
}

func TestParseNamesTheBadKeyWithoutLeakingIt(t *testing.T) {
	t.Parallel()
	good := secretbox.NewKey("a")
	for spec, want := range map[string]string{
		"":                         "key 1",
		"nokey":                    "key 1",
		"a:c2hvcnQ=":               `key "a": want 32 bytes`,
		good + "," + good:          `key "a": named twice`,
		"bad id:" + good[2:]:       "key 1",
		good + ",b:!!notbase64!!x": `key "b"`,
	} {
		_, err := secretbox.Parse(spec)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", spec, err, want)
			continue
		}
		if strings.Contains(err.Error(), good[2:]) {
			t.Errorf("Parse error leaks key material: %v", err)
		}
	}
}
