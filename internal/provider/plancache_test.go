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
	// Slow the first list down so the others arrive while it is in
	// flight; 2 s leaves a loaded machine room to start them all.
	fid, err := srv.AddFault(mockcloud.FaultRule{Action: "DescribeHaVips", Count: 1,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultLatency, Latency: mockcloud.Duration(2 * time.Second)}})
	if err != nil {
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
			// The others go once the first call is at the mock.
			for f, _ := srv.Fault(fid); f.Fired == 0; f, _ = srv.Fault(fid) {
				time.Sleep(time.Millisecond)
			}
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
