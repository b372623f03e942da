// Package alicloud is the provider's typed client over alibaba-cloud-sdk-go
// (Vpc 2016-04-28 and Ecs 2014-05-26): credentials, endpoints, retries that
// re-sign every attempt, one ClientToken per logical operation, waiters,
// per-HaVip serialisation and error classes. It knows nothing of Terraform
// beyond logging through terraform-plugin-log.
//
// # Reads
//
// A read's name says whether it may be answered from what this process
// has already seen:
//
//   - Read<Object> (ReadHaVip, ReadEIP, ReadInstance, ReadENI) and
//     ReadAllHaVips are shared: what the process last saw of the object
//     serves, unless the process has changed the object since; otherwise
//     the read joins the others of its kind in one batched describe
//     (reads.go, listing.go). Terraform's Read, refresh and plan checks use
//     these.
//   - Fresh<Object> (FreshHaVip, FreshEIP, FreshVSwitch, FreshRouteTable,
//     FreshRouteEntry) is answered by a describe that starts after the
//     call: what a waiter, or a check inside a change, must see. An object
//     the process does not share reads of (a vSwitch, a route table, a
//     route entry) has only this read.
//   - List<Objects> (ListHaVips, ListRouteTables, ListRouteEntries,
//     ListEIPsOfHaVip, ListRoutesToHaVip) asks the service now and reads
//     every page of the listing through one pager (pager.go), each object
//     once.
//
// A read of one object that does not exist returns a *NotFoundError
// (IsNotFound); a listing returns what exists. Any other read
// (CountHaVips, AddressOwner, CheckRegion) asks the service now.
package alicloud
