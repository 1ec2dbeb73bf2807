package search_test

import (
	"errors"
	"strings"
	"testing"

	"clearpost/internal/apperr"
	"clearpost/internal/search"

	"github.com/google/uuid"
)

func TestHighlight(t *testing.T) {
	t.Parallel()
	m, e := search.MarkStart, search.MarkEnd
	for _, tt := range []struct{ in, want string }{
		{"plain", "plain"},
		{`<script>alert("x")</script> & co`, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co"},
		{"the " + m + "launch" + e + " <b>party</b>", "the <mark>launch</mark> &lt;b&gt;party&lt;/b&gt;"},
		{m + "a" + m + "b" + e + e + "c" + e, "<mark>ab</mark>c"}, // nested or stray marks stay balanced
		{"x " + m + "open", "x <mark>open</mark>"},
		{"<mark>already</mark>", "&lt;mark&gt;already&lt;/mark&gt;"},
	} {
		if got := search.Highlight(tt.in); got != tt.want {
			t.Errorf("Highlight(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLanguage(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"": "english", "en": "english", "en-GB": "english", "EN_us": "english", "english": "english",
		"fr": "french", "French": "french", "pt-BR": "portuguese", "simple": "simple", "xx": "simple", "klingon": "simple",
	} {
		if got := search.Language(in); got != want {
			t.Errorf("Language(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	a, b := uuid.New(), uuid.New()
	d := search.Document{
		Title: "A " + search.MarkStart + "title" + search.MarkEnd, Tags: []string{" launch", "launch", "", "Launch"},
		Channels: []string{"LinkedIn", "linkedin ", "X"}, BoardIDs: []uuid.UUID{b, a, b, uuid.Nil},
	}.Normalize()
	if d.Title != "A title" || d.Language != "english" {
		t.Errorf("title %q language %q", d.Title, d.Language)
	}
	if strings.Join(d.Tags, ",") != "launch,Launch" || strings.Join(d.Channels, ",") != "linkedin,x" {
		t.Errorf("tags %q channels %q", d.Tags, d.Channels)
	}
	if want := search.SortedIDs([]uuid.UUID{a, b}); len(d.BoardIDs) != 2 || d.BoardIDs[0] != want[0] || d.BoardIDs[1] != want[1] {
		t.Errorf("boards %v", d.BoardIDs)
	}
}

func TestPage(t *testing.T) {
	t.Parallel()
	p, err := search.Query{}.Page()
	if err != nil || p.Offset != 0 || p.Limit != search.DefaultLimit {
		t.Fatalf("default page %+v %v", p, err)
	}
	if p, _ := (search.Query{Limit: 1000}).Page(); p.Limit != search.MaxLimit {
		t.Errorf("limit not capped: %+v", p)
	}
	next := search.Page{Limit: 20}.Next(20, 50)
	p, err = search.Query{After: next, Limit: 20}.Page()
	if err != nil || p.Offset != 20 {
		t.Fatalf("second page %+v %v", p, err)
	}
	if n := (search.Page{Offset: 40, Limit: 20}).Next(10, 50); n != "" {
		t.Errorf("a short page has a next cursor")
	}
	if n := (search.Page{Offset: search.MaxWindow - 20, Limit: 20}).Next(20, 5000); n != "" {
		t.Errorf("paging goes past the window")
	}
	p, _ = search.Query{After: search.Page{Limit: 100}.Next(100, 5000), Limit: 100}.Page()
	if p.Offset+p.Limit > search.MaxWindow {
		t.Errorf("page %+v ends past the window", p)
	}
	for _, q := range []search.Query{
		{After: "bm90LWEtY3Vyc29y"}, {After: "%%%"}, {Limit: -1}, {Text: strings.Repeat("é", search.MaxTextLength+1)},
	} {
		if _, err := q.Page(); !errors.Is(err, apperr.ErrInvalid) {
			t.Errorf("Page(%+v) = %v, want Invalid", q, err)
		}
	}
}
