package mockcloud_test

import (
	"fmt"
	"log"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"

	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// Start a mock on loopback, point the Alibaba Cloud SDK at it as a
// provider would (its host as the client's domain, plain HTTP, the mock's
// key), create a HaVip in the default fixtures' vSwitch, add an instance
// to it, and read it back; the journal has recorded every call.
func ExampleStart() {
	s, err := mockcloud.Start(mockcloud.Options{Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	key := s.Credentials()
	cfg := sdk.NewConfig()
	cfg.Scheme = "HTTP"
	vc, err := vpc.NewClientWithOptions(s.Region(), cfg, credentials.NewStaticAKCredentialsProvider(key.AccessKeyID, key.AccessKeySecret))
	if err != nil {
		log.Fatal(err)
	}
	vc.Domain = s.Endpoint()

	create := vpc.CreateCreateHaVipRequest()
	create.VSwitchId = "vsw-bp1seedvsw000000000001" // from SeedFixtures
	create.IpAddress = "192.168.0.100"
	created, err := vc.CreateHaVip(create)
	if err != nil {
		log.Fatal(err)
	}
	assoc := vpc.CreateAssociateHaVipRequest()
	assoc.HaVipId = created.HaVipId
	assoc.InstanceId = "i-bp1seedecs0000000000001"
	if _, err := vc.AssociateHaVip(assoc); err != nil {
		log.Fatal(err)
	}

	describe := vpc.CreateDescribeHaVipsRequest()
	describe.Filter = &[]vpc.DescribeHaVipsFilter{{Key: "HaVipId", Value: &[]string{created.HaVipId}}}
	got, err := vc.DescribeHaVips(describe)
	if err != nil {
		log.Fatal(err)
	}
	h := got.HaVips.HaVip[0]
	fmt.Println(h.IpAddress, h.Status, h.AssociatedInstances.AssociatedInstance)
	fmt.Println("CreateHaVip calls:", s.JournalCounts("")["CreateHaVip"])
	// Output:
	// 192.168.0.100 InUse [i-bp1seedecs0000000000001]
	// CreateHaVip calls: 1
}
