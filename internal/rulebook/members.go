package rulebook

import (
	"fmt"
	"strings"
)

// Member types as AssociateHaVip's InstanceType spells them.
const (
	MemberECS = "EcsInstance"
	MemberENI = "NetworkInterface"
)

// MemberTypeOf infers the member type from an ID's prefix, "" when the ID
// is neither an instance nor an ENI.
func MemberTypeOf(id string) string {
	switch {
	case strings.HasPrefix(id, "i-") && len(id) > 2:
		return MemberECS
	case strings.HasPrefix(id, "eni-") && len(id) > 4:
		return MemberENI
	}
	return ""
}

// CheckInstanceStatus: a HaVip takes an ECS instance that is Running or
// Stopped (AssociateHaVip).
func CheckInstanceStatus(instanceID, status string) *Violation {
	if status == "Running" || status == "Stopped" {
		return nil
	}
	return &Violation{Code: CodeIncorrectInstanceStatus, Field: "InstanceId", Title: "ECS instance not ready",
		Message: fmt.Sprintf("ECS instance %s is %s; a HaVip takes members that are Running or Stopped.", instanceID, status)}
}

// CheckENIAttached: a HaVip takes an ENI only while it is attached to an
// ECS instance (user guide).
func CheckENIAttached(eniID, instanceID string) *Violation {
	if instanceID != "" {
		return nil
	}
	return &Violation{Code: CodeIncorrectInstanceStatus, Field: "InstanceId", Title: "ENI not attached",
		Message: fmt.Sprintf("ENI %s is not attached to an ECS instance; a HaVip takes only attached ENIs.", eniID)}
}

// CheckSameVSwitch: every member is in the HaVip's vSwitch. havipID is ""
// for a HaVip not created yet.
func CheckSameVSwitch(memberID, memberVSwitch, havipID, havipVSwitch string) *Violation {
	if memberVSwitch == havipVSwitch {
		return nil
	}
	havip := "the HaVip"
	if havipID != "" {
		havip = "HaVip " + havipID
	}
	return &Violation{Code: CodeVSwitchMismatch, Field: "InstanceId", Title: "Member in another vSwitch",
		Message: fmt.Sprintf("%s is in vSwitch %s, but %s is in vSwitch %s; HaVip members must share its vSwitch.", memberID, memberVSwitch, havip, havipVSwitch)}
}

// CheckMemberType: a HaVip's members are all ECS instances or all ENIs.
// existing is the type of a member it has (or will have), "" for none.
func CheckMemberType(havipID, existingMember, existing, memberID, typ string) *Violation {
	if existing == "" || existing == typ {
		return nil
	}
	return &Violation{Code: CodeMemberTypeMismatch, Field: "InstanceId", Title: "ECS and ENI members mixed",
		Message: fmt.Sprintf("HaVip %s has %s member %s; it cannot also take %s %s. A HaVip takes ECS instances or ENIs, never both: detach the others first.",
			havipID, existing, existingMember, typ, memberID)}
}

// AlreadyAssociated is the refusal of a member the HaVip already has.
func AlreadyAssociated(memberID, havipID string) *Violation {
	return &Violation{Code: CodeAlreadyAssociated, Field: "InstanceId", Title: "Already a member",
		Message: fmt.Sprintf("%s is already associated with HaVip %s.", memberID, havipID)}
}
