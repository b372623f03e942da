package alicloud

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestPagerReadsEveryPageOnce: the pager follows page numbers to a short
// page or the total, and tokens to the page without one; it keeps each
// object once though shifting pages repeat one, across the listings of
// one pager too; it stops a listing that never ends at maxPages and
// passes a failed page on.
func TestPagerReadsEveryPageOnce(t *testing.T) {
	ctx := context.Background()
	id := func(s string) string { return s }
	// pages answers the listing from a script, noting where each fetch
	// started.
	pages := func(script []page[string], asked *[]cursor) fetchPage[string] {
		return func(_ context.Context, at cursor) (page[string], error) {
			*asked = append(*asked, at)
			if at.number > len(script) {
				return page[string]{}, fmt.Errorf("page %d asked of a %d-page listing", at.number, len(script))
			}
			return script[at.number-1], nil
		}
	}
	t.Run("by number, to a short page, each object once", func(t *testing.T) {
		var asked []cursor
		got, err := listAll(ctx, 2, id, pages([]page[string]{
			{items: []string{"a", "b"}, total: 9}, {items: []string{"b", "c"}, total: 9}, {items: []string{"d"}, total: 9},
		}, &asked))
		if err != nil || strings.Join(got, " ") != "a b c d" || len(asked) != 3 {
			t.Fatalf("got %v, %v after %d pages; want a b c d after 3", got, err, len(asked))
		}
	})
	t.Run("by number, to the total", func(t *testing.T) {
		var asked []cursor
		got, err := listAll(ctx, 2, id, pages([]page[string]{
			{items: []string{"a", "b"}, total: 4}, {items: []string{"c", "d"}, total: 4},
		}, &asked))
		if err != nil || strings.Join(got, " ") != "a b c d" || len(asked) != 2 {
			t.Fatalf("got %v, %v after %d pages; want a b c d after 2", got, err, len(asked))
		}
	})
	t.Run("by token, to the page without one", func(t *testing.T) {
		var asked []cursor
		got, err := listAll(ctx, 2, id, pages([]page[string]{
			{items: []string{"a", "b"}, next: "t1"}, {items: []string{"b"}, next: "t2"}, {items: []string{"c", "d"}},
		}, &asked))
		if err != nil || strings.Join(got, " ") != "a b c d" {
			t.Fatalf("got %v, %v; want a b c d", got, err)
		}
		if fmt.Sprint(asked) != "[{1 } {2 t1} {3 t2}]" {
			t.Fatalf("fetched at %v; want the tokens in turn", asked)
		}
	})
	t.Run("an empty listing is empty, not nil", func(t *testing.T) {
		var asked []cursor
		got, err := listAll(ctx, 2, id, pages([]page[string]{{}}, &asked))
		if err != nil || got == nil || len(got) != 0 || len(asked) != 1 {
			t.Fatalf("got %#v, %v after %d pages", got, err, len(asked))
		}
	})
	t.Run("one pager, several listings", func(t *testing.T) {
		p := newPager(2, id)
		for _, items := range [][]string{{"a", "b"}, {"b", "c"}} {
			var asked []cursor
			if err := p.read(ctx, pages([]page[string]{{items: items, total: 2}}, &asked)); err != nil {
				t.Fatal(err)
			}
		}
		if strings.Join(p.items, " ") != "a b c" {
			t.Fatalf("got %v; want a b c", p.items)
		}
	})
	t.Run("a listing that never ends stops at maxPages", func(t *testing.T) {
		n := 0
		got, err := listAll(ctx, 1, id, func(_ context.Context, at cursor) (page[string], error) {
			n++
			return page[string]{items: []string{fmt.Sprint(at.number)}, total: 1 << 30}, nil
		})
		if err != nil || n != maxPages || len(got) != maxPages {
			t.Fatalf("%d fetches, %d objects, %v; want %d", n, len(got), err, maxPages)
		}
	})
	t.Run("a failed page fails the listing", func(t *testing.T) {
		boom := errors.New("boom")
		got, err := listAll(ctx, 1, id, func(_ context.Context, at cursor) (page[string], error) {
			if at.number == 2 {
				return page[string]{}, boom
			}
			return page[string]{items: []string{"a"}, total: 2}, nil
		})
		if !errors.Is(err, boom) || got != nil {
			t.Fatalf("got %v, %v; want the page's error", got, err)
		}
	})
}
