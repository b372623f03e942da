package lab

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// webCheck is the guide's test service on one node ("ECS 1" on :8000),
// which the health-check scenarios stop, start again and make hang while
// the node and its keepalived stay up.
type webCheck struct {
	ns     *netns
	port   int
	answer string

	mu   sync.Mutex
	srv  *http.Server
	hung chan struct{} // non-nil while requests hang; closed to release them
}

func (w *webCheck) ServeHTTP(rw http.ResponseWriter, req *http.Request) {
	w.mu.Lock()
	hung := w.hung
	w.mu.Unlock()
	if hung != nil {
		select {
		case <-hung:
		case <-req.Context().Done():
		}
		return
	}
	rw.Header().Set("Content-Type", "text/html")
	_, _ = io.WriteString(rw, w.answer+"\n")
}

// start listens again; connections are refused until it does.
func (w *webCheck) start() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.srv != nil {
		return nil
	}
	ln, err := w.ns.listen("tcp4", fmt.Sprintf(":%d", w.port))
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: w, ReadHeaderTimeout: 2 * time.Second}
	w.srv = srv
	go func() { _ = srv.Serve(ln) }()
	return nil
}

// stop closes the listener and every connection: the service is gone, the
// node is not.
func (w *webCheck) stop() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.releaseLocked()
	if w.srv == nil {
		return nil
	}
	err := w.srv.Close()
	w.srv = nil
	return err
}

// hang keeps accepting connections but never answers, like a service
// stuck on a lock: a check that waits for the answer hangs with it.
func (w *webCheck) hang() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.hung == nil {
		w.hung = make(chan struct{})
	}
}

func (w *webCheck) releaseLocked() {
	if w.hung != nil {
		close(w.hung)
		w.hung = nil
	}
}
