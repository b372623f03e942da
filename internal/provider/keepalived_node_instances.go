package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// A keepalived node's private_ip is its unicast_src_ip and every other
// node's unicast_peer: a typo renders configs that keepalived -t accepts
// and that leave the node unheard (and the cluster with two MASTERs). A
// node that names its instance lets the data source compare the address
// with the one the instance really has.

// What a node's instance_id names, as the messages say it.
const (
	nodeIsECS = "ECS instance"
	nodeIsENI = "ENI"
)

// nodeAddress is what a node's instance_id says about its address.
type nodeAddress struct {
	what string // nodeIsECS or nodeIsENI
	ip   string // the primary private IPv4 address; "" when it has none
	err  error
}

// readNodeAddress reads the primary private IPv4 address of an ECS
// instance (the first of its VPC addresses, that of its primary ENI) or
// of an ENI: the address keepalived sends from on that interface.
func readNodeAddress(ctx context.Context, client *alicloud.Client, id string) nodeAddress {
	if rulebook.MemberTypeOf(id) == alicloud.MemberENI {
		eni, err := client.ReadENI(ctx, id)
		if err != nil {
			return nodeAddress{what: nodeIsENI, err: err}
		}
		return nodeAddress{what: nodeIsENI, ip: eni.PrivateIP}
	}
	in, err := client.ReadInstance(ctx, id)
	if err != nil {
		return nodeAddress{what: nodeIsECS, err: err}
	}
	return nodeAddress{what: nodeIsECS, ip: in.PrivateIP}
}

func nodeAttr(i int, name string) path.Path {
	return path.Root("nodes").AtListIndex(i).AtName(name)
}

// checkNodeInstances refuses, on the node's attribute, a private_ip that
// is not the primary address of the node's instance_id, and an
// instance_id that does not exist. Nodes without instance_id cost no
// call; those with one are read together (the client batches concurrent
// reads into one DescribeInstances and one DescribeNetworkInterfaces).
func checkNodeInstances(ctx context.Context, data *providerData, nodes []kaNodeModel, diags *diag.Diagnostics) {
	var checked []int
	for i, n := range nodes {
		if !n.InstanceID.IsNull() && !n.InstanceID.IsUnknown() && n.InstanceID.ValueString() != "" {
			checked = append(checked, i)
		}
	}
	if len(checked) == 0 {
		return
	}
	if data == nil || data.client == nil {
		why := "The havip provider was not configured."
		if data != nil {
			why = data.clientErr
		}
		for _, i := range checked {
			diags.AddAttributeError(nodeAttr(i, "instance_id"), fmt.Sprintf("Cannot check nodes[%d].private_ip against its instance", i),
				why+"\n\nWith instance_id the data source reads the instance from Alibaba Cloud to check the node's private_ip. "+
					"Give the provider credentials, or remove instance_id to render without any API call.")
		}
		return
	}
	client := data.client
	addrs := make([]nodeAddress, len(nodes))
	var wg sync.WaitGroup
	for _, i := range checked {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			addrs[i] = readNodeAddress(ctx, client, nodes[i].InstanceID.ValueString())
		}(i)
	}
	wg.Wait()
	for _, i := range checked {
		n, a := nodes[i], addrs[i]
		id, ip, name := n.InstanceID.ValueString(), n.PrivateIP.ValueString(), n.Name.ValueString()
		switch {
		case alicloud.IsNotFound(a.err):
			diags.AddAttributeError(nodeAttr(i, "instance_id"), fmt.Sprintf("nodes[%d].instance_id: %s not found", i, a.what),
				fmt.Sprintf("%s %s of node %q does not exist in region %s, so its private_ip cannot be checked. "+
					"Correct instance_id, or remove it to render without the check.", a.what, id, name, client.Region()))
		case a.err != nil:
			diags.AddAttributeError(nodeAttr(i, "instance_id"), fmt.Sprintf("Cannot read %s %s of nodes[%d]", a.what, id, i), apiErrorDetail(a.err))
		case a.ip == "":
			diags.AddAttributeError(nodeAttr(i, "instance_id"), fmt.Sprintf("nodes[%d].instance_id: %s has no private address", i, a.what),
				fmt.Sprintf("%s %s of node %q has no private IPv4 address in a VPC, so it cannot be a HaVip member.", a.what, id, name))
		case a.ip != ip:
			diags.AddAttributeError(nodeAttr(i, "private_ip"), fmt.Sprintf("nodes[%d].private_ip is not the address of %s", i, id),
				fmt.Sprintf("Node %q has private_ip %s, but its %s %s has the primary private IPv4 address %s. "+
					"keepalived would send this node's adverts from an address it does not have, and the other nodes would "+
					"list %s as their unicast peer, so the cluster would not hear this node. Set private_ip = %q%s.",
					name, ip, a.what, id, a.ip, ip, a.ip, secondaryENIHint(a)))
		}
	}
}

// secondaryENIHint: an ECS member holds the HaVip on its primary ENI, but
// a node may run VRRP on a secondary ENI, which is then the member.
func secondaryENIHint(a nodeAddress) string {
	if a.what != nodeIsECS {
		return ""
	}
	return ", or, when this node runs VRRP on a secondary ENI of the instance (the ENI is then the HaVip member), " +
		"set instance_id to that ENI's ID (eni-…)"
}
