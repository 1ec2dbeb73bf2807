package search

import (
	"bytes"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// Normalize returns d as backends store it: the language resolved (Language), text fields
// without the highlight sentinels, tags and channels trimmed, without blanks or repeats, channels
// lower-cased, and board ids sorted without repeats.
func (d Document) Normalize() Document {
	d.Language = Language(d.Language)
	d.Title = stripSentinels(d.Title)
	d.Body = stripSentinels(d.Body)
	d.ShareText = stripSentinels(d.ShareText)
	d.Tags = cleanWords(d.Tags, false)
	d.Channels = cleanWords(d.Channels, true)
	d.BoardIDs = SortedIDs(d.BoardIDs)
	return d
}

// SortedIDs returns ids sorted, without repeats and without the nil UUID, in a new slice.
func SortedIDs(ids []uuid.UUID) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(ids))
	for _, id := range ids {
		if id != uuid.Nil {
			out = append(out, id)
		}
	}
	slices.SortFunc(out, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }) // the order of their text
	return slices.Compact(out)
}

func cleanWords(words []string, lower bool) []string {
	out := make([]string, 0, len(words))
	for _, w := range words {
		w = strings.TrimSpace(stripSentinels(w))
		if lower {
			w = strings.ToLower(w)
		}
		if w != "" && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// languages maps ISO 639-1 codes to the text search configurations every supported PostgreSQL
// (14 and later) ships.
var languages = map[string]string{
	"ar": "arabic", "da": "danish", "nl": "dutch", "en": "english", "fi": "finnish",
	"fr": "french", "de": "german", "el": "greek", "hu": "hungarian", "id": "indonesian",
	"ga": "irish", "it": "italian", "lt": "lithuanian", "ne": "nepali", "no": "norwegian",
	"nb": "norwegian", "nn": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian",
	"es": "spanish", "sv": "swedish", "ta": "tamil", "tr": "turkish",
}

// Language resolves a language name or ISO 639-1 code ("en", "en-GB") to a text search
// configuration name: "english" for "", "simple" (no stemming) for a language it does not know.
func Language(lang string) string {
	lang = strings.ToLower(strings.TrimSpace(lang))
	if lang == "" {
		return "english"
	}
	if lang == "simple" {
		return lang
	}
	for _, name := range languages {
		if lang == name {
			return name
		}
	}
	if code, _, _ := strings.Cut(strings.ReplaceAll(lang, "_", "-"), "-"); languages[code] != "" {
		return languages[code]
	}
	return "simple"
}
