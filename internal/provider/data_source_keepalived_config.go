package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/havip-oss/terraform-provider-havip/internal/keepalived"
	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

var (
	_ datasource.DataSource                   = &keepalivedConfigDataSource{}
	_ datasource.DataSourceWithValidateConfig = &keepalivedConfigDataSource{}
	_ datasource.DataSourceWithConfigure      = &keepalivedConfigDataSource{}
)

// keepalivedConfigDataSource renders locally; data (and through it the
// API) is used only for nodes that name their instance_id.
type keepalivedConfigDataSource struct{ data *providerData }

// NewKeepalivedConfigDataSource is the factory of data source
// "havip_keepalived_config". It renders locally and makes an API call
// only to check the address of a node that names its instance.
func NewKeepalivedConfigDataSource() datasource.DataSource { return &keepalivedConfigDataSource{} }

func (d *keepalivedConfigDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := configureData(req.ProviderData, &resp.Diagnostics); data != nil {
		d.data = data
	}
}

var kaOutputType = map[string]attr.Type{
	"config":                      types.StringType,
	"user_data":                   types.StringType,
	"state":                       types.StringType,
	"priority":                    types.Int64Type,
	"failover_seconds":            types.Float64Type,
	"graceful_failover_seconds":   types.Float64Type,
	"check_failover_seconds":      types.Float64Type,
	"hung_check_failover_seconds": types.Float64Type,
}

func (d *keepalivedConfigDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_keepalived_config"
}

func (d *keepalivedConfigDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	cmd := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, Description: desc + " An absolute path, optionally followed by arguments; rendered quoted and run as root (script security on)."}
	}
	resp.Schema = schema.Schema{
		Description: "Renders unicast keepalived configurations and boot scripts for every member of a HaVip cluster from one model, " +
			"checks them for what `keepalived -t` misses, and states the failover time each node gives. Makes no API call, " +
			"and needs no credentials, unless a node sets `instance_id`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, Description: "Checksum of the rendered output."},
			"name": schema.StringAttribute{Optional: true,
				Description: "Name of the vrrp_instance. Default `havip`."},
			"profile": schema.StringAttribute{Optional: true,
				Description: "Timing profile: `seed` (VRRPv2, advert_int 1 s: crash failover 3.0–4.0 s) or `fast` " +
					"(VRRPv3, advert_int 0.25 s: crash failover 0.75–1.0 s). vrrp_version and advert_int may not contradict it."},
			"keepalived_version": schema.StringAttribute{Optional: true,
				Description: "keepalived release on the nodes, such as `2.2.4` (Ubuntu 22.04) or `2.2.7` (Debian 12); supported: " +
					keepalived.SupportedRange + ". The configs hold only keywords that release accepts, and use `unicast_fault_no_peer` from 2.2.5 on. " +
					"Default: the oldest supported release, " + keepalived.OldestSupported.String() + ", whose configs every supported release accepts."},
			"virtual_ips": schema.ListAttribute{Required: true, ElementType: types.StringType,
				Description: "The HaVip address (IPv4), usually `[havip.x.ip_address]`."},
			"virtual_router_id": schema.Int64Attribute{Required: true,
				Description: "VRRP router ID, 1–255, the same on every node; clusters sharing a vSwitch need different IDs."},
			"interface":    schema.StringAttribute{Optional: true, Description: "Interface carrying the HaVip on every node. Default `eth0`."},
			"vrrp_version": schema.Int64Attribute{Optional: true, Description: "2 (default) or 3. Version 3 allows sub-second advert_int and no authentication."},
			"advert_int": schema.Float64Attribute{Optional: true,
				Description: "Seconds between adverts. VRRPv2: whole seconds 1–255. VRRPv3: multiples of 0.01 up to 40.95. Default 1."},
			"down_timer_adverts": schema.Int64Attribute{Optional: true, Description: "Adverts missed before a backup takes over, 1–100. Default 3."},
			"nopreempt": schema.BoolAttribute{Optional: true,
				Description: "A recovered node does not take the HaVip back (default true, as the HaVip guide intends). Every node then starts BACKUP."},
			"preempt_delay": schema.Float64Attribute{Optional: true, Description: "Preempt after this many seconds instead (0–1000); requires nopreempt = false."},
			"auth_pass": schema.StringAttribute{Optional: true, Sensitive: true,
				Description: "VRRPv2 PASS authentication, at most 8 characters (an error, never truncated). Clear text on the wire."},
			"subnet_cidr": schema.StringAttribute{Optional: true, Description: "vSwitch CIDR; when set, nodes and VIPs must lie inside it and off its reserved addresses."},
			"track_interfaces": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				Description: "Other interfaces whose failure puts a node in FAULT. Never a node's own HaVip interface."},
			"startup_delay":   schema.Float64Attribute{Optional: true, Description: "Seconds keepalived waits after boot before VRRP (vrrp_startup_delay)."},
			"failover_budget": schema.Float64Attribute{Optional: true, Description: "Warn when a node's crash failover exceeds this many seconds. Default: the profile's budget."},
			"nodes": schema.ListNestedAttribute{Required: true,
				Description: "Cluster members, 2 to 10 (the HaVip limit). Every node's peers are all the others.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":       schema.StringAttribute{Required: true, Description: "Node name: the key of `configs`."},
					"private_ip": schema.StringAttribute{Required: true, Description: "The node's primary private IPv4 address (unicast source)."},
					"instance_id": schema.StringAttribute{Optional: true,
						Validators: []validator.String{prefixValidator{prefixes: []string{"i-", "eni-"}, what: "an ECS instance or ENI"}},
						Description: "The ECS instance (`i-…`) or ENI (`eni-…`) this node is. When set, the data source reads it " +
							"(`ecs:DescribeInstances` or `ecs:DescribeNetworkInterfaces`, so the provider needs credentials) and fails, " +
							"on this node, when `private_ip` is not its primary private IPv4 address (the error names that address) " +
							"or when it does not exist; nothing is rendered then. The check runs when Terraform reads the data source: at plan " +
							"when every argument is known, otherwise during the apply once they are (an instance or HaVip created in the " +
							"same apply). A refusal then stops the apply there, before anything that uses the rendered configs, though " +
							"resources that do not depend on them may already be created. An instance whose `user_data` comes from this " +
							"data source cannot be named here (a cycle). Without `instance_id`, `private_ip` is taken as given and no " +
							"API call is made."},
					"priority":  schema.Int64Attribute{Optional: true, Description: "1–254, distinct. Omitted on every node: 100, 90, 80… in list order."},
					"interface": schema.StringAttribute{Optional: true, Description: "Overrides `interface` for this node."},
					"state":     schema.StringAttribute{Optional: true, Description: "Initial state, `BACKUP` (default) or `MASTER` (only without nopreempt and preempt_delay)."},
				}}},
			"health_check": schema.SingleNestedAttribute{Optional: true,
				Description: "One health check: a TCP port on 127.0.0.1, a script, or a process (vrrp_track_process). Weight 0 (default) puts a failing node in FAULT, the only kind that works with nopreempt.",
				Attributes: map[string]schema.Attribute{
					"tcp_port": schema.Int64Attribute{Optional: true, Description: "Port that must accept connections on 127.0.0.1."},
					"script":   cmd("Check command: exit 0 when healthy."),
					"process":  schema.StringAttribute{Optional: true, Description: "Process name that must be running."},
					"interval": schema.Int64Attribute{Optional: true, Description: "Seconds between checks (scripts and TCP). Default 2."},
					"timeout":  schema.Int64Attribute{Optional: true, Description: "Seconds before a check counts as failed."},
					"fall":     schema.Int64Attribute{Optional: true, Description: "Failures before the node is unhealthy. Default 2."},
					"rise":     schema.Int64Attribute{Optional: true, Description: "Successes before it is healthy again. Default 2."},
					"delay":    schema.Float64Attribute{Optional: true, Description: "Process checks: seconds to wait before acting on a change."},
					"weight":   schema.Int64Attribute{Optional: true, Description: "Priority change on failure; 0 (default) means FAULT."},
				}},
			"notify": schema.SingleNestedAttribute{Optional: true, Description: "Commands run on state changes.",
				Attributes: map[string]schema.Attribute{
					"master": cmd("Run when the node becomes MASTER."),
					"backup": cmd("Run when the node becomes BACKUP."),
					"fault":  cmd("Run when the node enters FAULT."),
					"stop":   cmd("Run when keepalived stops."),
				}},
			"garp": schema.SingleNestedAttribute{Optional: true,
				Description: "Gratuitous ARP: what moves a HaVip. Defaults: a second burst 1 s after takeover, a refresh every 5 s while MASTER, and re-GARP after a split brain heals.",
				Attributes: map[string]schema.Attribute{
					"master_delay":            schema.Int64Attribute{Optional: true, Description: "Seconds before the second GARP burst. Default 1."},
					"master_repeat":           schema.Int64Attribute{Optional: true, Description: "GARPs per burst. Default 5."},
					"master_refresh":          schema.Int64Attribute{Optional: true, Description: "Seconds between GARPs while MASTER; 0 turns refresh off. Default 5."},
					"lower_prio_repeat":       schema.Int64Attribute{Optional: true, Description: "GARPs when the MASTER hears a lower priority (split brain heals). Default 5."},
					"higher_prio_send_advert": schema.BoolAttribute{Optional: true, Description: "A MASTER that hears a higher priority advertises once first, so the winner re-GARPs. Default true."},
				}},
			"configs": schema.MapNestedAttribute{Computed: true,
				Description: "By node name: `config` (keepalived.conf), `user_data` (a boot script that installs keepalived, writes the config with mode 0640, " +
					"refuses to start on any `keepalived -t` output, and starts the service), `state`, `priority`, `failover_seconds` (crash of the MASTER)" +
					", `graceful_failover_seconds` (clean stop), and with a `health_check` `check_failover_seconds` (the MASTER's service fails and the check " +
					"notices at once: `fall` × `interval` plus the takeover it triggers) and `hung_check_failover_seconds` (the check hangs until keepalived " +
					"kills it after `timeout`; keepalived skips runs while one is still running). All are this node's figures as the backup that takes over; " +
					"the health-check ones are null without a health check. `config` and `user_data` are sensitive: they carry auth_pass.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"config":                      schema.StringAttribute{Computed: true, Sensitive: true},
					"user_data":                   schema.StringAttribute{Computed: true, Sensitive: true},
					"state":                       schema.StringAttribute{Computed: true},
					"priority":                    schema.Int64Attribute{Computed: true},
					"failover_seconds":            schema.Float64Attribute{Computed: true},
					"graceful_failover_seconds":   schema.Float64Attribute{Computed: true},
					"check_failover_seconds":      schema.Float64Attribute{Computed: true},
					"hung_check_failover_seconds": schema.Float64Attribute{Computed: true},
				}}},
			"warnings": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				Description: "Lint warnings: choices that work but that you should know about."},
		},
	}
}

func (d *keepalivedConfigDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	// With values still unknown, Terraform reads the data source at apply
	// time and Read reports the same findings then.
	if !req.Config.Raw.IsFullyKnown() {
		return
	}
	var m kaModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, f := range keepalived.Lint(m.cluster()) {
		if f.Severity == keepalived.SeverityError {
			resp.Diagnostics.AddAttributeError(findingPath(f.Field), "Invalid keepalived cluster: "+f.Field, f.Message)
		}
	}
	// Terraform validates a data source again, with the values now known,
	// before each read, also in the refresh terraform destroy runs first:
	// there a finding must not stop the destroy (see Read).
	adjustForCommand(&resp.Diagnostics)
}

func (d *keepalivedConfigDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m kaModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A node whose address is not its instance's would render configs
	// that keepalived accepts and that do not work: render nothing.
	checkNodeInstances(ctx, d.data, m.Nodes, &resp.Diagnostics)
	var out map[string]keepalived.NodeOutput
	var findings keepalived.Findings
	if !resp.Diagnostics.HasError() {
		out, findings = renderCluster(m.cluster(), &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		// Terraform reads data sources again in the refresh that terraform
		// destroy runs first; a refusal there would keep the destroy from
		// removing what a partly failed apply made. There the refusals are
		// warnings and every node's outputs are empty, which that plan
		// never applies.
		adjustForCommand(&resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		out = unrendered(m.Nodes)
	}
	m.Configs, m.ID = kaOutputs(out, m.HealthCheck != nil, &resp.Diagnostics)
	m.Warnings = []types.String{}
	for _, f := range findings.Warnings() {
		m.Warnings = append(m.Warnings, types.StringValue(f.Field+": "+f.Message))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// renderCluster renders the configs or reports why not, on the attribute
// at fault.
func renderCluster(c keepalived.Cluster, diags *diag.Diagnostics) (map[string]keepalived.NodeOutput, keepalived.Findings) {
	out, findings, err := keepalived.Render(c)
	if err == nil {
		return out, findings
	}
	for _, f := range findings.Errors() {
		diags.AddAttributeError(findingPath(f.Field), "Invalid keepalived cluster: "+f.Field, f.Message)
	}
	if !diags.HasError() {
		diags.AddError("Cannot render the keepalived cluster", err.Error())
	}
	return nil, findings
}

// unrendered is each named node with empty outputs: what a destroy's
// refresh reads when the cluster cannot be rendered.
func unrendered(nodes []kaNodeModel) map[string]keepalived.NodeOutput {
	out := map[string]keepalived.NodeOutput{}
	for _, n := range nodes {
		if !n.Name.IsNull() && !n.Name.IsUnknown() {
			out[n.Name.ValueString()] = keepalived.NodeOutput{}
		}
	}
	return out
}

// kaOutputs is the configs attribute and an id that changes with any
// rendered byte.
func kaOutputs(out map[string]keepalived.NodeOutput, withChecks bool, diags *diag.Diagnostics) (types.Map, types.String) {
	h := sha256.New()
	objs := map[string]attr.Value{}
	for _, name := range keepalived.SortedNodeNames(out) {
		n := out[name]
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00", name, n.Config, n.UserData)
		check, hung := types.Float64Null(), types.Float64Null()
		if withChecks {
			check, hung = types.Float64Value(n.Failover.CheckSeconds), types.Float64Value(n.Failover.HungCheckSeconds)
		}
		obj, d := types.ObjectValue(kaOutputType, map[string]attr.Value{
			"config":                      types.StringValue(n.Config),
			"user_data":                   types.StringValue(n.UserData),
			"state":                       types.StringValue(n.State),
			"priority":                    types.Int64Value(int64(n.Priority)),
			"failover_seconds":            types.Float64Value(n.Failover.CrashSeconds),
			"graceful_failover_seconds":   types.Float64Value(n.Failover.GracefulSeconds),
			"check_failover_seconds":      check,
			"hung_check_failover_seconds": hung,
		})
		diags.Append(d...)
		objs[name] = obj
	}
	configs, d := types.MapValue(types.ObjectType{AttrTypes: kaOutputType}, objs)
	diags.Append(d...)
	return configs, types.StringValue(hex.EncodeToString(h.Sum(nil))[:16])
}

// cluster maps the configuration onto the keepalived model; null means
// "use the model's default".
func (m *kaModel) cluster() keepalived.Cluster {
	c := keepalived.Cluster{
		Name:              m.Name.ValueString(),
		Profile:           m.Profile.ValueString(),
		KeepalivedVersion: m.Keepalived.ValueString(),
		VirtualRouterID:   int(m.VirtualRouterID.ValueInt64()),
		Interface:         m.Interface.ValueString(),
		Version:           int(m.VRRPVersion.ValueInt64()),
		AdvertInt:         m.AdvertInt.ValueFloat64(),
		DownTimerAdverts:  int(m.DownTimerAdverts.ValueInt64()),
		AuthPass:          m.AuthPass.ValueString(),
		SubnetCIDR:        m.SubnetCIDR.ValueString(),
		// subnet_cidr is a vSwitch's CIDR, so the vSwitch's reservation applies.
		ReservedHead:   rulebook.ReservedHead,
		ReservedTail:   rulebook.ReservedTail,
		StartupDelay:   m.StartupDelay.ValueFloat64(),
		FailoverBudget: m.FailoverBudget.ValueFloat64(),
	}
	if c.AuthPass != "" {
		c.AuthType = keepalived.AuthPASS
	}
	for _, v := range m.VirtualIPs {
		c.VirtualIPs = append(c.VirtualIPs, v.ValueString())
	}
	for _, v := range m.TrackInterfaces {
		c.TrackInterfaces = append(c.TrackInterfaces, v.ValueString())
	}
	if !m.NoPreempt.IsNull() {
		c.Preempt.NoPreempt = keepalived.Ptr(m.NoPreempt.ValueBool())
	}
	if !m.PreemptDelay.IsNull() {
		c.Preempt.Delay = keepalived.Ptr(m.PreemptDelay.ValueFloat64())
	}
	for _, n := range m.Nodes {
		c.Nodes = append(c.Nodes, keepalived.Node{Name: n.Name.ValueString(), PrivateIP: n.PrivateIP.ValueString(),
			Priority: int(n.Priority.ValueInt64()), Interface: n.Interface.ValueString(), State: n.State.ValueString()})
	}
	if hc := m.HealthCheck; hc != nil {
		c.HealthCheck = &keepalived.HealthCheck{TCPPort: int(hc.TCPPort.ValueInt64()), Script: hc.Script.ValueString(),
			Process: hc.Process.ValueString(), Interval: float64(hc.Interval.ValueInt64()), Timeout: float64(hc.Timeout.ValueInt64()),
			Fall: int(hc.Fall.ValueInt64()), Rise: int(hc.Rise.ValueInt64()), Delay: hc.Delay.ValueFloat64(), Weight: int(hc.Weight.ValueInt64())}
	}
	if n := m.Notify; n != nil {
		c.Notify = keepalived.Notify{Master: n.Master.ValueString(), Backup: n.Backup.ValueString(), Fault: n.Fault.ValueString(), Stop: n.Stop.ValueString()}
	}
	if g := m.GARP; g != nil {
		optInt := func(v types.Int64) *int {
			if v.IsNull() {
				return nil
			}
			return keepalived.Ptr(int(v.ValueInt64()))
		}
		c.GARP = keepalived.GARP{MasterDelay: optInt(g.MasterDelay), MasterRepeat: optInt(g.MasterRepeat),
			MasterRefresh: optInt(g.MasterRefresh), LowerPrioRepeat: optInt(g.LowerPrioRepeat)}
		if !g.HigherPrioSendAdvert.IsNull() {
			c.GARP.HigherPrioSendAdvert = keepalived.Ptr(g.HigherPrioSendAdvert.ValueBool())
		}
	}
	return c
}

var fieldStep = regexp.MustCompile(`^([a-z_]+)(?:\[(\d+)\])?$`)

// findingPath is the top-level attribute of a lint field such as
// "nodes[1].priority": Terraform shows a path inside a nested attribute as
// the data block's header, but a top-level attribute as its own line, so the
// diagnostic goes there and its summary names the full field.
func findingPath(field string) path.Path {
	if m := fieldStep.FindStringSubmatch(strings.SplitN(field, ".", 2)[0]); m != nil {
		return path.Root(m[1])
	}
	return path.Empty()
}
