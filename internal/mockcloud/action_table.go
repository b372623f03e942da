package mockcloud

// API versions the mock routes on; DescribeHaVips-style names can exist in
// both products, so every route is keyed by version and action.
const (
	vpcVersion = "2016-04-28"
	ecsVersion = "2014-05-26"
)

type actionKey struct{ version, action string }

// actionRow is one served action. reads marks an action that changes nothing,
// so the journal can tell a refused plan's lookups from its mutations.
type actionRow struct {
	handle handler
	reads  bool
}

const (
	mutates = false
	reads   = true
)

// actionTable is every action the mock serves. Serving another action is one row
// here plus its handler; its request parameters come from zz_apimeta.go.
var actionTable = map[actionKey]actionRow{
	{vpcVersion, "CreateHaVip"}:           {createHaVip, mutates},
	{vpcVersion, "DescribeHaVips"}:        {describeHaVips, reads},
	{vpcVersion, "ModifyHaVipAttribute"}:  {modifyHaVip, mutates},
	{vpcVersion, "AssociateHaVip"}:        {associateHaVip, mutates},
	{vpcVersion, "UnassociateHaVip"}:      {unassociateHaVip, mutates},
	{vpcVersion, "DeleteHaVip"}:           {deleteHaVip, mutates},
	{vpcVersion, "AllocateEipAddress"}:    {allocateEip, mutates},
	{vpcVersion, "DescribeEipAddresses"}:  {describeEips, reads},
	{vpcVersion, "AssociateEipAddress"}:   {associateEip, mutates},
	{vpcVersion, "UnassociateEipAddress"}: {unassociateEip, mutates},
	{vpcVersion, "ReleaseEipAddress"}:     {releaseEip, mutates},

	{vpcVersion, "DescribeVpcs"}:              {describeVpcs, reads},
	{vpcVersion, "DescribeVSwitches"}:         {describeVSwitches, reads},
	{vpcVersion, "DescribeVSwitchAttributes"}: {describeVSwitchAttributes, reads},
	{vpcVersion, "TagResources"}:              {tagResources, mutates},
	{vpcVersion, "UnTagResources"}:            {untagResources, mutates},
	{vpcVersion, "ListTagResources"}:          {listTagResources, reads},
	{vpcVersion, "MoveResourceGroup"}:         {moveResourceGroup, mutates},

	{vpcVersion, "CreateRouteEntry"}:       {createRouteEntry, mutates},
	{vpcVersion, "DeleteRouteEntry"}:       {deleteRouteEntry, mutates},
	{vpcVersion, "DescribeRouteEntryList"}: {describeRouteEntryList, reads},
	{vpcVersion, "DescribeRouteTableList"}: {describeRouteTableList, reads},

	{ecsVersion, "DescribeInstances"}:         {describeInstances, reads},
	{ecsVersion, "DescribeNetworkInterfaces"}: {describeENIs, reads},

	// STS changes no resource: a refused plan may still have assumed a
	// role to find that out.
	{stsVersion, "AssumeRole"}:         {assumeRole, reads},
	{stsVersion, "AssumeRoleWithOIDC"}: {assumeRoleWithOIDC, reads},
	{stsVersion, "GetCallerIdentity"}:  {getCallerIdentity, reads},
}
