package provider

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// Plan checks that run at the same time share one ListHaVips, and a check
// that starts after it returned makes its own.
func TestAllHaVipsSharesConcurrentLists(t *testing.T) {
	srv, err := mockcloud.Start(mockcloud.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := srv.Credentials()
	client, err := alicloud.New(context.Background(), alicloud.Config{Region: srv.Region(), AccessKey: c.AccessKeyID,
		SecretKey: c.AccessKeySecret, VPCEndpoint: srv.Endpoint(), ECSEndpoint: srv.Endpoint(), Protocol: "HTTP"})
	if err != nil {
		t.Fatal(err)
	}
	// Slow the first list down so the others arrive while it is in flight.
	if _, err := srv.AddFault(mockcloud.FaultRule{Action: "DescribeHaVips", Count: 1,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultLatency, Latency: mockcloud.Duration(300 * time.Millisecond)}}); err != nil {
		t.Fatal(err)
	}
	d := &providerData{client: client}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := d.allHaVips(context.Background()); err != nil {
				t.Error(err)
			}
		}()
		if i == 0 {
			time.Sleep(50 * time.Millisecond) // the first call is in flight
		}
	}
	wg.Wait()
	lists := len(srv.Journal(mockcloud.JournalFilter{Action: "DescribeHaVips"}))
	if lists != 1 {
		t.Fatalf("8 concurrent checks made %d ListHaVips calls, want 1", lists)
	}
	if _, err := d.allHaVips(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Journal(mockcloud.JournalFilter{Action: "DescribeHaVips"})); n != 2 {
		t.Fatalf("a later check reused a finished list: %d calls, want 2", n)
	}
}
