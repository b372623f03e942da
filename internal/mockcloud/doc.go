// Package mockcloud is a mock Alibaba Cloud endpoint for the HaVip
// provider's tests, its demo and users' own CI: the VPC (2016-04-28), ECS
// (2014-05-26) and STS (2015-04-01) actions the provider and its
// credential chain call, answered as the API documents them, so that
// clients nobody here wrote (the Alibaba Cloud SDK, credentials-go) get
// what the documentation promises.
//
// A Server is an http.Handler; Start also listens on loopback (see
// ExampleStart). tools/mockcloud runs the same Server as a command.
//
// # What it enforces
//
// Requests are checked against the actions' published parameters
// (zz_apimeta.go, generated from Alibaba's API metadata) and signed as the
// SDK signs them (signature V1 and V3, nonce and timestamp; see
// Options.SignatureMode). The service's rules — addresses, quotas,
// members, EIP binding, routes — come from internal/rulebook, the same
// rules the provider's plan predicts. Every AccessKeyId belongs to an
// account of its own; each account is locked for a whole action, so the
// rules hold under concurrent requests. Status changes may take time
// (Transition, TransitionProfile), as in the cloud.
//
// # Layout
//
// The API side: gateway.go (signature, fault injection, the journal),
// dispatch.go and action_table.go (one handler per action, in
// actions_*.go), params.go, wire*.go and errors.go (request and answer
// shapes). The world: store.go and model.go (one account's records),
// fixtures.go and fixtures_load.go (what an account starts with),
// route_tables.go, transitions.go, idempotency.go (ClientToken). The
// identity side: accounts.go, credentials.go, policy.go and ram.go (RAM
// users and policies), roles.go, actions_sts.go, oidc.go, sessions.go,
// metadata.go (the ECS metadata service) and credentials_uri.go.
//
// The admin side, everything a test does to the world from outside the
// API, is a Go method first and an HTTP route under AdminPrefix second
// (admin_http.go, admin_identity.go): events.go (out-of-band changes: an
// instance deleted, the master moved, a quota changed), faults.go,
// journal.go, reset.go and state.go (dump and restore).
//
//	GET    /_mockcloud/health
//	POST   /_mockcloud/reset[?account=]
//	PUT    /_mockcloud/fixtures                  (or POST)
//	GET    /_mockcloud/state                     PUT (or POST) restores
//	GET    /_mockcloud/journal[?action=&code=&mutating=true&account=&since=]
//	GET    /_mockcloud/journal/counts[?account=] DELETE /_mockcloud/journal clears
//	POST   /_mockcloud/events
//	GET    /_mockcloud/faults                    POST adds, DELETE clears
//	DELETE /_mockcloud/faults/<id>
//	GET    /_mockcloud/accounts                  POST creates one
//	POST   /_mockcloud/credentials
//	PUT    /_mockcloud/credentials/<AccessKeyId>/policy   (DELETE removes it)
//	POST   /_mockcloud/credentials/<AccessKeyId>/expire
//	GET    /_mockcloud/clock                     PUT (or POST) {"offset":"1h"}
//	GET    /_mockcloud/credentials-uri/<role>[?account=]
//	GET    /_mockcloud/sessions
//	POST   /_mockcloud/oidc/token
//
// Errors are JSON {"error": "…"}; an unknown route or method is a 404.
package mockcloud
