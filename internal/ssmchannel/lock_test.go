package ssmchannel

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmtest"
)

// Promotion A reads what staging names, and before it moves prod, B
// publishes a newer image, promotes it to staging and then to prod. If A
// could move prod after B, prod would end on the older image and B's
// promotion would be lost. Under the lock, B waits for A, so prod ends on
// what staging names.
func TestConcurrentPromotionIsNotLost(t *testing.T) {
	f := ssmtest.New()
	publish(t, f, ami1, ami2)
	promote(t, f, "", "staging")
	bTriedLock, bDone := make(chan struct{}), make(chan struct{})
	var once sync.Once
	f.Before = func(op, name string) error {
		if op != "LabelParameterVersion" {
			return nil
		}
		once.Do(func() { // A, about to move prod: run B now
			f.Before = func(op, name string) error {
				if op == "GetParameter" && name == LockName(web) {
					close(bTriedLock) // B found the lock held
					f.Before = nil
				}
				return nil
			}
			go func() {
				defer close(bDone)
				publish(t, f, ami3)
				promote(t, f, "", "staging")
				promote(t, f, "staging", "prod")
			}()
			select {
			case <-bTriedLock:
			case <-bDone:
			}
		})
		return nil
	}
	a := promote(t, f, "staging", "prod")
	<-bDone
	if a.To.Value != ami2 || labelAt(t, f, "staging") != 3 || labelAt(t, f, "prod") != 3 {
		t.Errorf("A promoted %s; at the end staging is at version %d, prod at %d: want both at 3 (%s)",
			a.To.Value, labelAt(t, f, "staging"), labelAt(t, f, "prod"), ami3)
	}
}

// Many writers at once: each holds the lock alone (never two inside), and
// every one gets it.
func TestLockIsMutuallyExclusive(t *testing.T) {
	f := ssmtest.New()
	defer func(p time.Duration) { lockTiming.poll = p }(lockTiming.poll)
	lockTiming.poll = time.Millisecond
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			err := withLock(ctx, f, web, func(*Lock) error {
				n := inside.Add(1)
				if n > most.Load() {
					most.Store(n)
				}
				time.Sleep(2 * time.Millisecond) // give another writer the chance to get in, if it could
				inside.Add(-1)
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Errorf("%d writers held the lock at once", most.Load())
	}
}

// A lock whose writer died is broken once a waiter has seen the same
// holder for longer than the stale limit.
func TestStaleLockIsBroken(t *testing.T) {
	f := ssmtest.New()
	defer func(p, s time.Duration) { lockTiming.poll, lockTiming.stale = p, s }(lockTiming.poll, lockTiming.stale)
	lockTiming.poll, lockTiming.stale = time.Millisecond, 20*time.Millisecond
	if _, err := f.PutParameter(ctx, lockInput(LockName(web), "dead writer")); err != nil {
		t.Fatal(err)
	}
	if _, err := Publish(ctx, f, web, ami1, "b"); err != nil {
		t.Fatalf("publish behind a dead writer's lock: %v", err)
	}
	if len(f.Versions(LockName(web))) != 0 || len(values(f, web)) != 1 {
		t.Errorf("lock %v, versions %v", values(f, LockName(web)), values(f, web))
	}
}

func TestLockWaitEnds(t *testing.T) {
	f := ssmtest.New()
	defer func(p, w time.Duration) { lockTiming.poll, lockTiming.wait = p, w }(lockTiming.poll, lockTiming.wait)
	lockTiming.poll, lockTiming.wait = time.Millisecond, 10*time.Millisecond
	if _, err := f.PutParameter(ctx, lockInput(LockName(web), "busy writer")); err != nil {
		t.Fatal(err)
	}
	_, err := Publish(ctx, f, web, ami1, "b")
	if err == nil || len(values(f, web)) != 0 {
		t.Fatalf("publish while the lock is held: %v", err)
	}
	if got := values(f, LockName(web)); len(got) != 1 || got[0] != "busy writer" {
		t.Errorf("the holder's lock was touched: %v", got)
	}
}
