package alicloud

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

// NotFoundError is what a finder returns when the object does not exist.
// The describe APIs answer 200 with an empty list rather than a NotFound
// code, so the finder is where "gone" is decided. It unwraps to an *Error
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

// describeHaVips is one DescribeHaVips page.
func (c *Client) describeHaVips(ctx context.Context, filters []vpc.DescribeHaVipsFilter, page, size int) (*vpc.DescribeHaVipsResponse, error) {
	var out *vpc.DescribeHaVipsResponse
	err := c.vpcCall(ctx, "DescribeHaVips", func(cli *vpc.Client) (string, error) {
		req := vpc.CreateDescribeHaVipsRequest()
		if len(filters) > 0 {
			f := append([]vpc.DescribeHaVipsFilter(nil), filters...)
			req.Filter = &f
		}
		req.PageNumber = requestsInt(page)
		req.PageSize = requestsInt(size)
		resp, err := cli.DescribeHaVips(req)
		if err != nil {
			return "", err
		}
		out = resp
		return resp.RequestId, nil
	})
	return out, err
}

// FindHaVipByID reads one HaVip, filtering DescribeHaVips by its ID; a
// HaVip that is gone is a *NotFoundError.
func (c *Client) FindHaVipByID(ctx context.Context, id string) (*HaVip, error) {
	const op = "DescribeHaVips"
	if id == "" {
		return nil, invalid(op, "a HaVip ID is required")
	}
	resp, err := c.describeHaVips(ctx, []vpc.DescribeHaVipsFilter{haVipFilter("HaVipId", id)}, 1, 10)
	if err != nil {
		return nil, err
	}
	for _, s := range resp.HaVips.HaVip {
		if s.HaVipId == id {
			h := fromSDKHaVip(s)
			return &h, nil
		}
	}
	return nil, c.notListed(op, "InvalidHaVipId.NotFound", "HaVip", id, resp.RequestId)
}

// FindEIPByID reads one EIP by its allocation ID.
func (c *Client) FindEIPByID(ctx context.Context, allocationID string) (*EIP, error) {
	const op = "DescribeEipAddresses"
	if allocationID == "" {
		return nil, invalid(op, "an EIP allocation ID is required")
	}
	var resp *vpc.DescribeEipAddressesResponse
	err := c.vpcCall(ctx, op, func(cli *vpc.Client) (string, error) {
		req := vpc.CreateDescribeEipAddressesRequest()
		req.AllocationId = allocationID
		r, err := cli.DescribeEipAddresses(req)
		if err != nil {
			return "", err
		}
		resp = r
		return r.RequestId, nil
	})
	if err != nil {
		return nil, err
	}
	for _, e := range resp.EipAddresses.EipAddress {
		if e.AllocationId == allocationID {
			return &EIP{ID: e.AllocationId, IPAddress: e.IpAddress, Status: e.Status, InstanceID: e.InstanceId,
				InstanceType: e.InstanceType, RegionID: e.RegionId}, nil
		}
	}
	return nil, c.notListed(op, "InvalidAllocationId.NotFound", "EIP", allocationID, resp.RequestId)
}

func (c *Client) FindVSwitchByID(ctx context.Context, id string) (*VSwitch, error) {
	const op = "DescribeVSwitchAttributes"
	if id == "" {
		return nil, invalid(op, "a vSwitch ID is required")
	}
	var resp *vpc.DescribeVSwitchAttributesResponse
	err := c.vpcCall(ctx, op, func(cli *vpc.Client) (string, error) {
		req := vpc.CreateDescribeVSwitchAttributesRequest()
		req.VSwitchId = id
		r, err := cli.DescribeVSwitchAttributes(req)
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
		return nil, c.notListed(op, "InvalidVSwitchId.NotFound", "vSwitch", id, resp.RequestId)
	}
	return &VSwitch{ID: resp.VSwitchId, VpcID: resp.VpcId, CIDR: resp.CidrBlock, ZoneID: resp.ZoneId, Status: resp.Status}, nil
}

func (c *Client) FindInstanceByID(ctx context.Context, id string) (*Instance, error) {
	const op = "DescribeInstances"
	if id == "" {
		return nil, invalid(op, "an instance ID is required")
	}
	ids, _ := json.Marshal([]string{id}) // the API takes a JSON array string
	var resp *ecs.DescribeInstancesResponse
	err := c.ecsCall(ctx, op, func(cli *ecs.Client) (string, error) {
		req := ecs.CreateDescribeInstancesRequest()
		req.InstanceIds = string(ids)
		r, err := cli.DescribeInstances(req)
		if err != nil {
			return "", err
		}
		resp = r
		return r.RequestId, nil
	})
	if err != nil {
		return nil, err
	}
	for _, in := range resp.Instances.Instance {
		if in.InstanceId != id {
			continue
		}
		out := &Instance{ID: in.InstanceId, VpcID: in.VpcAttributes.VpcId, VSwitchID: in.VpcAttributes.VSwitchId,
			ZoneID: in.ZoneId, Status: in.Status}
		if ips := in.VpcAttributes.PrivateIpAddress.IpAddress; len(ips) > 0 {
			out.PrivateIP = ips[0]
		}
		return out, nil
	}
	return nil, c.notListed(op, "InvalidInstanceId.NotFound", "ECS instance", id, resp.RequestId)
}

func (c *Client) FindENIByID(ctx context.Context, id string) (*ENI, error) {
	const op = "DescribeNetworkInterfaces"
	if id == "" {
		return nil, invalid(op, "a network interface ID is required")
	}
	var resp *ecs.DescribeNetworkInterfacesResponse
	err := c.ecsCall(ctx, op, func(cli *ecs.Client) (string, error) {
		req := ecs.CreateDescribeNetworkInterfacesRequest()
		req.NetworkInterfaceId = &[]string{id}
		r, err := cli.DescribeNetworkInterfaces(req)
		if err != nil {
			return "", err
		}
		resp = r
		return r.RequestId, nil
	})
	if err != nil {
		return nil, err
	}
	for _, e := range resp.NetworkInterfaceSets.NetworkInterfaceSet {
		if e.NetworkInterfaceId == id {
			return &ENI{ID: e.NetworkInterfaceId, InstanceID: e.InstanceId, VpcID: e.VpcId, VSwitchID: e.VSwitchId,
				Status: e.Status, Type: e.Type, PrivateIP: e.PrivateIpAddress}, nil
		}
	}
	return nil, c.notListed(op, "InvalidEniId.NotFound", "network interface", id, resp.RequestId)
}

// EIPsOfHaVip lists the EIPs bound to a HaVip. DescribeHaVips names them
// by public address only; importing a binding needs the allocation IDs.
func (c *Client) EIPsOfHaVip(ctx context.Context, havipID string) ([]EIP, error) {
	const op = "DescribeEipAddresses"
	if havipID == "" {
		return nil, invalid(op, "a HaVip ID is required")
	}
	var resp *vpc.DescribeEipAddressesResponse
	err := c.vpcCall(ctx, op, func(cli *vpc.Client) (string, error) {
		req := vpc.CreateDescribeEipAddressesRequest()
		req.AssociatedInstanceType = "HaVip"
		req.AssociatedInstanceId = havipID
		req.PageSize = requestsInt(100)
		r, err := cli.DescribeEipAddresses(req)
		if err != nil {
			return "", err
		}
		resp = r
		return r.RequestId, nil
	})
	if err != nil {
		return nil, err
	}
	var out []EIP
	for _, e := range resp.EipAddresses.EipAddress {
		if e.InstanceId == havipID {
			out = append(out, EIP{ID: e.AllocationId, IPAddress: e.IpAddress, Status: e.Status, InstanceID: e.InstanceId,
				InstanceType: e.InstanceType, RegionID: e.RegionId})
		}
	}
	return out, nil
}

// The provider reads objects under the API's verb; these are the finders.

func (c *Client) DescribeHaVip(ctx context.Context, id string) (*HaVip, error) {
	return c.FindHaVipByID(ctx, id)
}

func (c *Client) DescribeEIP(ctx context.Context, allocationID string) (*EIP, error) {
	return c.FindEIPByID(ctx, allocationID)
}

func (c *Client) DescribeVSwitch(ctx context.Context, id string) (*VSwitch, error) {
	return c.FindVSwitchByID(ctx, id)
}

func (c *Client) DescribeInstance(ctx context.Context, id string) (*Instance, error) {
	return c.FindInstanceByID(ctx, id)
}

func (c *Client) DescribeENI(ctx context.Context, id string) (*ENI, error) {
	return c.FindENIByID(ctx, id)
}
