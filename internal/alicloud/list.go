package alicloud

import (
	"context"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

const (
	pageSize = 50 // DescribeHaVips' maximum
	// maxPages stops a paging loop that a misbehaving answer (a total
	// that never drops, pages that never shorten) would keep going.
	maxPages = 1000
	// idsPerFilter keeps the HaVipId filter, whose limit is undocumented,
	// to a modest number of values per request.
	idsPerFilter = 20
)

// ListHaVips pages through every HaVip matching f.
func (c *Client) ListHaVips(ctx context.Context, f HaVipFilter) ([]HaVip, error) {
	var base []vpc.DescribeHaVipsFilter
	if f.VpcID != "" {
		base = append(base, haVipFilter("VpcId", f.VpcID))
	}
	if f.VSwitchID != "" {
		base = append(base, haVipFilter("VSwitchId", f.VSwitchID))
	}
	if f.IPAddress != "" {
		base = append(base, haVipFilter("HaVipAddress", f.IPAddress))
	}
	queries := [][]vpc.DescribeHaVipsFilter{base}
	if len(f.IDs) > 0 {
		queries = nil
		for i := 0; i < len(f.IDs); i += idsPerFilter {
			chunk := f.IDs[i:min(i+idsPerFilter, len(f.IDs))]
			q := append(append([]vpc.DescribeHaVipsFilter(nil), base...), haVipFilter("HaVipId", chunk...))
			queries = append(queries, q)
		}
	}
	out := []HaVip{}
	seen := map[string]bool{}
	for _, filters := range queries {
		read := 0
		for page := 1; page <= maxPages; page++ {
			resp, err := c.describeHaVips(ctx, filters, page, pageSize)
			if err != nil {
				return nil, err
			}
			items := resp.HaVips.HaVip
			read += len(items)
			for _, s := range items {
				// A HaVip created or deleted while paging shifts the pages;
				// never report one twice.
				if !seen[s.HaVipId] {
					seen[s.HaVipId] = true
					out = append(out, fromSDKHaVip(s))
				}
			}
			if len(items) < pageSize || read >= resp.TotalCount {
				break
			}
		}
	}
	return out, nil
}

// CountHaVips counts the HaVips of the account in the region and of one VPC.
func (c *Client) CountHaVips(ctx context.Context, vpcID string) (account, vpcCount int, err error) {
	resp, err := c.describeHaVips(ctx, nil, 1, 1)
	if err != nil {
		return 0, 0, err
	}
	account = resp.TotalCount
	if vpcID == "" {
		return account, 0, nil
	}
	resp, err = c.describeHaVips(ctx, []vpc.DescribeHaVipsFilter{haVipFilter("VpcId", vpcID)}, 1, 1)
	if err != nil {
		return 0, 0, err
	}
	return account, resp.TotalCount, nil
}
