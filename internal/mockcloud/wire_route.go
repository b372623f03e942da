package mockcloud

// Route table response shapes, keyed as the API keys them (the list of
// route tables really is RouterTableList.RouterTableListType).

type createRouteEntryResp struct {
	RequestId    string `json:"RequestId"`
	RouteEntryId string `json:"RouteEntryId"`
}

type wireNextHop struct {
	NextHopType string `json:"NextHopType"`
	NextHopId   string `json:"NextHopId"`
	Enabled     int    `json:"Enabled"`
	Weight      int    `json:"Weight"`
}

type wireRouteEntry struct {
	RouteEntryId         string `json:"RouteEntryId"`
	RouteTableId         string `json:"RouteTableId"`
	RouteEntryName       string `json:"RouteEntryName"`
	Description          string `json:"Description"`
	DestinationCidrBlock string `json:"DestinationCidrBlock"`
	Type                 string `json:"Type"`
	Status               string `json:"Status"`
	IpVersion            string `json:"IpVersion"`
	Origin               string `json:"Origin"`
	GmtModified          string `json:"GmtModified"`
	NextHops             struct {
		NextHop []wireNextHop `json:"NextHop"`
	} `json:"NextHops"`
}

type describeRouteEntryListResp struct {
	RequestId   string `json:"RequestId"`
	NextToken   string `json:"NextToken"`
	RouteEntrys struct {
		RouteEntry []wireRouteEntry `json:"RouteEntry"`
	} `json:"RouteEntrys"`
}

type wireRouteTable struct {
	RouteTableId    string `json:"RouteTableId"`
	RouteTableName  string `json:"RouteTableName"`
	RouteTableType  string `json:"RouteTableType"`
	RouterId        string `json:"RouterId"`
	RouterType      string `json:"RouterType"`
	VpcId           string `json:"VpcId"`
	Status          string `json:"Status"`
	AssociateType   string `json:"AssociateType"`
	Description     string `json:"Description"`
	CreationTime    string `json:"CreationTime"`
	OwnerId         int64  `json:"OwnerId"`
	ResourceGroupId string `json:"ResourceGroupId"`
	VSwitchIds      struct {
		VSwitchId []string `json:"VSwitchId"`
	} `json:"VSwitchIds"`
	Tags wireTags `json:"Tags"`
}

type describeRouteTableListResp struct {
	RequestId       string `json:"RequestId"`
	Success         bool   `json:"Success"`
	Code            string `json:"Code"`
	Message         string `json:"Message"`
	TotalCount      int    `json:"TotalCount"`
	PageNumber      int    `json:"PageNumber"`
	PageSize        int    `json:"PageSize"`
	RouterTableList struct {
		RouterTableListType []wireRouteTable `json:"RouterTableListType"`
	} `json:"RouterTableList"`
}
