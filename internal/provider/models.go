package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The Terraform models of the provider, its resources and data sources, in
// one place: each struct mirrors a schema attribute for attribute (tfsdk
// tags), and reading them side by side shows what each type stores.

// The provider block.

type providerModel struct {
	Region        types.String    `tfsdk:"region"`
	AccessKey     types.String    `tfsdk:"access_key"`
	SecretKey     types.String    `tfsdk:"secret_key"`
	SecurityToken types.String    `tfsdk:"security_token"`
	Profile       types.String    `tfsdk:"profile"`
	ProfileFile   types.String    `tfsdk:"profile_file"`
	Protocol      types.String    `tfsdk:"protocol"`
	MaxRetries    types.Int64     `tfsdk:"max_retries"`
	ReadTimeout   types.Int64     `tfsdk:"client_read_timeout"`
	Endpoints     *endpointsModel `tfsdk:"endpoints"`
	Quotas        *quotasModel    `tfsdk:"quotas"`

	SharedCredentialsFile types.String     `tfsdk:"shared_credentials_file"`
	CredentialsURI        types.String     `tfsdk:"credentials_uri"`
	ECSRoleName           types.String     `tfsdk:"ecs_role_name"`
	AssumeRole            *assumeRoleModel `tfsdk:"assume_role"`
	AssumeRoleWithOIDC    *oidcModel       `tfsdk:"assume_role_with_oidc"`
}

type endpointsModel struct {
	VPC types.String `tfsdk:"vpc"`
	ECS types.String `tfsdk:"ecs"`
	STS types.String `tfsdk:"sts"`
}

type assumeRoleModel struct {
	RoleARN           types.String `tfsdk:"role_arn"`
	SessionName       types.String `tfsdk:"session_name"`
	SessionExpiration types.Int64  `tfsdk:"session_expiration"`
	ExternalID        types.String `tfsdk:"external_id"`
	Policy            types.String `tfsdk:"policy"`
}

type oidcModel struct {
	OIDCProviderARN   types.String `tfsdk:"oidc_provider_arn"`
	RoleARN           types.String `tfsdk:"role_arn"`
	OIDCToken         types.String `tfsdk:"oidc_token"`
	OIDCTokenFile     types.String `tfsdk:"oidc_token_file"`
	RoleSessionName   types.String `tfsdk:"role_session_name"`
	SessionExpiration types.Int64  `tfsdk:"session_expiration"`
	Policy            types.String `tfsdk:"policy"`
}

type quotasModel struct {
	HaVipsPerAccount types.Int64 `tfsdk:"havips_per_account"`
	HaVipsPerVPC     types.Int64 `tfsdk:"havips_per_vpc"`
	RoutesPerTable   types.Int64 `tfsdk:"havip_route_entries_per_table"`
}

// Resource havip.

type havipModel struct {
	ID                     types.String   `tfsdk:"id"`
	VSwitchID              types.String   `tfsdk:"vswitch_id"`
	IPAddress              types.String   `tfsdk:"ip_address"`
	Name                   types.String   `tfsdk:"name"`
	Description            types.String   `tfsdk:"description"`
	Tags                   types.Map      `tfsdk:"tags"`
	ResourceGroupID        types.String   `tfsdk:"resource_group_id"`
	VpcID                  types.String   `tfsdk:"vpc_id"`
	Status                 types.String   `tfsdk:"status"`
	MasterInstanceID       types.String   `tfsdk:"master_instance_id"`
	AssociatedInstanceType types.String   `tfsdk:"associated_instance_type"`
	AssociatedInstanceIDs  types.List     `tfsdk:"associated_instance_ids"`
	AssociatedEIPAddresses types.List     `tfsdk:"associated_eip_addresses"`
	CreateTime             types.String   `tfsdk:"create_time"`
	Timeouts               timeouts.Value `tfsdk:"timeouts"`
}

// Resource havip_attachment.

type attachmentModel struct {
	ID           types.String   `tfsdk:"id"`
	HaVipID      types.String   `tfsdk:"havip_id"`
	InstanceID   types.String   `tfsdk:"instance_id"`
	InstanceType types.String   `tfsdk:"instance_type"`
	Force        types.Bool     `tfsdk:"force"`
	IsMaster     types.Bool     `tfsdk:"is_master"`
	Status       types.String   `tfsdk:"status"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

// Resource havip_members.

type membersModel struct {
	ID               types.String   `tfsdk:"id"`
	HaVipID          types.String   `tfsdk:"havip_id"`
	VSwitchID        types.String   `tfsdk:"vswitch_id"`
	MemberIDs        types.List     `tfsdk:"member_ids"`
	InstanceType     types.String   `tfsdk:"instance_type"`
	EIPAllocationID  types.String   `tfsdk:"eip_allocation_id"`
	EIPAddress       types.String   `tfsdk:"eip_address"`
	Force            types.Bool     `tfsdk:"force"`
	MasterInstanceID types.String   `tfsdk:"master_instance_id"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
}

// Resource havip_eip_association.

type eipAssociationModel struct {
	ID           types.String   `tfsdk:"id"`
	HaVipID      types.String   `tfsdk:"havip_id"`
	AllocationID types.String   `tfsdk:"allocation_id"`
	Force        types.Bool     `tfsdk:"force"`
	EIPAddress   types.String   `tfsdk:"eip_address"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

// Resource havip_route_entry.

type routeEntryModel struct {
	ID           types.String   `tfsdk:"id"`
	RouteTableID types.String   `tfsdk:"route_table_id"`
	Destination  types.String   `tfsdk:"destination_cidr_block"`
	HaVipID      types.String   `tfsdk:"havip_id"`
	Name         types.String   `tfsdk:"name"`
	Description  types.String   `tfsdk:"description"`
	RouteEntryID types.String   `tfsdk:"route_entry_id"`
	Status       types.String   `tfsdk:"status"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

// Data source havip_havips.

type havipsModel struct {
	IDs             types.List   `tfsdk:"ids"`
	VpcIDs          types.List   `tfsdk:"vpc_ids"`
	VSwitchIDs      types.List   `tfsdk:"vswitch_ids"`
	Statuses        types.List   `tfsdk:"statuses"`
	IPAddresses     types.List   `tfsdk:"ip_addresses"`
	Tags            types.Map    `tfsdk:"tags"`
	ResourceGroupID types.String `tfsdk:"resource_group_id"`
	NameRegex       types.String `tfsdk:"name_regex"`
	HaVips          types.List   `tfsdk:"havips"`
}

// Data source havip_keepalived_config.

type kaNodeModel struct {
	Name       types.String `tfsdk:"name"`
	PrivateIP  types.String `tfsdk:"private_ip"`
	InstanceID types.String `tfsdk:"instance_id"`
	Priority   types.Int64  `tfsdk:"priority"`
	Interface  types.String `tfsdk:"interface"`
	State      types.String `tfsdk:"state"`
}

type kaHealthCheckModel struct {
	TCPPort  types.Int64   `tfsdk:"tcp_port"`
	Script   types.String  `tfsdk:"script"`
	Process  types.String  `tfsdk:"process"`
	Interval types.Int64   `tfsdk:"interval"`
	Timeout  types.Int64   `tfsdk:"timeout"`
	Fall     types.Int64   `tfsdk:"fall"`
	Rise     types.Int64   `tfsdk:"rise"`
	Delay    types.Float64 `tfsdk:"delay"`
	Weight   types.Int64   `tfsdk:"weight"`
}

type kaNotifyModel struct {
	Master types.String `tfsdk:"master"`
	Backup types.String `tfsdk:"backup"`
	Fault  types.String `tfsdk:"fault"`
	Stop   types.String `tfsdk:"stop"`
}

type kaGARPModel struct {
	MasterDelay          types.Int64 `tfsdk:"master_delay"`
	MasterRepeat         types.Int64 `tfsdk:"master_repeat"`
	MasterRefresh        types.Int64 `tfsdk:"master_refresh"`
	LowerPrioRepeat      types.Int64 `tfsdk:"lower_prio_repeat"`
	HigherPrioSendAdvert types.Bool  `tfsdk:"higher_prio_send_advert"`
}

type kaModel struct {
	ID               types.String        `tfsdk:"id"`
	Name             types.String        `tfsdk:"name"`
	Profile          types.String        `tfsdk:"profile"`
	Keepalived       types.String        `tfsdk:"keepalived_version"`
	VirtualIPs       []types.String      `tfsdk:"virtual_ips"`
	VirtualRouterID  types.Int64         `tfsdk:"virtual_router_id"`
	Interface        types.String        `tfsdk:"interface"`
	VRRPVersion      types.Int64         `tfsdk:"vrrp_version"`
	AdvertInt        types.Float64       `tfsdk:"advert_int"`
	DownTimerAdverts types.Int64         `tfsdk:"down_timer_adverts"`
	NoPreempt        types.Bool          `tfsdk:"nopreempt"`
	PreemptDelay     types.Float64       `tfsdk:"preempt_delay"`
	AuthPass         types.String        `tfsdk:"auth_pass"`
	SubnetCIDR       types.String        `tfsdk:"subnet_cidr"`
	TrackInterfaces  []types.String      `tfsdk:"track_interfaces"`
	StartupDelay     types.Float64       `tfsdk:"startup_delay"`
	FailoverBudget   types.Float64       `tfsdk:"failover_budget"`
	Nodes            []kaNodeModel       `tfsdk:"nodes"`
	HealthCheck      *kaHealthCheckModel `tfsdk:"health_check"`
	Notify           *kaNotifyModel      `tfsdk:"notify"`
	GARP             *kaGARPModel        `tfsdk:"garp"`
	Configs          types.Map           `tfsdk:"configs"`
	Warnings         []types.String      `tfsdk:"warnings"`
}
