package alicloud

import (
	"context"
	"maps"
	"slices"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

// idsPerFilter keeps the HaVipId filter, whose limit is undocumented, to a
// modest number of values per request.
const idsPerFilter = 20

// HaVipQuery narrows ListHaVips, server side: the values of one field are
// ORed, the fields are ANDed, empty fields match everything. Tags match
// HaVips that carry every given key with its value (an empty value
// matches any value of the key).
type HaVipQuery struct {
	IDs             []string
	VpcIDs          []string
	VSwitchIDs      []string
	Statuses        []string
	IPAddresses     []string
	Tags            map[string]string
	ResourceGroupID string
}

// haVipRequest is what one DescribeHaVips asks for, but the page.
type haVipRequest struct {
	filters []vpc.DescribeHaVipsFilter
	tags    []vpc.DescribeHaVipsTags
	group   string
}

// requests is the DescribeHaVips queries that together answer q: one, or
// with HaVip IDs, one per idsPerFilter of them, so that a long ID list
// stays within what one request carries.
func (q HaVipQuery) requests() []haVipRequest {
	var base []vpc.DescribeHaVipsFilter
	for _, f := range []struct {
		key  string
		vals []string
	}{{"VpcId", q.VpcIDs}, {"VSwitchId", q.VSwitchIDs}, {"Status", q.Statuses}, {"HaVipAddress", q.IPAddresses}} {
		if len(f.vals) > 0 {
			base = append(base, haVipFilter(f.key, f.vals...))
		}
	}
	var tags []vpc.DescribeHaVipsTags
	for _, k := range slices.Sorted(maps.Keys(q.Tags)) {
		tags = append(tags, vpc.DescribeHaVipsTags{Key: k, Value: q.Tags[k]})
	}
	if len(q.IDs) == 0 {
		return []haVipRequest{{filters: base, tags: tags, group: q.ResourceGroupID}}
	}
	var out []haVipRequest
	for chunk := range slices.Chunk(q.IDs, idsPerFilter) {
		filters := append(slices.Clone(base), haVipFilter("HaVipId", chunk...))
		out = append(out, haVipRequest{filters: filters, tags: tags, group: q.ResourceGroupID})
	}
	return out
}

// ListHaVips reads every page of the HaVips matching q, each HaVip once.
func (c *Client) ListHaVips(ctx context.Context, q HaVipQuery) ([]HaVip, error) {
	p := newPager(pageSize, func(h HaVip) string { return h.ID })
	for _, r := range q.requests() {
		err := p.read(ctx, func(ctx context.Context, at cursor) (page[HaVip], error) {
			resp, err := c.describeHaVips(ctx, r, at.number, pageSize)
			if err != nil {
				return page[HaVip]{}, err
			}
			return page[HaVip]{items: fromSDKHaVips(resp), total: resp.TotalCount}, nil
		})
		if err != nil {
			return nil, err
		}
	}
	return p.items, nil
}

// CountHaVips counts the HaVips of the account in the region and of one VPC.
func (c *Client) CountHaVips(ctx context.Context, vpcID string) (account, vpcCount int, err error) {
	resp, err := c.describeHaVips(ctx, haVipRequest{}, 1, 1)
	if err != nil {
		return 0, 0, err
	}
	account = resp.TotalCount
	if vpcID == "" {
		return account, 0, nil
	}
	resp, err = c.describeHaVips(ctx, haVipRequest{filters: []vpc.DescribeHaVipsFilter{haVipFilter("VpcId", vpcID)}}, 1, 1)
	if err != nil {
		return 0, 0, err
	}
	return account, resp.TotalCount, nil
}

// ListEIPsOfHaVip reads the EIPs bound to a HaVip. DescribeHaVips names
// them by public address only; importing a binding needs the allocation
// IDs.
func (c *Client) ListEIPsOfHaVip(ctx context.Context, havipID string) ([]EIP, error) {
	const op = "DescribeEipAddresses"
	if havipID == "" {
		return nil, invalid(op, "a HaVip ID is required")
	}
	const size = 100 // DescribeEipAddresses' largest page
	all, err := listAll(ctx, size, func(e EIP) string { return e.ID }, func(ctx context.Context, at cursor) (page[EIP], error) {
		var pg page[EIP]
		err := c.vpcCall(ctx, op, func(cli *vpc.Client) (string, error) {
			req := vpc.CreateDescribeEipAddressesRequest()
			req.AssociatedInstanceType = "HaVip"
			req.AssociatedInstanceId = havipID
			req.PageNumber = requestsInt(at.number)
			req.PageSize = requestsInt(size)
			r, err := send(cli, req, vpc.CreateDescribeEipAddressesResponse)
			if err != nil {
				return "", err
			}
			pg = page[EIP]{items: fromSDKEIPs(r), total: r.TotalCount}
			return r.RequestId, nil
		})
		return pg, err
	})
	if err != nil {
		return nil, err
	}
	var out []EIP
	for _, e := range all {
		if e.InstanceID == havipID {
			out = append(out, e)
		}
	}
	return out, nil
}
