package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localcloud"
)

// watch prints how an instance was replaced: the old one's and the new
// one's web page over time. It fails unless the new instance answered
// before the old one stopped (create_before_destroy).
func watch(args []string) error {
	fs := flag.NewFlagSet("watch", flag.ContinueOnError)
	endpoint := fs.String("endpoint", "", "the local cloud's endpoint (AWS_ENDPOINT_URL)")
	old := fs.String("old", "", "the instance being replaced")
	port := fs.Int("port", 8080, "the web app's port")
	limit := fs.Duration("timeout", 10*time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *endpoint == "" || *old == "" {
		return fmt.Errorf("watch needs -endpoint and -old")
	}
	ctx, cancel := context.WithTimeout(context.Background(), *limit)
	defer cancel()
	r := localcloud.Watch(ctx, *endpoint, *old, *port, 100*time.Millisecond)
	for _, l := range r.Lines {
		fmt.Println(l)
	}
	switch {
	case r.NewAt < 0:
		return fmt.Errorf("no new instance answered on port %d within %s", *port, *limit)
	case !r.Overlapped():
		return fmt.Errorf("the old instance was terminated %.1fs before the new one answered: it was destroyed before its replacement was created (create_before_destroy?)", (r.NewAt - r.OldGoneAt).Seconds())
	}
	fmt.Printf("create before destroy: new %s answered while old %s still did (%.1fs before it stopped)\n", r.NewID, *old, (r.OldGoneAt - r.NewAt).Seconds())
	return nil
}
