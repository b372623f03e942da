package alicloud

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
)

// actor is what the SDK's product clients share: sending a request.
type actor interface {
	DoAction(req requests.AcsRequest, resp responses.AcsResponse) error
}

// send sends req through cli and decodes a successful answer into a
// response made by newResp, as the SDK's typed methods do, but with
// encoding/json first. The SDK decodes with a JSON library that builds a
// decoder per response type on first use, 2 to 5 ms for the large
// Describe* types, and a provider process lives for one Terraform walk:
// every walk paid that, on its critical path, for each kind of call.
// encoding/json builds its decoders in a fraction of that.
//
// The two differ at the edges (alibaba-sdk.md §10). The SDK's decoder
// accepts a number written as a string and the other way round; for such
// an answer encoding/json fails, and the answer is decoded again the
// SDK's way. encoding/json matches keys without regard to case where the
// SDK's decoder insists on it; the service's keys have one spelling, so
// that only makes decoding more lenient. Errors are the SDK's own: an error
// answer never reaches the decoding.
func send[R responses.AcsResponse](cli actor, req requests.AcsRequest, newResp func() R) (R, error) {
	raw := responses.NewCommonResponse()
	if err := cli.DoAction(req, raw); err != nil {
		return newResp(), err
	}
	body := raw.GetHttpContentBytes()
	resp := newResp()
	if json.Unmarshal(body, resp) == nil {
		return resp, nil
	}
	resp = newResp()
	err := responses.Unmarshal(resp, &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body))}, "JSON")
	return resp, err
}

// answered sends a request whose answer matters only as proof that the
// service took it: the RequestId, for the log and the error.
func answered[R responses.AcsResponse](cli actor, req requests.AcsRequest, newResp func() R) (string, error) {
	resp, err := send(cli, req, newResp)
	if err != nil {
		return "", err
	}
	return requestIDOf(resp), nil
}

// requestIDOf reads the RequestId field every API answer has; the SDK's
// response types share no method for it.
func requestIDOf(resp any) string {
	v := reflect.Indirect(reflect.ValueOf(resp))
	if v.Kind() != reflect.Struct {
		return ""
	}
	if f := v.FieldByName("RequestId"); f.Kind() == reflect.String {
		return f.String()
	}
	return ""
}
