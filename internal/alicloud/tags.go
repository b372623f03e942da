package alicloud

import (
	"context"
	"maps"
	"slices"
	"sort"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

// maxTagsPerCall is the API's limit of tags per TagResources call.
const maxTagsPerCall = 20

// SetHaVipTags adds or changes tags and removes keys.
func (c *Client) SetHaVipTags(ctx context.Context, id string, set map[string]string, remove []string) error {
	if id == "" {
		return invalid("TagResources", "a HaVip ID is required")
	}
	ctx, cancel := opContext(ctx)
	defer cancel()
	defer c.changing([]string{id}, nil)()
	var drop []string
	for _, k := range remove {
		if _, overwritten := set[k]; !overwritten && k != "" {
			drop = append(drop, k)
		}
	}
	sort.Strings(drop)
	for i := 0; i < len(drop); i += maxTagsPerCall {
		keys := drop[i:min(i+maxTagsPerCall, len(drop))]
		err := c.sendUnlessApplied(ctx, "UnTagResources", id, func(cli *vpc.Client) (string, error) {
			req := vpc.CreateUnTagResourcesRequest()
			req.ResourceType = "HAVIP"
			req.ResourceId = &[]string{id}
			k := append([]string(nil), keys...)
			req.TagKey = &k
			return answered(cli, req, vpc.CreateUnTagResourcesResponse)
		}, func(h *HaVip) bool {
			for _, k := range keys {
				if _, ok := h.Tags[k]; ok {
					return false
				}
			}
			return true
		})
		if err != nil {
			return err
		}
	}
	keys := slices.Sorted(maps.Keys(set))
	for _, k := range keys {
		if k == "" {
			return invalid("TagResources", "tag keys must not be empty")
		}
	}
	for i := 0; i < len(keys); i += maxTagsPerCall {
		var tags []vpc.TagResourcesTag
		for _, k := range keys[i:min(i+maxTagsPerCall, len(keys))] {
			tags = append(tags, vpc.TagResourcesTag{Key: k, Value: set[k]})
		}
		err := c.sendUnlessApplied(ctx, "TagResources", id, func(cli *vpc.Client) (string, error) {
			req := vpc.CreateTagResourcesRequest()
			req.ResourceType = "HAVIP"
			req.ResourceId = &[]string{id}
			t := append([]vpc.TagResourcesTag(nil), tags...)
			req.Tag = &t
			return answered(cli, req, vpc.CreateTagResourcesResponse)
		}, func(h *HaVip) bool {
			for _, t := range tags {
				if v, ok := h.Tags[t.Key]; !ok || v != t.Value {
					return false
				}
			}
			return true
		})
		if err != nil {
			return err
		}
	}
	return nil
}
