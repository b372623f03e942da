package alicloud

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// NotFoundError is what a read of one object returns when the object does
// not exist. The describe APIs answer 200 with an empty list rather than a
// NotFound code, so the read is where "gone" is decided. It unwraps to an *Error
// of ClassNotFound, so IsNotFound, ClassOf and CodeOf see through it.
type NotFoundError struct {
	Kind string // "HaVip", "EIP", ...
	ID   string
	Err  *Error
}

func (e *NotFoundError) Error() string { return e.Err.Error() }
func (e *NotFoundError) Unwrap() error { return e.Err }

func requestsInt(n int) requests.Integer { return requests.NewInteger(n) }

func (c *Client) notListed(op, code, kind, id, requestID string) *NotFoundError {
	return &NotFoundError{Kind: kind, ID: id, Err: &Error{Op: op, Class: ClassNotFound, Code: code, RequestID: requestID,
		Message: fmt.Sprintf("%s %s does not exist in region %s", kind, id, c.cfg.Region)}}
}

func haVipFilter(key string, values ...string) vpc.DescribeHaVipsFilter {
	v := append([]string(nil), values...)
	return vpc.DescribeHaVipsFilter{Key: key, Value: &v}
}

func fromSDKHaVip(s vpc.HaVip) HaVip {
	h := HaVip{
		ID: s.HaVipId, RegionID: s.RegionId, VpcID: s.VpcId, VSwitchID: s.VSwitchId, IPAddress: s.IpAddress,
		Status: s.Status, MasterInstanceID: s.MasterInstanceId, AssociatedInstanceType: s.AssociatedInstanceType,
		AssociatedInstances:    append([]string{}, s.AssociatedInstances.AssociatedInstance...),
		AssociatedEIPAddresses: append([]string{}, s.AssociatedEipAddresses.AssociatedEipAddresse...),
		Name:                   s.Name, Description: s.Description, CreateTime: s.CreateTime, ResourceGroupID: s.ResourceGroupId,
		Tags: map[string]string{},
	}
	for _, t := range s.Tags.Tag {
		h.Tags[t.Key] = t.Value
	}
	return h
}

// fromSDKHaVips is the HaVips of one DescribeHaVips answer.
func fromSDKHaVips(resp *vpc.DescribeHaVipsResponse) []HaVip {
	out := make([]HaVip, 0, len(resp.HaVips.HaVip))
	for _, s := range resp.HaVips.HaVip {
		out = append(out, fromSDKHaVip(s))
	}
	return out
}

// fromSDKEIPs is the EIPs of one DescribeEipAddresses answer.
func fromSDKEIPs(resp *vpc.DescribeEipAddressesResponse) []EIP {
	out := make([]EIP, 0, len(resp.EipAddresses.EipAddress))
	for _, e := range resp.EipAddresses.EipAddress {
		out = append(out, EIP{ID: e.AllocationId, IPAddress: e.IpAddress, Status: e.Status, InstanceID: e.InstanceId,
			InstanceType: e.InstanceType, RegionID: e.RegionId})
	}
	return out
}

// describeHaVips is one DescribeHaVips page.
func (c *Client) describeHaVips(ctx context.Context, r haVipRequest, page, size int) (*vpc.DescribeHaVipsResponse, error) {
	var out *vpc.DescribeHaVipsResponse
	err := c.vpcCall(ctx, "DescribeHaVips", func(cli *vpc.Client) (string, error) {
		req := vpc.CreateDescribeHaVipsRequest()
		if len(r.filters) > 0 {
			f := slices.Clone(r.filters)
			req.Filter = &f
		}
		if len(r.tags) > 0 {
			t := slices.Clone(r.tags)
			req.Tags = &t
		}
		req.ResourceGroupId = r.group
		req.PageNumber = requestsInt(page)
		req.PageSize = requestsInt(size)
		resp, err := send(cli, req, vpc.CreateDescribeHaVipsResponse)
		if err != nil {
			return "", err
		}
		out = resp
		return resp.RequestId, nil
	})
	return out, err
}

// readBatch is how many objects one shared describe asks for: the
// largest page DescribeHaVips returns (50), which DescribeEipAddresses
// (50 IDs), DescribeInstances and DescribeNetworkInterfaces (100) allow
// as well, so a batch is always answered in one page.
const readBatch = 50

// readers are the shared, batched reads of every object the provider
// looks at (reads.go).
type readers struct {
	haVips    *batchReader[HaVip]
	eips      *batchReader[EIP]
	instances *batchReader[Instance]
	enis      *batchReader[ENI]
}

func (c *Client) initReaders() {
	timeout := c.cfg.ReadTimeout
	c.reads.haVips = newBatchReader("DescribeHaVips", "a HaVip ID", readBatch, timeout, c.fetchHaVips, func(id, rid string) error {
		return c.notListed("DescribeHaVips", rulebook.CodeHaVipNotFound, "HaVip", id, rid)
	})
	c.reads.eips = newBatchReader("DescribeEipAddresses", "an EIP allocation ID", readBatch, timeout, c.fetchEIPs, func(id, rid string) error {
		return c.notListed("DescribeEipAddresses", rulebook.CodeAllocationNotFound, "EIP", id, rid)
	})
	c.reads.instances = newBatchReader("DescribeInstances", "an instance ID", readBatch, timeout, c.fetchInstances, func(id, rid string) error {
		return c.notListed("DescribeInstances", rulebook.CodeInstanceNotFound, "ECS instance", id, rid)
	})
	c.reads.enis = newBatchReader("DescribeNetworkInterfaces", "a network interface ID", readBatch, timeout, c.fetchENIs, func(id, rid string) error {
		return c.notListed("DescribeNetworkInterfaces", "InvalidEniId.NotFound", "network interface", id, rid)
	})
}

func (c *Client) fetchHaVips(ctx context.Context, ids []string) (map[string]*HaVip, string, error) {
	resp, err := c.describeHaVips(ctx, haVipRequest{filters: []vpc.DescribeHaVipsFilter{haVipFilter("HaVipId", ids...)}}, 1, readBatch)
	if err != nil {
		return nil, "", err
	}
	return byID(fromSDKHaVips(resp), func(h *HaVip) string { return h.ID }), resp.RequestId, nil
}

func (c *Client) fetchEIPs(ctx context.Context, ids []string) (map[string]*EIP, string, error) {
	var resp *vpc.DescribeEipAddressesResponse
	err := c.vpcCall(ctx, "DescribeEipAddresses", func(cli *vpc.Client) (string, error) {
		req := vpc.CreateDescribeEipAddressesRequest()
		req.AllocationId = strings.Join(ids, ",")
		req.PageSize = requestsInt(readBatch)
		r, err := send(cli, req, vpc.CreateDescribeEipAddressesResponse)
		if err != nil {
			return "", err
		}
		resp = r
		return r.RequestId, nil
	})
	if err != nil {
		return nil, "", err
	}
	return byID(fromSDKEIPs(resp), func(e *EIP) string { return e.ID }), resp.RequestId, nil
}

func (c *Client) fetchInstances(ctx context.Context, ids []string) (map[string]*Instance, string, error) {
	list, _ := json.Marshal(ids) // the API takes a JSON array string
	var resp *ecs.DescribeInstancesResponse
	err := c.ecsCall(ctx, "DescribeInstances", func(cli *ecs.Client) (string, error) {
		req := ecs.CreateDescribeInstancesRequest()
		req.InstanceIds = string(list)
		req.PageSize = requestsInt(readBatch)
		r, err := send(cli, req, ecs.CreateDescribeInstancesResponse)
		if err != nil {
			return "", err
		}
		resp = r
		return r.RequestId, nil
	})
	if err != nil {
		return nil, "", err
	}
	out := map[string]*Instance{}
	for _, in := range resp.Instances.Instance {
		v := &Instance{ID: in.InstanceId, VpcID: in.VpcAttributes.VpcId, VSwitchID: in.VpcAttributes.VSwitchId,
			ZoneID: in.ZoneId, Status: in.Status}
		if ips := in.VpcAttributes.PrivateIpAddress.IpAddress; len(ips) > 0 {
			v.PrivateIP = ips[0]
		}
		out[in.InstanceId] = v
	}
	return out, resp.RequestId, nil
}

func (c *Client) fetchENIs(ctx context.Context, ids []string) (map[string]*ENI, string, error) {
	var resp *ecs.DescribeNetworkInterfacesResponse
	err := c.ecsCall(ctx, "DescribeNetworkInterfaces", func(cli *ecs.Client) (string, error) {
		req := ecs.CreateDescribeNetworkInterfacesRequest()
		l := append([]string(nil), ids...)
		req.NetworkInterfaceId = &l
		req.PageSize = requestsInt(readBatch)
		r, err := send(cli, req, ecs.CreateDescribeNetworkInterfacesResponse)
		if err != nil {
			return "", err
		}
		resp = r
		return r.RequestId, nil
	})
	if err != nil {
		return nil, "", err
	}
	out := map[string]*ENI{}
	for _, e := range resp.NetworkInterfaceSets.NetworkInterfaceSet {
		out[e.NetworkInterfaceId] = &ENI{ID: e.NetworkInterfaceId, InstanceID: e.InstanceId, VpcID: e.VpcId, VSwitchID: e.VSwitchId,
			Status: e.Status, Type: e.Type, PrivateIP: e.PrivateIpAddress}
	}
	return out, resp.RequestId, nil
}

// ReadHaVip is the HaVip with ID id, from the shared reads; a HaVip that
// is gone is a *NotFoundError.
func (c *Client) ReadHaVip(ctx context.Context, id string) (*HaVip, error) {
	return c.reads.haVips.get(ctx, id, false)
}

// FreshHaVip describes the HaVip with ID id now; a HaVip that is gone is a
// *NotFoundError.
func (c *Client) FreshHaVip(ctx context.Context, id string) (*HaVip, error) {
	return c.reads.haVips.get(ctx, id, true)
}

// ReadEIP is the EIP with allocation ID allocationID, from the shared reads.
func (c *Client) ReadEIP(ctx context.Context, allocationID string) (*EIP, error) {
	return c.reads.eips.get(ctx, allocationID, false)
}

// FreshEIP describes the EIP with allocation ID allocationID now.
func (c *Client) FreshEIP(ctx context.Context, allocationID string) (*EIP, error) {
	return c.reads.eips.get(ctx, allocationID, true)
}

// ReadInstance is the ECS instance with ID id, from the shared reads.
func (c *Client) ReadInstance(ctx context.Context, id string) (*Instance, error) {
	return c.reads.instances.get(ctx, id, false)
}

// ReadENI is the network interface with ID id, from the shared reads.
func (c *Client) ReadENI(ctx context.Context, id string) (*ENI, error) {
	return c.reads.enis.get(ctx, id, false)
}

// FreshVSwitch describes one vSwitch now.
func (c *Client) FreshVSwitch(ctx context.Context, id string) (*VSwitch, error) {
	const op = "DescribeVSwitchAttributes"
	if id == "" {
		return nil, invalid(op, "a vSwitch ID is required")
	}
	var resp *vpc.DescribeVSwitchAttributesResponse
	err := c.vpcCall(ctx, op, func(cli *vpc.Client) (string, error) {
		req := vpc.CreateDescribeVSwitchAttributesRequest()
		req.VSwitchId = id
		r, err := send(cli, req, vpc.CreateDescribeVSwitchAttributesResponse)
		if err != nil {
			return "", err
		}
		resp = r
		return r.RequestId, nil
	})
	if err != nil {
		return nil, err
	}
	if resp.VSwitchId != id {
		return nil, c.notListed(op, rulebook.CodeVSwitchIDNotFound, "vSwitch", id, resp.RequestId)
	}
	return &VSwitch{ID: resp.VSwitchId, VpcID: resp.VpcId, CIDR: resp.CidrBlock, ZoneID: resp.ZoneId, Status: resp.Status}, nil
}

// AddressOwner names the ECS instance or ENI that holds ip as a private
// address in the vSwitch, or "" when none does: CreateHaVip refuses an
// address in use with InvalidIPAddress.AlreadyUsed. One
// DescribeNetworkInterfaces answers for both: it lists every ENI, an
// instance's primary ENI (Type Primary, with the instance's private
// addresses) among them, and the address filter matches secondary private
// addresses too. An address on a primary ENI is named by its instance,
// which is what the user knows it by.
func (c *Client) AddressOwner(ctx context.Context, vswitchID, ip string) (string, error) {
	var owner string
	err := c.ecsCall(ctx, "DescribeNetworkInterfaces", func(cli *ecs.Client) (string, error) {
		req := ecs.CreateDescribeNetworkInterfacesRequest()
		req.VSwitchId = vswitchID
		req.PrivateIpAddress = &[]string{ip}
		r, err := send(cli, req, ecs.CreateDescribeNetworkInterfacesResponse)
		if err != nil {
			return "", err
		}
		for _, e := range r.NetworkInterfaceSets.NetworkInterfaceSet {
			holds := e.PrivateIpAddress == ip
			for _, s := range e.PrivateIpSets.PrivateIpSet {
				holds = holds || s.PrivateIpAddress == ip
			}
			if !holds || owner != "" {
				continue
			}
			owner = e.NetworkInterfaceId
			if e.Type == "Primary" && e.InstanceId != "" {
				owner = e.InstanceId
			}
		}
		return r.RequestId, nil
	})
	return owner, err
}

// byID indexes items by ID.
func byID[T any](items []T, id func(*T) string) map[string]*T {
	out := make(map[string]*T, len(items))
	for i := range items {
		out[id(&items[i])] = &items[i]
	}
	return out
}
