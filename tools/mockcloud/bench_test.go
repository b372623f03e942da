package main

import (
	"sync/atomic"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

// BenchmarkStandaloneDescribeHaVips drives the built binary with 8
// concurrent SDK clients (one each: SDK clients are not goroutine-safe),
// every call freshly signed, and reports requests per second.
func BenchmarkStandaloneDescribeHaVips(b *testing.B) {
	bin := buildBinary(b)
	p := startBinary(b, bin)
	seed := p.client(b)
	for _, ip := range []string{"192.168.0.24", "192.168.0.30", "192.168.0.31"} {
		req := vpc.CreateCreateHaVipRequest()
		req.VSwitchId = "vsw-bp1seedvsw000000000001"
		req.IpAddress = ip
		if _, err := seed.CreateHaVip(req); err != nil {
			b.Fatal(err)
		}
	}
	const clients = 8
	pool := make(chan *vpc.Client, clients)
	for i := 0; i < clients; i++ {
		pool <- p.client(b)
	}
	var failures atomic.Int64
	b.SetParallelism((clients + 1) / 2) // 2 cores × 4 = 8 goroutines
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c := <-pool
		defer func() { pool <- c }()
		for pb.Next() {
			req := vpc.CreateDescribeHaVipsRequest()
			req.Filter = &[]vpc.DescribeHaVipsFilter{{Key: "VSwitchId", Value: &[]string{"vsw-bp1seedvsw000000000001"}}}
			resp, err := c.DescribeHaVips(req)
			if err != nil || resp.TotalCount != 3 {
				failures.Add(1)
			}
		}
	})
	b.StopTimer()
	if n := failures.Load(); n > 0 {
		b.Fatalf("%d of %d requests failed", n, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	p.stop(b)
}
