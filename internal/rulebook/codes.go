package rulebook

// Error codes of the HaVip API (havip-api.md §5, §6, §10). Where the
// reference leaves a code undocumented the choice is marked inferred.
const (
	CodeInvalidParameter = "InvalidParameter"

	CodeIPMalformed    = "InvalidIPAddress.Malformed"
	CodeIPOutOfRange   = "InvalidIPAddress.OutOfRange"
	CodeIPNotAvailable = "InvalidIPAddress.NotAvailable" // system-reserved
	CodeIPAlreadyUsed  = "InvalidIPAddress.AlreadyUsed"

	CodeNameMalformed        = "InvalidName.Malformed"         // CreateHaVip (inferred)
	CodeModifyNameMalformed  = "Abs.Vpc.InvalidName.Malformed" // ModifyHaVipAttribute
	CodeDescriptionMalformed = "InvalidDescription.Malformed"
	CodeTagKeyMalformed      = "InvalidTagKey.Malformed"
	CodeTagValueMalformed    = "InvalidTagValue.Malformed"

	CodeVSwitchNotFound       = "InvalidVSwitch.NotFound"   // CreateHaVip spells it so
	CodeVSwitchIDNotFound     = "InvalidVSwitchId.NotFound" // vSwitch and ENI APIs
	CodeHaVipNotFound         = "InvalidHaVipId.NotFound"
	CodeInstanceNotFound      = "InvalidInstanceId.NotFound"
	CodeAllocationNotFound    = "InvalidAllocationId.NotFound"
	CodeRegionNotFound        = "InvalidRegionId.NotFound"
	CodeResourceGroupNotFound = "InvalidResourceGroupId.NotFound" // MoveResourceGroup (inferred)

	CodeHaVipQuota         = "QuotaExceeded.HaVip"                   // inferred
	CodeMembersPerHaVip    = "CountLimitExceeded.HaVipOnECSInstance" // members of one HaVip
	CodeHaVipsPerInstance  = "CountLimitExceed.HaVipOnInstance"      // "Exceed", sic
	CodeHaVipRouteEntries  = "CountLimitExceed.HaVipRouteEntry"
	CodeEIPDuplicated      = "InvalidAssociation.Duplicated" // second EIP (inferred)
	CodeVSwitchIPNotEnough = "InvalidVSwitch.IpNotEnough"

	CodeIncorrectInstanceStatus = "IncorrectInstanceStatus"
	CodeIncorrectHaVipStatus    = "IncorrectHaVipStatus"
	CodeIncorrectStatus         = "IncorrectStatus"
	CodeIncorrectEIPStatus      = "IncorrectEipStatus"
	CodeVSwitchMismatch         = "InvalidVSwitchId.Mismatch"    // inferred
	CodeMemberTypeMismatch      = "InvalidInstanceType.Mismatch" // inferred
	CodeMemberTypeUnsupported   = "InvalidInstanceType.ValueNotSupported"
	CodeAlreadyAssociated       = "OperationFailed.InstanceAlreadyAssociated" // inferred
	CodeNotAssociated           = "ResourceNotAssociated"
	CodeUnassociateMaster       = "Forbidden.UnassociateMaster"
	CodeDeleteWithEIP           = "DependencyViolation.HaVipAssociatedWithEIP"
	CodeDeleteWithRouteEntry    = "DependencyViolation.HaVipReferedByRouteEntry" // "Refered", sic
)
