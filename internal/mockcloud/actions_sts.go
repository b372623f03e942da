package mockcloud

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// STS (2015-04-01, RPC) as credentials-go and the SDK call it: AssumeRole,
// AssumeRoleWithOIDC (anonymous) and GetCallerIdentity. Facts and codes:
// shared/reference/credentials-and-sts.md §1-3.
const (
	stsProduct = "Sts"
	stsVersion = "2015-04-01"
)

// stsAuthorizesItself: the gateway's RAM check does not apply to these.
// AssumeRole checks sts:AssumeRole on the role itself (the resource is the
// RoleArn, which no ARN template of ram.go can express);
// GetCallerIdentity needs no permission; the OIDC and SAML calls are
// anonymous.
var stsAuthorizesItself = map[string]bool{"AssumeRole": true, "AssumeRoleWithOIDC": true, "AssumeRoleWithSAML": true, "GetCallerIdentity": true}

// anonymousSTS are the actions STS serves without an AccessKey: the token
// or assertion is the credential (AuthType Anonymous in the SDK).
var anonymousSTS = map[string]bool{"AssumeRoleWithOIDC": true, "AssumeRoleWithSAML": true}

var (
	sessionNameRE = regexp.MustCompile(`^[A-Za-z0-9.@_\-]{2,64}$`)
	externalIDRE  = regexp.MustCompile(`^[\w+=,.@:/\-]*$`) // and 2 to 1224 characters
)

type assumedRoleUserJSON struct {
	Arn           string
	AssumedRoleId string
}

type assumeRoleResp struct {
	RequestId       string
	Credentials     sessionJSON
	AssumedRoleUser assumedRoleUserJSON
	SourceIdentity  string `json:",omitempty"`
}

type oidcTokenInfoJSON struct {
	Issuer         string
	Subject        string
	ClientIds      string
	IssuanceTime   string
	ExpirationTime string
}

type assumeRoleWithOIDCResp struct {
	RequestId       string
	Credentials     sessionJSON
	AssumedRoleUser assumedRoleUserJSON
	OIDCTokenInfo   oidcTokenInfoJSON
}

type callerIdentityResp struct {
	RequestId    string
	IdentityType string
	AccountId    string
	Arn          string
	PrincipalId  string
	UserId       string `json:",omitempty"`
	RoleId       string `json:",omitempty"`
}

func noPermission(format string, args ...any) *APIError {
	return apiErr(http.StatusForbidden, "NoPermission", format, args...)
}

const messageTrustRefused = "No permission perform sts:AssumeRole on this Role"

// isRootKey: an account's own AccessKey, which STS refuses to let assume
// a role.
func isRootKey(c Credential) bool { return c.UserName == "" && c.SecurityToken == "" }

func assumeRole(c *call) (any, *APIError) {
	cred := c.req.cred
	if isRootKey(cred) {
		return nil, noPermission("Roles may not be assumed by root accounts.")
	}
	name, policy, e := sessionParams(c.p)
	if e != nil {
		return nil, e
	}
	ext := c.p.str("ExternalId")
	if c.p.has("ExternalId") && (len(ext) < 2 || len(ext) > 1224 || !externalIDRE.MatchString(ext)) {
		// The code of a malformed ExternalId is unconfirmed.
		return nil, badRequest("InvalidParameter.ExternalId", "The parameter ExternalId must be 2 to 1224 characters of letters, digits and =,.@:/-_+.")
	}
	arn := c.p.str("RoleArn")
	account, roleName, ok := parseRoleArn(arn)
	if !ok {
		return nil, badRequest("InvalidParameter.RoleArn", "The parameter RoleArn %q is not of the form acs:ram::<account_id>:role/<role_name>.", arn)
	}
	// The caller's own permission to call sts:AssumeRole on the role. STS
	// answers a missing one with NoPermission (the message is unconfirmed).
	if e := authorizeOn(cred, "sts:AssumeRole", []string{arn}); e != nil {
		e.Code, e.Message = "NoPermission", "You are not authorized to do this action. You should be authorized by RAM. "+strings.TrimPrefix(e.Message, messageRAMDenied+" ")
		return nil, e
	}
	r, id, e := c.s.lookupRole(account, roleName)
	if e != nil {
		return nil, e
	}
	dur, e := durationParam(c.p, id, r)
	if e != nil {
		return nil, e
	}
	who := principal{account: cred.AccountID, user: cred.UserName}
	if cred.RoleArn != "" {
		_, who.role, _ = parseRoleArn(cred.RoleArn)
	}
	ctx := map[string][]string{}
	if ext != "" {
		ctx[condExternalID] = []string{ext}
	}
	// A wrong or missing ExternalId is refused as the trust policy refusing
	// the caller; whether STS gives it a code of its own is unconfirmed.
	if !r.trustIn(account).allows(who, ctx) {
		return nil, noPermission(messageTrustRefused)
	}
	sess, err := c.s.issueSession(sessionGrant{account: account, role: r, name: name, duration: id.issuedLength(dur),
		sessionPolicy: policy, via: ViaAssumeRole, source: cred.AccessKeyID, sourceIdentity: c.p.str("SourceIdentity")})
	if err != nil {
		return nil, apiErr(500, "InternalError", "The mock could not register the session: %v", err)
	}
	return assumeRoleResp{RequestId: c.req.requestID, Credentials: sessionOf(sess), AssumedRoleUser: assumedRoleUser(account, r.name, name),
		SourceIdentity: c.p.str("SourceIdentity")}, nil
}

func assumeRoleWithOIDC(c *call) (any, *APIError) {
	name, policy, e := sessionParams(c.p)
	if e != nil {
		return nil, e
	}
	// The metadata marks these optional (older docs: required); without
	// them there is nothing to check, so the mock asks for them.
	for _, req := range []string{"OIDCProviderArn", "RoleArn"} {
		if c.p.str(req) == "" {
			return nil, missingParam(req)
		}
	}
	provArn := c.p.str("OIDCProviderArn")
	prov, e := c.s.lookupOIDCProvider(provArn)
	if e != nil {
		return nil, e
	}
	tok, e := prov.verify(c.p.str("OIDCToken"), c.now)
	if e != nil {
		return nil, e
	}
	arn := c.p.str("RoleArn")
	account, roleName, ok := parseRoleArn(arn)
	if !ok {
		return nil, badRequest("InvalidParameter.RoleArn", "The parameter RoleArn %q is not of the form acs:ram::<account_id>:role/<role_name>.", arn)
	}
	r, id, e := c.s.lookupRole(account, roleName)
	if e != nil {
		return nil, e
	}
	dur, e := durationParam(c.p, id, r)
	if e != nil {
		return nil, e
	}
	ctx := map[string][]string{condOIDCIssuer: {tok.issuer}, condOIDCAud: {tok.audience}, condOIDCSub: {tok.subject}}
	// The code STS gives a token its role's trust policy refuses is
	// unconfirmed; the mock answers as for AssumeRole.
	if !r.trustIn(account).allows(principal{federated: provArn}, ctx) {
		return nil, noPermission(messageTrustRefused)
	}
	sess, err := c.s.issueSession(sessionGrant{account: account, role: r, name: name, duration: id.issuedLength(dur),
		sessionPolicy: policy, via: ViaAssumeRoleWithOIDC})
	if err != nil {
		return nil, apiErr(500, "InternalError", "The mock could not register the session: %v", err)
	}
	return assumeRoleWithOIDCResp{RequestId: c.req.requestID, Credentials: sessionOf(sess), AssumedRoleUser: assumedRoleUser(account, r.name, name),
		OIDCTokenInfo: oidcTokenInfoJSON{Issuer: tok.issuer, Subject: tok.subject, ClientIds: tok.audience,
			IssuanceTime: tok.issuedAt.UTC().Format(stsTime), ExpirationTime: tok.exp.UTC().Format(stsTime)}}, nil
}

func getCallerIdentity(c *call) (any, *APIError) {
	cred := c.req.cred
	out := callerIdentityResp{RequestId: c.req.requestID, AccountId: cred.AccountID}
	switch {
	case cred.RoleArn != "":
		_, roleName, _ := parseRoleArn(cred.RoleArn)
		u := assumedRoleUser(cred.AccountID, roleName, cred.SessionName)
		out.IdentityType, out.Arn, out.PrincipalId, out.RoleId = "AssumedRoleUser", u.Arn, u.AssumedRoleId, roleID(cred.AccountID, roleName)
	case cred.UserName != "":
		uid := userID(cred.AccountID, cred.UserName)
		out.IdentityType, out.Arn, out.PrincipalId, out.UserId = "RAMUser", "acs:ram::"+cred.AccountID+":user/"+cred.UserName, uid, uid
	case cred.SecurityToken != "":
		// A session registered directly (Credential.SecurityToken), not
		// issued for a role the mock knows.
		out.IdentityType, out.Arn, out.PrincipalId = "AssumedRoleUser", "acs:ram::"+cred.AccountID+":role/unknown/"+cred.AccessKeyID, cred.AccessKeyID
	default:
		out.IdentityType, out.Arn, out.PrincipalId, out.UserId = "Account", "acs:ram::"+cred.AccountID+":root", cred.AccountID, cred.AccountID
	}
	return out, nil
}

// assumedRoleUser names a session. AssumeRole's reference shows the ARN
// as acs:ram::<account>:role/<role>/<session>; other pages show an
// acs:sts::…:assumed-role/ form, and which one is live is unconfirmed.
func assumedRoleUser(account, roleName, session string) assumedRoleUserJSON {
	return assumedRoleUserJSON{Arn: roleArn(account, roleName) + "/" + session, AssumedRoleId: roleID(account, roleName) + ":" + session}
}

// userID is a RAM user's numeric ID, stable for an account and a name.
func userID(account, name string) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "user/%s/%s", account, name)
	return fmt.Sprintf("2%015d", h.Sum64()%1_000_000_000_000_000)
}

// sessionParams checks the parameters both AssumeRole calls take:
// RoleSessionName and the optional session Policy.
func sessionParams(p *params) (string, json.RawMessage, *APIError) {
	name := p.str("RoleSessionName")
	if !sessionNameRE.MatchString(name) {
		return "", nil, badRequest("InvalidParameter.RoleSessionName", "The parameter RoleSessionName must be 2 to 64 characters of letters, digits and .@-_.")
	}
	if !p.has("Policy") {
		return name, nil, nil
	}
	doc := p.str("Policy")
	// STS documents 1 to 2,048 characters; the code for a longer one is
	// unconfirmed, and the mock gives the grammar code for both.
	if doc == "" || len(doc) > 2048 {
		return "", nil, badRequest("InvalidParameter.PolicyGrammar", "The parameter Policy must be 1 to 2048 characters long, not %d.", len(doc))
	}
	if _, err := ParsePolicy([]byte(doc)); err != nil {
		return "", nil, badRequest("InvalidParameter.PolicyGrammar", "The parameter Policy has not a valid grammar: %v", err)
	}
	return name, json.RawMessage(doc), nil
}

// durationParam reads DurationSeconds: 900 (or the fixtures'
// min_session_duration) up to the role's MaxSessionDuration, default 3600.
func durationParam(p *params, id *identity, r *role) (time.Duration, *APIError) {
	min := minDurationSeconds
	if id.minSession > 0 {
		min = int((id.minSession + time.Second - 1) / time.Second)
	}
	secs := defaultDurationSeconds
	if s := p.str("DurationSeconds"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < min || n > r.maxSession {
			return 0, badRequest("InvalidParameter.DurationSeconds", "The Min/Max value of DurationSeconds is %ds/%ds for role %s.", min, r.maxSession, r.name)
		}
		secs = n
	}
	// The default, 3600 s, is within every role's maximum (3600-43200).
	return time.Duration(secs) * time.Second, nil
}

// lookupRole finds a role in an account the mock knows. The code STS gives
// an unknown role (EntityNotExist.Role, 404) is unconfirmed: it is RAM's
// code for a missing role (GetRole).
func (s *Server) lookupRole(account, name string) (*role, *identity, *APIError) {
	s.mu.RLock()
	id := s.ident
	_, known := s.accounts[account]
	s.mu.RUnlock()
	r := id.roles[name]
	if !known || r == nil {
		return nil, id, notFound("EntityNotExist.Role", "The role not exists: %s.", roleArn(account, name))
	}
	return r, id, nil
}

// lookupOIDCProvider finds an OIDC provider by ARN in an account the mock
// knows.
func (s *Server) lookupOIDCProvider(arn string) (*oidcProvider, *APIError) {
	account, name, ok := parseOIDCProviderArn(arn)
	s.mu.RLock()
	id := s.ident
	_, known := s.accounts[account]
	s.mu.RUnlock()
	if !ok || !known || id.oidc[name] == nil {
		return nil, apiErr(http.StatusUnauthorized, "AuthenticationFail.NoPermission", "No such OIDC Provider registered.")
	}
	return id.oidc[name], nil
}
