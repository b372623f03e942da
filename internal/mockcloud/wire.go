package mockcloud

// Response shapes as the API sends them. Lists are always wrapped in an
// object keyed by the singular name, and the HaVip member lists keep the
// API's own lower-case, misspelt keys. Slices are never nil so that they
// encode as [] rather than null.

type wireTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type wireTags struct {
	Tag []wireTag `json:"Tag"`
}

type wireHaVip struct {
	HaVipId                string `json:"HaVipId"`
	RegionId               string `json:"RegionId"`
	VpcId                  string `json:"VpcId"`
	VSwitchId              string `json:"VSwitchId"`
	IpAddress              string `json:"IpAddress"`
	Status                 string `json:"Status"`
	MasterInstanceId       string `json:"MasterInstanceId"`
	AssociatedInstanceType string `json:"AssociatedInstanceType"`
	AssociatedInstances    struct {
		AssociatedInstance []string `json:"associatedInstance"`
	} `json:"AssociatedInstances"`
	AssociatedEipAddresses struct {
		AssociatedEipAddresse []string `json:"associatedEipAddresse"`
	} `json:"AssociatedEipAddresses"`
	Name            string   `json:"Name"`
	Description     string   `json:"Description"`
	CreateTime      string   `json:"CreateTime"`
	ChargeType      string   `json:"ChargeType"`
	ResourceGroupId string   `json:"ResourceGroupId"`
	Tags            wireTags `json:"Tags"`
}

type describeHaVipsResp struct {
	RequestId  string `json:"RequestId"`
	TotalCount int    `json:"TotalCount"`
	PageNumber int    `json:"PageNumber"`
	PageSize   int    `json:"PageSize"`
	HaVips     struct {
		HaVip []wireHaVip `json:"HaVip"`
	} `json:"HaVips"`
}

type createHaVipResp struct {
	RequestId string `json:"RequestId"`
	HaVipId   string `json:"HaVipId"`
	IpAddress string `json:"IpAddress"`
}

type requestOnly struct {
	RequestId string `json:"RequestId"`
}

type allocateEipResp struct {
	RequestId       string `json:"RequestId"`
	AllocationId    string `json:"AllocationId"`
	EipAddress      string `json:"EipAddress"`
	OrderId         int64  `json:"OrderId"`
	ResourceGroupId string `json:"ResourceGroupId"`
}

type wireEip struct {
	AllocationId       string `json:"AllocationId"`
	IpAddress          string `json:"IpAddress"`
	Status             string `json:"Status"`
	InstanceId         string `json:"InstanceId"`
	InstanceType       string `json:"InstanceType"`
	InstanceRegionId   string `json:"InstanceRegionId"`
	PrivateIpAddress   string `json:"PrivateIpAddress"`
	RegionId           string `json:"RegionId"`
	AllocationTime     string `json:"AllocationTime"`
	Name               string `json:"Name"`
	Description        string `json:"Description"`
	Descritpion        string `json:"Descritpion"` // the API sends both spellings
	Mode               string `json:"Mode"`
	VpcId              string `json:"VpcId"`
	ResourceGroupId    string `json:"ResourceGroupId"`
	BusinessStatus     string `json:"BusinessStatus"`
	Bandwidth          string `json:"Bandwidth"`
	EipBandwidth       string `json:"EipBandwidth"`
	ISP                string `json:"ISP"`
	Netmode            string `json:"Netmode"`
	ChargeType         string `json:"ChargeType"`
	InternetChargeType string `json:"InternetChargeType"`
	DeletionProtection bool   `json:"DeletionProtection"`
	SecondLimited      bool   `json:"SecondLimited"`
	ServiceManaged     int    `json:"ServiceManaged"`
	OperationLocks     struct {
		LockReason []struct {
			LockReason string `json:"LockReason"`
		} `json:"LockReason"`
	} `json:"OperationLocks"`
	Tags wireTags `json:"Tags"`
}

type describeEipsResp struct {
	RequestId    string `json:"RequestId"`
	TotalCount   int    `json:"TotalCount"`
	PageNumber   int    `json:"PageNumber"`
	PageSize     int    `json:"PageSize"`
	EipAddresses struct {
		EipAddress []wireEip `json:"EipAddress"`
	} `json:"EipAddresses"`
}

type wireVpc struct {
	VpcId        string `json:"VpcId"`
	RegionId     string `json:"RegionId"`
	Status       string `json:"Status"`
	VpcName      string `json:"VpcName"`
	CidrBlock    string `json:"CidrBlock"`
	CreationTime string `json:"CreationTime"`
	IsDefault    bool   `json:"IsDefault"`
	OwnerId      int64  `json:"OwnerId"`
	Description  string `json:"Description"`
	VSwitchIds   struct {
		VSwitchId []string `json:"VSwitchId"`
	} `json:"VSwitchIds"`
	VRouterId       string `json:"VRouterId"`
	ResourceGroupId string `json:"ResourceGroupId"`
	RouterTableIds  struct {
		RouterTableIds []string `json:"RouterTableIds"`
	} `json:"RouterTableIds"`
	Tags wireTags `json:"Tags"`
}

type describeVpcsResp struct {
	RequestId  string `json:"RequestId"`
	TotalCount int    `json:"TotalCount"`
	PageNumber int    `json:"PageNumber"`
	PageSize   int    `json:"PageSize"`
	Vpcs       struct {
		Vpc []wireVpc `json:"Vpc"`
	} `json:"Vpcs"`
}

// wireVSwitch is shared by DescribeVSwitches items and the flat
// DescribeVSwitchAttributes answer.
type wireVSwitch struct {
	RequestId               string `json:"RequestId,omitempty"`
	VSwitchId               string `json:"VSwitchId"`
	VpcId                   string `json:"VpcId"`
	Status                  string `json:"Status"`
	CidrBlock               string `json:"CidrBlock"`
	ZoneId                  string `json:"ZoneId"`
	AvailableIpAddressCount int64  `json:"AvailableIpAddressCount"`
	Description             string `json:"Description"`
	VSwitchName             string `json:"VSwitchName"`
	CreationTime            string `json:"CreationTime"`
	IsDefault               bool   `json:"IsDefault"`
	OwnerId                 int64  `json:"OwnerId"`
	ResourceGroupId         string `json:"ResourceGroupId"`
	ShareType               string `json:"ShareType"`
	EnabledIpv6             bool   `json:"EnabledIpv6"`
	RouteTable              struct {
		RouteTableId   string `json:"RouteTableId"`
		RouteTableType string `json:"RouteTableType"`
	} `json:"RouteTable"`
	Tags wireTags `json:"Tags"`
}

type describeVSwitchesResp struct {
	RequestId  string `json:"RequestId"`
	TotalCount int    `json:"TotalCount"`
	PageNumber int    `json:"PageNumber"`
	PageSize   int    `json:"PageSize"`
	VSwitches  struct {
		VSwitch []wireVSwitch `json:"VSwitch"`
	} `json:"VSwitches"`
}

type wireTagResource struct {
	ResourceId   string `json:"ResourceId"`
	ResourceType string `json:"ResourceType"`
	TagKey       string `json:"TagKey"`
	TagValue     string `json:"TagValue"`
}

type listTagResourcesResp struct {
	RequestId    string `json:"RequestId"`
	NextToken    string `json:"NextToken"`
	TagResources struct {
		TagResource []wireTagResource `json:"TagResource"`
	} `json:"TagResources"`
}

type ipList struct {
	IpAddress []string `json:"IpAddress"`
}

type wireInstanceNIC struct {
	NetworkInterfaceId string `json:"NetworkInterfaceId"`
	Type               string `json:"Type"`
	PrimaryIpAddress   string `json:"PrimaryIpAddress"`
	MacAddress         string `json:"MacAddress"`
	PrivateIpSets      struct {
		PrivateIpSet []wirePrivateIP `json:"PrivateIpSet"`
	} `json:"PrivateIpSets"`
}

type wirePrivateIP struct {
	PrivateIpAddress string `json:"PrivateIpAddress"`
	Primary          bool   `json:"Primary"`
}

type wireInstance struct {
	InstanceId          string `json:"InstanceId"`
	InstanceName        string `json:"InstanceName"`
	HostName            string `json:"HostName"`
	Status              string `json:"Status"`
	RegionId            string `json:"RegionId"`
	ZoneId              string `json:"ZoneId"`
	InstanceType        string `json:"InstanceType"`
	InstanceNetworkType string `json:"InstanceNetworkType"`
	CreationTime        string `json:"CreationTime"`
	VpcAttributes       struct {
		VpcId            string `json:"VpcId"`
		VSwitchId        string `json:"VSwitchId"`
		NatIpAddress     string `json:"NatIpAddress"`
		PrivateIpAddress ipList `json:"PrivateIpAddress"`
	} `json:"VpcAttributes"`
	NetworkInterfaces struct {
		NetworkInterface []wireInstanceNIC `json:"NetworkInterface"`
	} `json:"NetworkInterfaces"`
	PublicIpAddress ipList `json:"PublicIpAddress"`
	InnerIpAddress  ipList `json:"InnerIpAddress"`
	EipAddress      struct {
		AllocationId string `json:"AllocationId"`
		IpAddress    string `json:"IpAddress"`
	} `json:"EipAddress"`
	SecurityGroupIds struct {
		SecurityGroupId []string `json:"SecurityGroupId"`
	} `json:"SecurityGroupIds"`
	Tags           wireTags `json:"Tags"`
	OperationLocks struct {
		LockReason []struct {
			LockReason string `json:"LockReason"`
		} `json:"LockReason"`
	} `json:"OperationLocks"`
}

type describeInstancesResp struct {
	RequestId  string `json:"RequestId"`
	TotalCount int    `json:"TotalCount"`
	PageNumber int    `json:"PageNumber"`
	PageSize   int    `json:"PageSize"`
	NextToken  string `json:"NextToken"`
	Instances  struct {
		Instance []wireInstance `json:"Instance"`
	} `json:"Instances"`
}

type wireENI struct {
	NetworkInterfaceId   string `json:"NetworkInterfaceId"`
	NetworkInterfaceName string `json:"NetworkInterfaceName"`
	InstanceId           string `json:"InstanceId"`
	Type                 string `json:"Type"`
	Status               string `json:"Status"`
	VpcId                string `json:"VpcId"`
	VSwitchId            string `json:"VSwitchId"`
	ZoneId               string `json:"ZoneId"`
	PrivateIpAddress     string `json:"PrivateIpAddress"`
	MacAddress           string `json:"MacAddress"`
	OwnerId              string `json:"OwnerId"`
	CreationTime         string `json:"CreationTime"`
	Description          string `json:"Description"`
	ResourceGroupId      string `json:"ResourceGroupId"`
	PrivateIpSets        struct {
		PrivateIpSet []wirePrivateIP `json:"PrivateIpSet"`
	} `json:"PrivateIpSets"`
	SecurityGroupIds struct {
		SecurityGroupId []string `json:"SecurityGroupId"`
	} `json:"SecurityGroupIds"`
	Tags struct {
		Tag []struct {
			TagKey   string `json:"TagKey"`
			TagValue string `json:"TagValue"`
		} `json:"Tag"`
	} `json:"Tags"`
}

type describeENIsResp struct {
	RequestId            string `json:"RequestId"`
	TotalCount           int    `json:"TotalCount"`
	PageNumber           int    `json:"PageNumber"`
	PageSize             int    `json:"PageSize"`
	NextToken            string `json:"NextToken"`
	NetworkInterfaceSets struct {
		NetworkInterfaceSet []wireENI `json:"NetworkInterfaceSet"`
	} `json:"NetworkInterfaceSets"`
}
