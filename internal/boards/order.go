package boards

import (
	"slices"
	"time"

	"clearpost/internal/apperr"

	"github.com/google/uuid"
)

// slot is an item's place on its board.
type slot struct {
	postID   uuid.UUID
	pinned   bool
	position float64
}

// minStep is the smallest gap renumbered positions keep between neighbours: far above the
// resolution of a float64 near today's epoch seconds (about 2e-7).
const minStep = 1e-3

// placeAfter works out how to move postID right below after in order (the board's items in
// feedOrder), following Move's rules, and returns the items whose positions change with their new
// positions: the moved item alone, or its whole kind (pinned or unpinned) renumbered when no
// position is left between its new neighbours (ties, or a gap halved too often).
func placeAfter(order []slot, postID uuid.UUID, after *uuid.UUID) ([]slot, error) {
	return placeAfterAt(order, postID, after, time.Now())
}

func placeAfterAt(order []slot, postID uuid.UUID, after *uuid.UUID, now time.Time) ([]slot, error) {
	i := slices.IndexFunc(order, func(s slot) bool { return s.postID == postID })
	if i < 0 {
		return nil, apperr.NotFoundf("post %s is not on this board", postID)
	}
	item := order[i]
	// The item's kind, in order, without the item: it goes back in at index at.
	var kind []slot
	for _, s := range order {
		if s.pinned == item.pinned && s.postID != postID {
			kind = append(kind, s)
		}
	}
	at := 0
	if after != nil {
		if *after == postID {
			return nil, apperr.Invalidf("afterPostId", "cannot place an item after itself")
		}
		j := slices.IndexFunc(order, func(s slot) bool { return s.postID == *after })
		if j < 0 {
			return nil, apperr.Invalidf("afterPostId", "post %s is not on this board", *after)
		}
		anchor := order[j]
		switch {
		case anchor.pinned == item.pinned:
			at = slices.IndexFunc(kind, func(s slot) bool { return s.postID == *after }) + 1
		case anchor.pinned:
			// Below a pinned item, an unpinned one goes first among the unpinned.
			at = 0
		default:
			return nil, apperr.Invalidf("afterPostId", "post %s is pinned and stays above unpinned items: unpin it, or place it after a pinned item", postID)
		}
	}

	var pos float64
	switch {
	case len(kind) == 0:
		pos = item.position
	case at == 0:
		// On top of its kind: above the first, and no lower than an item added now, as Add does.
		pos = max(kind[0].position+1, float64(now.UnixMicro())/1e6)
	case at == len(kind):
		pos = kind[at-1].position - 1
	default:
		above, below := kind[at-1].position, kind[at].position
		pos = above/2 + below/2
		if !(below < pos && pos < above) {
			return renumber(item, kind, at), nil
		}
	}
	if pos == item.position {
		return nil, nil
	}
	item.position = pos
	return []slot{item}, nil
}

// renumber gives item, inserted into kind at index at, and every other item of kind new,
// strictly decreasing positions spread over the range the kind held.
func renumber(item slot, kind []slot, at int) []slot {
	hi, lo := item.position, item.position
	for _, s := range kind {
		hi, lo = max(hi, s.position), min(lo, s.position)
	}
	out := slices.Insert(slices.Clone(kind), at, item)
	step := 1.0
	if n := len(out); n > 1 && (hi-lo)/float64(n-1) >= minStep {
		step = (hi - lo) / float64(n-1)
	}
	for i := range out {
		out[i].position = hi - float64(i)*step
	}
	return out
}
