package alicloud

import (
	"context"
	"fmt"
	"sync"
)

// keyedLocks serialises association changes per HaVip. The API refuses a
// second (un)associate while one is in progress (IncorrectHaVipStatus), so
// parallel Terraform resources on one HaVip would otherwise burn their
// timeouts in conflict retries; holding the lock across call and wait
// makes them queue instead. Waiting for the lock honours ctx.
type keyedLocks struct {
	mu sync.Mutex
	m  map[string]*keyLock
}

type keyLock struct {
	ch   chan struct{}
	refs int
}

func (k *keyedLocks) lock(ctx context.Context, op, key string) (func(), error) {
	k.mu.Lock()
	l := k.m[key]
	if l == nil {
		l = &keyLock{ch: make(chan struct{}, 1)}
		k.m[key] = l
	}
	l.refs++
	k.mu.Unlock()
	select {
	case l.ch <- struct{}{}:
		var once sync.Once
		return func() {
			once.Do(func() {
				<-l.ch
				k.release(key, l)
			})
		}, nil
	case <-ctx.Done():
		k.release(key, l)
		return nil, &Error{Op: op, Class: ClassConflict,
			Message: fmt.Sprintf("gave up waiting for another operation on %s to finish: %v", key, ctx.Err()), Err: ctx.Err()}
	}
}

func (k *keyedLocks) release(key string, l *keyLock) {
	k.mu.Lock()
	defer k.mu.Unlock()
	l.refs--
	if l.refs == 0 {
		delete(k.m, key)
	}
}
