package alicloud

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

// send decodes what the SDK's own typed call would: the fields of a
// normal answer, a number the service wrote as a string (the SDK's
// tolerant decoder is the fallback), and an error answer as the SDK's
// error with its code.
func TestSendDecodesAsTheSDKDoes(t *testing.T) {
	for _, c := range []struct {
		name, body string
		status     int
		wantCount  int
		wantCode   string
	}{
		{"plain", `{"RequestId":"r-1","TotalCount":2,"HaVips":{"HaVip":[{"HaVipId":"havip-1","IpAddress":"10.0.0.5","AssociatedInstances":{"associatedInstance":["i-1"]}}]}}`, 200, 2, ""},
		{"number as a string", `{"RequestId":"r-1","TotalCount":"2","HaVips":{"HaVip":[{"HaVipId":"havip-1","IpAddress":"10.0.0.5","AssociatedInstances":{"associatedInstance":["i-1"]}}]}}`, 200, 2, ""},
		{"error answer", `{"RequestId":"r-1","Code":"InvalidRegionId.NotFound","Message":"no such region"}`, 404, 0, "InvalidRegionId.NotFound"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(c.status)
				io.WriteString(w, c.body)
			}))
			defer srv.Close()
			PrepareSDK()
			cli, err := vpc.NewClientWithAccessKey("cn-hangzhou", "LTAI5testkey000000000000", "secret")
			if err != nil {
				t.Fatal(err)
			}
			cli.Domain = strings.TrimPrefix(srv.URL, "http://")
			req := vpc.CreateDescribeHaVipsRequest()
			req.Scheme = "http"
			resp, err := send(cli, req, vpc.CreateDescribeHaVipsResponse)
			if c.wantCode != "" {
				var se *sdkerrors.ServerError
				if resp == nil || !errors.As(err, &se) || se.ErrorCode() != c.wantCode {
					t.Fatalf("want the SDK's error %s and a response, got %v, %v", c.wantCode, resp, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			hs := resp.HaVips.HaVip
			if resp.RequestId != "r-1" || resp.TotalCount != c.wantCount || len(hs) != 1 || hs[0].HaVipId != "havip-1" ||
				hs[0].IpAddress != "10.0.0.5" || len(hs[0].AssociatedInstances.AssociatedInstance) != 1 {
				t.Fatalf("decoded %+v", resp)
			}
		})
	}
}

// answered gives the RequestId of a mutating call's answer, which every
// log line and error of the operation carries.
func TestAnsweredGivesTheRequestID(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"RequestId":"r-42"}`)
	}))
	defer srv.Close()
	PrepareSDK()
	cli, err := vpc.NewClientWithAccessKey("cn-hangzhou", "LTAI5testkey000000000000", "secret")
	if err != nil {
		t.Fatal(err)
	}
	cli.Domain = strings.TrimPrefix(srv.URL, "http://")
	req := vpc.CreateDeleteHaVipRequest()
	req.Scheme = "http"
	id, err := answered(cli, req, vpc.CreateDeleteHaVipResponse)
	if err != nil || id != "r-42" {
		t.Fatalf("answered = %q, %v; want r-42", id, err)
	}
	if got := requestIDOf(struct{ Other string }{"x"}); got != "" {
		t.Fatalf("an answer without RequestId gave %q", got)
	}
}
