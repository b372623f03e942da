package keepalived

// Named clusters shared by the golden, keepalived -t and user_data tests.

// seedCluster is the scenario of Alibaba's HaVip walkthrough, with the
// walkthrough's intent (nopreempt, eth0, GARP 1/5) expressed correctly.
func seedCluster() Cluster {
	return Cluster{
		Name:            "havip_web",
		VirtualIPs:      []string{"192.168.0.24"},
		VirtualRouterID: 51,
		Interface:       "eth0",
		AdvertInt:       1,
		AuthPass:        "1111",
		SubnetCIDR:      "192.168.0.0/24",
		// A vSwitch's reservation, as the provider passes it in.
		ReservedHead: 1,
		ReservedTail: 3,
		Nodes: []Node{
			{Name: "ecs1", PrivateIP: "192.168.0.25", Priority: 100},
			{Name: "ecs2", PrivateIP: "192.168.0.26", Priority: 10},
		},
	}
}

// fastCluster uses the sub-second profile with three nodes and automatic
// priorities.
func fastCluster() Cluster {
	return Cluster{
		Name:            "havip_api",
		Profile:         "fast",
		VirtualIPs:      []string{"10.0.1.100"},
		VirtualRouterID: 52,
		SubnetCIDR:      "10.0.1.0/24",
		Nodes: []Node{
			{Name: "api-a", PrivateIP: "10.0.1.11"},
			{Name: "api-b", PrivateIP: "10.0.1.12"},
			{Name: "api-c", PrivateIP: "10.0.1.13"},
		},
	}
}

// checkNotifyCluster adds a TCP health check, notify commands and an extra
// tracked interface to the seed scenario.
func checkNotifyCluster() Cluster {
	c := seedCluster()
	c.Name = "havip_checked"
	c.HealthCheck = &HealthCheck{TCPPort: 8000, Interval: 2, Fall: 2, Rise: 3}
	c.TrackInterfaces = []string{"eth1"}
	c.StartupDelay = 5
	c.Notify = Notify{
		Master: "/usr/bin/logger -t havip became MASTER",
		Backup: "/usr/bin/logger -t havip became BACKUP",
		Fault:  "/usr/bin/logger -t havip entered FAULT",
		Stop:   "/usr/bin/logger -t havip stopped",
	}
	return c
}

// processPreemptCluster covers the preemptive branch: a weighted process
// check, an initial MASTER, a changed down timer and per-node interfaces.
func processPreemptCluster() Cluster {
	return Cluster{
		Name:             "havip_lb",
		VirtualIPs:       []string{"172.16.0.100", "172.16.0.101"},
		VirtualRouterID:  60,
		Version:          3,
		AdvertInt:        0.5,
		DownTimerAdverts: 6,
		Preempt:          Preemption{NoPreempt: Ptr(false)},
		SubnetCIDR:       "172.16.0.0/24",
		HealthCheck:      &HealthCheck{Process: "haproxy", Delay: 1.5, Weight: -60},
		GARP:             GARP{MasterRepeat: Ptr(3), MasterRefresh: Ptr(10), HigherPrioSendAdvert: Ptr(false)},
		Nodes: []Node{
			{Name: "lb1", PrivateIP: "172.16.0.11", Priority: 150, State: StateMaster},
			{Name: "lb2", PrivateIP: "172.16.0.12", Priority: 100, Interface: "ens5"},
		},
	}
}

type scenario struct {
	name    string
	cluster Cluster
}

func goldenScenarios() []scenario {
	return []scenario{
		{"seed", seedCluster()},
		{"fast", fastCluster()},
		{"check_notify", checkNotifyCluster()},
		{"process_preempt", processPreemptCluster()},
	}
}
