package rulebook

// Statuses of HaVips, EIPs and route entries, as the API spells them. The
// mock moves objects through them and the provider's waiters wait on them.
const (
	StatusCreating      = "Creating"
	StatusAvailable     = "Available"
	StatusInUse         = "InUse"
	StatusAssociating   = "Associating"
	StatusUnassociating = "Unassociating"
	StatusDeleting      = "Deleting"
	// StatusReleasing is an EIP on its way out: a transition, to a waiter.
	StatusReleasing = "Releasing"
	// StatusPending is a route entry being created.
	StatusPending = "Pending"
)
