package ssmchannel

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log"
	mrand "math/rand/v2"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// LockName is the parameter that locks parameter name while one writer
// changes it. It exists only while a writer holds it (a second or so).
func LockName(name string) string { return name + ".lock" }

// lockTiming shapes the lock; tests shorten it.
var lockTiming = struct {
	// poll is the first pause of a waiting writer; it doubles up to 2 s
	// (SSM's PutParameter allows a few calls a second per account).
	poll time.Duration
	// stale is how long a waiter must see the same holder before it
	// breaks the lock as left by a writer that died. Measured on the
	// waiter's own clock, so clock skew between machines cannot make a
	// live lock look old. Writers hold the lock for about a second; one
	// slowed down past this finds its lock gone before it writes (held)
	// and fails instead of writing.
	stale time.Duration
	// wait bounds the whole wait for the lock.
	wait time.Duration
}{poll: 100 * time.Millisecond, stale: time.Minute, wait: 5 * time.Minute}

// Lock is a held lock on a parameter.
type Lock struct {
	c     Writer
	name  string // the lock parameter
	token string
}

// Acquire takes the lock of parameter name, waiting while another writer
// holds it. The lock is a parameter created without overwrite, which SSM
// refuses (ParameterAlreadyExists) while it exists: one writer at a time,
// on any machine.
func Acquire(ctx context.Context, c Writer, name string) (*Lock, error) {
	l := &Lock{c: c, name: LockName(name), token: newToken()}
	ctx, cancel := context.WithTimeout(ctx, lockTiming.wait)
	defer cancel()
	var holder string
	var since time.Time
	for pause := lockTiming.poll; ; pause = min(2*pause, 2*time.Second) {
		got, err := l.tryCreate(ctx)
		if err != nil || got {
			return l, err
		}
		current, err := Get(ctx, c, Ref{Name: l.name})
		switch {
		case IsNotFound(err):
			continue // released meanwhile
		case err != nil:
			return nil, fmt.Errorf("reading the lock %s: %w", l.name, err)
		case current.Value != holder:
			holder, since = current.Value, time.Now()
		case time.Since(since) > lockTiming.stale:
			log.Printf("[WARN] breaking the lock %s held by %q for over %s (its writer died?)", l.name, holder, lockTiming.stale)
			if _, err := c.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(l.name)}); err != nil && !IsNotFound(err) {
				return nil, fmt.Errorf("breaking the stale lock %s: %w", l.name, err)
			}
			continue
		}
		if err := sleep(ctx, pause); err != nil {
			return nil, fmt.Errorf("waiting for the lock %s (held by %s: another build or command is writing the parameter; if none is, delete the lock parameter): %w",
				l.name, holder, err)
		}
	}
}

// tryCreate creates the lock parameter holding this writer's token. It
// reads the lock back: SSM refuses a second creation, but an emulator may
// let two racing ones through, and only the last value is the holder.
func (l *Lock) tryCreate(ctx context.Context) (bool, error) {
	_, err := l.c.PutParameter(ctx, &ssm.PutParameterInput{
		Name: aws.String(l.name), Value: aws.String(l.token), Type: ssmtypes.ParameterTypeString, Overwrite: aws.Bool(false),
		Description: aws.String("packer-plugin-immutable lock: a writer is changing the parameter; deleted when it is done"),
	})
	if code(err) == "ParameterAlreadyExists" {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("creating the lock %s: %w", l.name, err)
	}
	return l.Held(ctx)
}

// Held reports whether the lock still holds this writer's token, i.e. no
// waiter broke it as stale. Writers check it right before writing.
func (l *Lock) Held(ctx context.Context) (bool, error) {
	v, err := Get(ctx, l.c, Ref{Name: l.name})
	if IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading the lock %s: %w", l.name, err)
	}
	return v.Value == l.token, nil
}

// check fails when the lock was taken over: nothing may be written then.
func (l *Lock) check(ctx context.Context) error {
	held, err := l.Held(ctx)
	if err == nil && !held {
		err = fmt.Errorf("the lock %s was taken over by another writer (this one took too long): nothing was written; run again", l.name)
	}
	return err
}

// Release deletes the lock if it is still this writer's. It runs with its
// own context: a cancelled build must still release its lock.
func (l *Lock) Release() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	held, err := l.Held(ctx)
	if err != nil || !held {
		log.Printf("[WARN] the lock %s was not this writer's any more when it was done (%v)", l.name, err)
		return
	}
	if _, err := l.c.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(l.name)}); err != nil && !IsNotFound(err) {
		log.Printf("[WARN] releasing the lock %s: %v (delete the parameter by hand if no writer runs)", l.name, err)
	}
}

// newToken names this writer: host, process and a random part.
func newToken() string {
	host, _ := os.Hostname()
	nonce := make([]byte, 8)
	_, _ = rand.Read(nonce)
	return fmt.Sprintf("%s pid %d %s", host, os.Getpid(), hex.EncodeToString(nonce))
}

// sleep pauses about d (±20%, so waiters do not poll in step) or until ctx
// ends.
func sleep(ctx context.Context, d time.Duration) error {
	d = time.Duration(float64(d) * (0.8 + 0.4*mrand.Float64()))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
