//go:build acc

package command

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
)

// Six CI jobs at once each publish an image, promote the latest version
// to staging and staging to prod, against moto's real SSM API; meanwhile
// four processes of the binary promote staging to prod too. No promotion
// may be lost: the label moves of prod form one chain (each starts where
// the one before ended) and prod ends where staging does, on the newest
// version.
func TestConcurrentPromotionsAgainstMoto(t *testing.T) {
	m := ec2test.Start(t)
	m.SetEnv(t)
	bin := packertest.BuildPlugin(t, t.TempDir(), false)
	c := ssmClient(m, "us-east-1")
	ctx := context.Background()
	var mu sync.Mutex
	var moves []ssmchannel.Move
	record := func(mv ssmchannel.Move, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			t.Error(err)
		} else if mv.Changed {
			moves = append(moves, mv)
		}
	}
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Go(func() {
			if _, err := ssmchannel.Publish(ctx, c, "/images/web", fmt.Sprintf("ami-%017d", i+1), "job"); err != nil {
				t.Error(err)
				return
			}
			if _, err := ssmchannel.Promote(ctx, c, "/images/web", "", "staging"); err != nil {
				t.Error(err)
			}
			record(ssmchannel.Promote(ctx, c, "/images/web", "staging", "prod"))
		})
	}
	for range 4 {
		wg.Go(func() {
			cmd := exec.Command(bin, "promote", "-ssm-parameter", "/images/web", "-from", "staging", "-to", "prod")
			cmd.Env = append(os.Environ(), m.Env()...)
			if out, err := cmd.CombinedOutput(); err != nil && !containsNoStaging(string(out)) {
				t.Errorf("promote process: %v\n%s", err, out)
			}
		})
	}
	wg.Wait()
	versions, err := ssmchannel.History(ctx, c, "/images/web")
	if err != nil || len(versions) != 6 {
		t.Fatalf("versions %v %v", versions, err)
	}
	if s, p := labelled(t, c, "staging"), labelled(t, c, "prod"); s != 6 || p != 6 {
		t.Errorf("staging at version %d, prod at %d: want both at 6, the newest", s, p)
	}
	checkChain(t, moves)
}

// containsNoStaging: a process that ran before any job labelled staging
// has nothing to promote yet, which is not a lost promotion.
func containsNoStaging(out string) bool {
	return len(out) > 0 && (strings.Contains(out, `no version labelled "staging"`) || strings.Contains(out, "/images/web does not exist"))
}

// checkChain checks that the recorded moves of one label never started
// from a version another move had already left: each From is the To of
// exactly one other move, or the first move's start.
func checkChain(t *testing.T, moves []ssmchannel.Move) {
	t.Helper()
	from := map[int64]int{}
	var seen []string
	for _, mv := range moves {
		from[mv.From.Number]++
		seen = append(seen, fmt.Sprintf("%d->%d", mv.From.Number, mv.To.Number))
	}
	for v, n := range from {
		if n > 1 {
			t.Errorf("%d promotions moved prod away from version %d: all but one decided on a label another had already moved (lost update); moves %v", n, v, seen)
		}
	}
}
