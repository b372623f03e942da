// Package keepalived turns one description of a HaVip cluster into a
// keepalived.conf and a boot script for every member, and explains how fast
// the cluster fails over.
//
// # Why a cluster model
//
// keepalived is configured per host, but VRRP only works when the hosts agree:
// the same virtual_router_id, VRRP version, advert_int, authentication and VIP
// list on every node, distinct priorities, and a unicast_peer list on each node
// that names every other node (Alibaba Cloud HaVip carries no multicast). Hand
// written per-node files drift apart; Alibaba's own walkthrough ships a pair
// whose nopreempt is silently cleared on the master and whose track_interface
// is ignored on both nodes, so `keepalived -t` rejects both files. Here the
// caller describes the cluster once ([Cluster]) and every node's file is
// derived from it, so cross-node consistency holds by construction.
//
// # Pipeline
//
//   - [Cluster.WithDefaults] fills in HaVip-minded defaults (nopreempt with every
//     node starting BACKUP, VRRPv2 with 1 s adverts, GARP refresh while MASTER,
//     re-GARP after a split brain heals). A [Profile] may choose version and
//     advert_int instead.
//   - [Lint] reports [Finding]s. Errors are mistakes keepalived would warn
//     about (which makes `keepalived -t` exit 5) or, worse, accept silently
//     while behaving differently from what the model says (priority 255,
//     negative health-check weights with nopreempt, a VIP equal to a node IP).
//     Warnings are legal but risky choices. Each finding carries a snake_case
//     Field path ("nodes[1].priority", "health_check.weight") that matches the
//     Terraform attribute names of the havip_keepalived_config data source.
//   - [Render] refuses a cluster with lint errors; otherwise it produces, per
//     node name, the config, a POSIX sh user_data script that installs
//     keepalived and refuses to start it unless `keepalived -t` is silent,
//     the initial state, the priority and the failover [Timing].
//   - [ParseConf] reads a config back ([ConfInfo]): the renderer's output and
//     hand-written files in the same style, which the failover lab runs. Read
//     back, every node's config gives the model it was rendered from and the
//     same [Timing], a property the tests check over random clusters.
//
// # Target
//
// The renderer targets keepalived 2.2.7 (Debian 12) and emits only keywords
// that exist there, with zero `keepalived -t` output: in test mode any warning
// is exit status 5, and the generated boot script treats any output at all as
// failure. Scripts always run as root because on 2.2.7 a non-root script user
// makes `keepalived -t` kill itself with SIGTERM (exit 143).
//
// The package is pure: no globals, no I/O outside the tests, and the same
// Cluster always renders byte-identical output.
package keepalived
