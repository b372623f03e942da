package alicloud

import "context"

const (
	pageSize = 50 // DescribeHaVips' and DescribeRouteTableList's largest page
	// maxPages stops a paging loop that a misbehaving answer (a total
	// that never drops, pages that never shorten, a token that never ends)
	// would keep going.
	maxPages = 1000
)

// cursor is where a page of a listing starts: number for the listings
// paged by PageNumber (from 1), token for those paged by NextToken ("" for
// the first page). A fetch sends the one its API takes.
type cursor struct {
	number int
	token  string
}

// page is one answer of a listing.
type page[T any] struct {
	items []T
	total int    // TotalCount, of a listing paged by number
	next  string // NextToken, of a listing paged by token; "" on its last page
}

// fetchPage asks the service for the page of a listing that starts at at.
type fetchPage[T any] func(ctx context.Context, at cursor) (page[T], error)

// pager collects every page of one or more listings of one kind of object,
// each object once: an object created or deleted while paging shifts the
// pages, so the same object can be on two of them.
type pager[T any] struct {
	size  int            // the page size the fetch asks for
	id    func(T) string // names an object, to keep it once
	seen  map[string]bool
	items []T
}

func newPager[T any](size int, id func(T) string) *pager[T] {
	return &pager[T]{size: size, id: id, seen: map[string]bool{}, items: []T{}}
}

// read fetches the pages of one listing up to its last: the page that
// names no next token and either is short or brings what was read to the
// total (a listing paged by token reports no total, so its first page
// without a token is its last).
func (p *pager[T]) read(ctx context.Context, fetch fetchPage[T]) error {
	at := cursor{number: 1}
	read := 0
	for ; at.number <= maxPages; at.number++ {
		pg, err := fetch(ctx, at)
		if err != nil {
			return err
		}
		read += len(pg.items)
		for _, v := range pg.items {
			if id := p.id(v); !p.seen[id] {
				p.seen[id] = true
				p.items = append(p.items, v)
			}
		}
		if pg.next != "" {
			at.token = pg.next
			continue
		}
		if len(pg.items) < p.size || read >= pg.total {
			return nil
		}
	}
	return nil
}

// listAll reads every page of one listing, each object once.
func listAll[T any](ctx context.Context, size int, id func(T) string, fetch fetchPage[T]) ([]T, error) {
	p := newPager(size, id)
	if err := p.read(ctx, fetch); err != nil {
		return nil, err
	}
	return p.items, nil
}
