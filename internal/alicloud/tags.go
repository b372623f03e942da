package alicloud

import (
	"context"
	"sort"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// maxTagsPerCall is the API's limit of tags per TagResources call.
const maxTagsPerCall = 20

// tagLooks is how many times the HaVip is read before a tag call whose
// outcome is unknown is sent again.
const tagLooks = 3

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
		err := c.sendUnlessTagged(ctx, "UnTagResources", id, func(cli *vpc.Client) (string, error) {
			req := vpc.CreateUnTagResourcesRequest()
			req.ResourceType = "HAVIP"
			req.ResourceId = &[]string{id}
			k := append([]string(nil), keys...)
			req.TagKey = &k
			resp, err := cli.UnTagResources(req)
			if err != nil {
				return "", err
			}
			return resp.RequestId, nil
		}, func(have map[string]string) bool {
			for _, k := range keys {
				if _, ok := have[k]; ok {
					return false
				}
			}
			return true
		})
		if err != nil {
			return err
		}
	}
	keys := sortedKeys(set)
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
		err := c.sendUnlessTagged(ctx, "TagResources", id, func(cli *vpc.Client) (string, error) {
			req := vpc.CreateTagResourcesRequest()
			req.ResourceType = "HAVIP"
			req.ResourceId = &[]string{id}
			t := append([]vpc.TagResourcesTag(nil), tags...)
			req.Tag = &t
			resp, err := cli.TagResources(req)
			if err != nil {
				return "", err
			}
			return resp.RequestId, nil
		}, func(have map[string]string) bool {
			for _, t := range tags {
				if v, ok := have[t.Key]; !ok || v != t.Value {
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

// sendUnlessTagged sends a tag call, which carries no ClientToken: the
// service cannot tell a resent request from a new one, and a resent
// TagResources commits again. So a request whose fate is unknown (no
// answer, a 5xx, a timeout) is never resent blind, by the transport or
// here: the HaVip is read again, and the call goes out once more only if
// its tags are not yet as asked.
func (c *Client) sendUnlessTagged(ctx context.Context, op, id string, send func(*vpc.Client) (string, error), applied func(map[string]string) bool) error {
	ctx = withoutBlindResend(ctx)
	rounds := 0
	return c.untilSettled(ctx, op, func(ctx context.Context) error {
		return c.vpcCall(ctx, op, send)
	}, func(ctx context.Context, e *Error) (verdict, error) {
		if e.Class != ClassTransient {
			return defaultJudge(ctx, e)
		}
		if rounds++; rounds > maxTransientRounds {
			return fail, e
		}
		// A request the client gave up on may still be running at the
		// service, so a first look that finds nothing is not trusted
		// alone: the call is sent again only after looks spread over
		// the poll schedule all find the tags not yet as asked.
		for look := 0; look < tagLooks; look++ {
			if look > 0 {
				if err := c.pause(ctx, expJitter(c.cfg.PollMin, c.cfg.PollMax, look-1)); err != nil {
					return fail, e
				}
			}
			h, err := c.FindHaVipByID(ctx, id)
			if err != nil {
				// Without the HaVip's tags the outcome stays unknown,
				// and sending again could apply the change twice.
				return fail, e
			}
			if applied(h.Tags) {
				tflog.Debug(ctx, "alicloud: the tag call whose answer was lost had been carried out", map[string]any{"op": op, "havip_id": id})
				return settled, nil
			}
		}
		return retry, nil
	})
}
