package alicloud

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

func requestsInt(n int) requests.Integer { return requests.NewInteger(n) }

// notListed is the error for a describe whose answer simply lacks the
// resource: the list APIs answer 200 with nothing rather than NotFound.
func (c *Client) notListed(op, code, kind, id, requestID string) *Error {
	return &Error{Op: op, Class: ClassNotFound, Code: code, RequestID: requestID,
		Message: fmt.Sprintf("%s %s does not exist in region %s", kind, id, c.cfg.Region)}
}

func (c *Client) DescribeEIP(ctx context.Context, allocationID string) (*EIP, error) {
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

func (c *Client) DescribeVSwitch(ctx context.Context, id string) (*VSwitch, error) {
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

func (c *Client) DescribeInstance(ctx context.Context, id string) (*Instance, error) {
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

func (c *Client) DescribeENI(ctx context.Context, id string) (*ENI, error) {
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
