package content

import (
	"strings"
	"testing"
)

func TestHashIsCanonical(t *testing.T) {
	a := Content{Body: "Hello", Tags: []string{"b", "A", "a"}, Channels: []string{"x", "linkedin"}, Title: " T "}
	b := Content{Body: "Hello", Tags: []string{"a", "b"}, Channels: []string{"linkedin", "x", "x"}, Title: "T"}
	if a.Hash() != b.Hash() {
		t.Fatalf("equivalent content hashes differently:\n%s\n%s", a.Canonical(), b.Canonical())
	}
	c := b
	c.Body = "Hello!"
	if c.Hash() == b.Hash() {
		t.Fatal("different bodies hash the same")
	}
	// The hash is part of the record: it must not drift between releases.
	const want = `{"title":"T","body":"Hello","link":"","media":[],"channel_overrides":[],"tags":["a","b"],"category":"","region":"","channels":["linkedin","x"],"share_text":"","share_text_editable":false}`
	if got := string(b.Canonical()); got != want {
		t.Fatalf("canonical form changed:\n got %s\nwant %s", got, want)
	}
}

func TestChangedFields(t *testing.T) {
	a := Content{Body: "a", Tags: []string{"x"}}
	b := Content{Body: "b", Tags: []string{"x"}, Link: "https://example.com"}
	if got := strings.Join(ChangedFields(a, b), ","); got != "body,link" {
		t.Fatalf("changed = %s", got)
	}
}

func TestValidateListsEveryProblem(t *testing.T) {
	err := Content{Body: "", Link: "ftp://x", Channels: []string{"x", "orkut"}}.Validate()
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"content.body: is required", "content.link", "content.channels[1]"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q missing from %v", want, err)
		}
	}
}
