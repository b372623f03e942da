// Package lab proves that rendered keepalived configs really fail over.
//
// keepalived -t only says a config parses. Whether two nodes elect the right
// MASTER, hand the HaVip over within the computed budget, keep it on the new
// owner when the old one returns (nopreempt) and end a split brain with one
// owner can only be shown by running them. The lab does that on one Linux
// host with network namespaces:
//
//	hub namespace:       bridge br0, one veth port per namespace below
//	instance namespaces: one per node, the config's interface (eth0) with the
//	                     node's IP, real keepalived with the rendered config,
//	                     and the seed guide's web check: an HTTP server on
//	                     :8000 answering "ECS 1", "ECS 2", ...
//	client namespace:    polls http://VIP:8000/ like the guide's curl
//
// Nothing is created in the host's namespace and no namespace has a route
// off its own subnet, so lab traffic cannot leave the lab. Namespace names
// carry the process ID and a random run ID; everything is removed when Run
// returns (success, failure, panic, cancelled context), and [Sweep] removes
// what a killed lab process left behind.
//
// # Notify hook
//
// The lab watches which instance becomes MASTER through keepalived's
// notify_master: the script [Lab.NotifyCommand] names appends the instance's
// namespace to a file the lab tails, and [Config.OnMaster] relays the node
// name (to the mock cloud's set_master, in the demo and tests). Render the
// cluster with Notify.Master set to that command; configs that do not call
// it (files written by the demo, say) get it injected: any notify_master
// line is replaced and script security is added to global_defs, which
// keepalived 2.2.7 requires before it runs any script.
//
// # Scenarios
//
// Each is timed from the fault until the expected node's gratuitous ARP
// for the VIP (the first after any other node's last one: ARP is what moves
// a HaVip) crosses the hub's bridge, by the kernel's receive timestamp of
// that frame. The lab's own
// view must agree, but only eventually: the client's probes (a new one
// every 50 ms, each with a 2 s timeout) must reach the expected node, the
// interface addresses (sampled every 25 ms through netlink) must show it
// alone holding the VIP, and its notify hook must fire. On a busy host the
// lab itself runs late, so nothing it reads from user space is on the
// clock. keepalived runs as a service would, in a session of its own and
// with only the scheduling its config asks for: the rendered configs give
// the VRRP process realtime priority, which is what keeps its timers on
// time on a busy host (see keepalived.Render). The initial election is timed
// from the VRRP process's pid file, which it writes when it starts.
//
//  1. initial election: the highest priority answers;
//  2. graceful stop (SIGTERM) of the primary: the next priority answers
//     within its skew;
//  3. crash of the primary (SIGKILL of keepalived's process group and its
//     bridge port down, i.e. power loss): the next priority answers within
//     its master-down time;
//  4. the old primary returns: with nopreempt the VIP stays put;
//  5. split brain heals: the instances' bridge ports are isolated from each
//     other (links stay up, the client still reaches everyone) until every
//     node is MASTER, then joined again; exactly one node, the highest
//     priority, must keep the VIP and answer the client.
//
// With [Config.Health] the configs track a health check and the service
// dies while its node lives (see healthScenarios): the web check on the
// primary stops, returns (nopreempt: the VIP stays; preempt: it returns
// once, without flapping) and, with the lab's own check script
// ([Lab.CheckCommand]), hangs until keepalived kills the check.
//
// Every scenario's [Result.Timeline] draws as an SVG ([Timeline.SVG]).
//
// Budgets come from the rendered timing (NodeOutput.Failover) plus
// [Config.Tolerance] for GARP, scheduling and the probe interval.
package lab
