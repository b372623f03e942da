// Package provider is the Terraform glue of terraform-provider-havip:
// schemas, models, plan-time checks and diagnostics. API work lives in
// internal/alicloud, keepalived rendering in internal/keepalived.
package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/havip-oss/havip"

var _ provider.Provider = &havipProvider{}

type havipProvider struct {
	version string
}

// New returns the provider factory for providerserver.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &havipProvider{version: version} }
}

// providerData is what Configure hands to resources and data sources.
type providerData struct {
	client    *alicloud.Client // nil when no credentials were found
	clientErr string           // why client is nil
	region    string
	limits    rulebook.Limits // the per-account and per-VPC quotas are configurable

	// A vSwitch's CIDR and VPC never change, so plan-time checks of many
	// HaVips in one vSwitch look it up once per provider process.
	vswitches sync.Map // vSwitch ID → *alicloud.VSwitch

	planned *planRegistry // what this plan adds, until the API shows it

	// A route table's VPC never changes: looked up once per process.
	routeTables    sync.Map // route table ID → *alicloud.RouteTable
	vpcRouteTables sync.Map // VPC ID → []alicloud.RouteTable
}

// allHaVips lists the account's HaVips for the plan-time checks, shared
// by every check of the process until the process changes a HaVip
// (alicloud.Client.ReadAllHaVips).
func (d *providerData) allHaVips(ctx context.Context) ([]alicloud.HaVip, error) {
	return d.client.ReadAllHaVips(ctx)
}

// vswitch returns a vSwitch, from the cache when it was seen before.
func (d *providerData) vswitch(ctx context.Context, id string) (*alicloud.VSwitch, error) {
	return lookedUpOnce(ctx, &d.vswitches, id, d.client.FreshVSwitch)
}

// routeTable returns a route table, from the cache when it was seen before.
func (d *providerData) routeTable(ctx context.Context, id string) (*alicloud.RouteTable, error) {
	return lookedUpOnce(ctx, &d.routeTables, id, d.client.FreshRouteTable)
}

// lookedUpOnce serves an object that never changes from the process's
// cache, asking the API the first time. Two concurrent first lookups may
// both ask; either answer is the same object.
func lookedUpOnce[T any](ctx context.Context, cache *sync.Map, id string, fetch func(context.Context, string) (*T, error)) (*T, error) {
	if v, ok := cache.Load(id); ok {
		return v.(*T), nil
	}
	v, err := fetch(ctx, id)
	if err != nil {
		return nil, err
	}
	cache.Store(id, v)
	return v, nil
}

func (p *havipProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "havip"
	resp.Version = p.version
}

var hostPort = regexp.MustCompile(`^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$`)

func endpointAttr(product string) schema.StringAttribute {
	env := map[string]string{"vpc": envEndpointVPC[0], "ecs": envEndpointECS[0], "sts": envEndpointSTS[0]}[product]
	extra := ""
	if product == "sts" {
		extra = " STS is always called over HTTPS; `assume_role` and `assume_role_with_oidc` use it (a VPC endpoint such as `sts-vpc.cn-hangzhou.aliyuncs.com`, or a mock)."
	}
	return schema.StringAttribute{
		Optional: true,
		Description: fmt.Sprintf("Host and optional port of the %s API, without a scheme (for example `127.0.0.1:8590` for the mock). "+
			"Defaults to the public endpoint of the region, or `%s`.%s", strings.ToUpper(product), env, extra),
		Validators: []validator.String{stringvalidator.RegexMatches(hostPort, "must be host[:port], without a scheme such as http://")},
	}
}

func (p *havipProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Manages Alibaba Cloud high-availability virtual IPs (HaVip), their members and EIPs, and renders keepalived configurations for the instances behind them.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				Optional:    true,
				Description: "Region of the HaVips, for example `cn-hangzhou`. Falls back to `ALIBABA_CLOUD_REGION`, `ALICLOUD_REGION`, then the profile's region.",
				Validators:  []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^[a-zA-Z0-9_-]+$`), "must be a region ID such as cn-hangzhou")},
			},
			"access_key": schema.StringAttribute{
				Optional: true, Sensitive: true,
				Description: "AccessKey ID. Falls back to `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALICLOUD_ACCESS_KEY`, then the profile.",
			},
			"secret_key": schema.StringAttribute{
				Optional: true, Sensitive: true,
				Description: "AccessKey secret. Falls back to `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, `ALICLOUD_SECRET_KEY`, then the profile.",
			},
			"security_token": schema.StringAttribute{
				Optional: true, Sensitive: true,
				Description: "STS security token for temporary credentials. Falls back to `ALIBABA_CLOUD_SECURITY_TOKEN`, `ALICLOUD_SECURITY_TOKEN`.",
			},
			"profile": schema.StringAttribute{
				Optional: true,
				Description: "Profile of the aliyun CLI configuration to take credentials and region from, in mode " + strings.Join(alicloud.ProfileModes, ", ") +
					" (read by Alibaba's credential library; other modes are refused by name). Falls back to `ALIBABA_CLOUD_PROFILE`, `ALICLOUD_PROFILE`.",
			},
			"profile_file": schema.StringAttribute{
				Optional: true,
				Description: "Path of the aliyun CLI configuration. Defaults to `shared_credentials_file`, `ALIBABA_CLOUD_CONFIG_FILE`, `ALICLOUD_SHARED_CREDENTIALS_FILE`, " +
					"`ALIBABA_CLOUD_CREDENTIALS_FILE`, then `~/.aliyun/config.json`.",
			},
			"protocol": schema.StringAttribute{
				Optional: true,
				Description: "`HTTPS` (default) or `HTTP`. Plain HTTP sends the AccessKeyId and any security token unencrypted, so it is refused unless every address " +
					"the VPC and ECS endpoints resolve to is loopback or private (a local mock). Falls back to `HAVIP_PROTOCOL`.",
				Validators: []validator.String{stringvalidator.OneOf("HTTP", "HTTPS")},
			},
			"max_retries": schema.Int64Attribute{
				Optional:    true,
				Description: "Retries of one API call on throttling, 5xx answers and dropped connections, with exponential backoff. Default 4.",
				Validators:  []validator.Int64{int64validator.Between(0, 20)},
			},
			"client_read_timeout": schema.Int64Attribute{
				Optional: true,
				Description: "Milliseconds one API call may take, its retries included, before the provider stops waiting for it (default 60000, as in Alibaba's own provider). " +
					"A mutating call cut short this way may still be carried out by the service: it is sent again with its ClientToken, which the service answers from its record, and tag calls, which have none, are sent again only after the HaVip's tags show they were not applied.",
				Validators: []validator.Int64{int64validator.Between(1000, 3600000)},
			},
		},
		Blocks: map[string]schema.Block{
			"endpoints": schema.SingleNestedBlock{
				Description: "Custom API endpoints, for example a mock in CI.",
				Attributes: map[string]schema.Attribute{
					"vpc": endpointAttr("vpc"),
					"ecs": endpointAttr("ecs"),
					"sts": endpointAttr("sts"),
				},
			},
			"quotas": schema.SingleNestedBlock{
				Description: "Limits the plan-time checks enforce. Alibaba adjusts these per account in Quota Center; set them to what yours allows.",
				Attributes: map[string]schema.Attribute{
					"havips_per_account": schema.Int64Attribute{
						Optional: true, Description: fmt.Sprintf("HaVips allowed in the account and region. Default %d.", rulebook.DefaultLimits().HaVipsPerAccount),
						Validators: []validator.Int64{int64validator.AtLeast(1)},
					},
					"havips_per_vpc": schema.Int64Attribute{
						Optional: true, Description: fmt.Sprintf("HaVips allowed in one VPC. Default %d.", rulebook.DefaultLimits().HaVipsPerVPC),
						Validators: []validator.Int64{int64validator.AtLeast(1)},
					},
					"havip_route_entries_per_table": schema.Int64Attribute{
						Optional: true, Description: fmt.Sprintf("Route entries with a HaVip next hop allowed in one route table (`vpc_quota_havip_custom_route_entry`). Default %d.", rulebook.DefaultLimits().HaVipRoutesPerTable),
						Validators: []validator.Int64{int64validator.AtLeast(1)},
					},
				},
			},
		},
	}
	maps.Copy(resp.Schema.Attributes, signInAttributes())
	maps.Copy(resp.Schema.Blocks, signInBlocks())
}

// Configure reads the provider block in named steps: every value known,
// the client's settings, the sign-in, the quotas, then the client itself
// (when there are a region and credentials; without them the plan-time
// checks that need the API warn that they were skipped).
func (p *havipProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if requireKnown(cfg, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	region := pick(cfg.Region, envRegion)
	si := signIn(cfg, region)
	if region == "" {
		// The profile's region, when there is a profile to read.
		if info, err := alicloud.ReadProfileInfo(si.ProfileFile, si.Profile); err == nil {
			region, si.Region = info.Region, info.Region
		}
	}
	ac := clientConfig(cfg, region, p.version)
	checkCleartext(ctx, ac, si, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	src, srcErr := si.Source()
	if srcErr != nil && !errors.Is(srcErr, alicloud.ErrNoCredentials) {
		addSignInError(&resp.Diagnostics, srcErr)
		return
	}

	data := &providerData{region: ac.Region, limits: limitsOf(cfg.Quotas), planned: newPlanRegistry()}
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "secret_key", "security_token", "access_key_secret", "oidc_token", "external_id")
	if !connect(ctx, data, ac, src, &resp.Diagnostics) {
		return
	}
	mode := ""
	if src != nil {
		mode = src.Mode()
	}
	tflog.Debug(ctx, "configured the havip provider", map[string]any{
		"region": ac.Region, "vpc_endpoint": ac.VPCEndpoint, "ecs_endpoint": ac.ECSEndpoint, "sts_endpoint": si.STSEndpoint,
		"protocol": ac.Protocol, "credentials": mode, "api_ready": data.client != nil,
	})
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
}

// regionMissing asks the API once whether the configured region exists.
// Only the service's own answer counts: an endpoint that cannot be reached
// is left to the first real call, which says so with its own error.
func regionMissing(ctx context.Context, client *alicloud.Client) bool {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	err := client.CheckRegion(ctx)
	if err == nil {
		return false
	}
	tflog.Debug(ctx, "region check", map[string]any{"error": err.Error()})
	code := alicloud.CodeOf(err)
	return code == rulebook.CodeRegionNotFound || code == "SDK.CanNotResolveEndpoint"
}

// maskKey keeps enough of an AccessKey ID to tell keys apart in a log.
func maskKey(k string) string {
	if len(k) <= 6 {
		return strings.Repeat("*", len(k))
	}
	return k[:4] + strings.Repeat("*", len(k)-6) + k[len(k)-2:]
}

func (p *havipProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewHaVipResource,
		NewAttachmentResource,
		NewEIPAssociationResource,
		NewMembersResource,
		NewRouteEntryResource,
	}
}

func (p *havipProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewKeepalivedConfigDataSource,
		NewHaVipsDataSource,
	}
}
