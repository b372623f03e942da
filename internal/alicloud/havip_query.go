package alicloud

import (
	"context"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

// HaVipQuery is a server-side DescribeHaVips query: the values of one
// field are ORed, the fields are ANDed, empty fields match everything.
// Tags match HaVips that carry every given key with its value (an empty
// value matches any value of the key).
type HaVipQuery struct {
	IDs             []string
	VpcIDs          []string
	VSwitchIDs      []string
	Statuses        []string
	IPAddresses     []string
	Tags            map[string]string
	ResourceGroupID string
}

// QueryHaVips reads every page (PageSize 50) of the HaVips matching q.
// HaVip IDs are sent idsPerFilter at a time and the answers merged, so a
// long ID list stays within what one request carries.
func (c *Client) QueryHaVips(ctx context.Context, q HaVipQuery) ([]HaVip, error) {
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
	for _, k := range sortedKeys(q.Tags) {
		tags = append(tags, vpc.DescribeHaVipsTags{Key: k, Value: q.Tags[k]})
	}
	queries := [][]vpc.DescribeHaVipsFilter{base}
	if len(q.IDs) > 0 {
		queries = nil
		for i := 0; i < len(q.IDs); i += idsPerFilter {
			chunk := q.IDs[i:min(i+idsPerFilter, len(q.IDs))]
			queries = append(queries, append(append([]vpc.DescribeHaVipsFilter(nil), base...), haVipFilter("HaVipId", chunk...)))
		}
	}
	out := []HaVip{}
	seen := map[string]bool{}
	for _, filters := range queries {
		read := 0
		for page := 1; page <= maxPages; page++ {
			var resp *vpc.DescribeHaVipsResponse
			err := c.vpcCall(ctx, "DescribeHaVips", func(cli *vpc.Client) (string, error) {
				req := vpc.CreateDescribeHaVipsRequest()
				if len(filters) > 0 {
					f := append([]vpc.DescribeHaVipsFilter(nil), filters...)
					req.Filter = &f
				}
				if len(tags) > 0 {
					t := append([]vpc.DescribeHaVipsTags(nil), tags...)
					req.Tags = &t
				}
				req.ResourceGroupId = q.ResourceGroupID
				req.PageNumber = requestsInt(page)
				req.PageSize = requestsInt(pageSize)
				r, err := send(cli, req, vpc.CreateDescribeHaVipsResponse)
				if err != nil {
					return "", err
				}
				resp = r
				return r.RequestId, nil
			})
			if err != nil {
				return nil, err
			}
			items := resp.HaVips.HaVip
			read += len(items)
			for _, s := range items {
				// A HaVip created or deleted while paging shifts the
				// pages; never report one twice.
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
