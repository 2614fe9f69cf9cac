package awsaccess

import (
	"context"
	"strings"
	"sync/atomic"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go/middleware"
)

// createPrefixes name the operations that make something (EC2's and IAM's).
var createPrefixes = []string{"Create", "Run", "Copy", "Import", "Register", "Request", "Allocate"}

// watchCreates marks uncertain when a create may have made something whose
// ID never reached us: it failed, or the SDK sent it more than once (an
// answer lost to a timeout or a closed connection is retried, and EC2 may
// have acted on the first request). A create answered at the first
// attempt made exactly what its answer says.
func watchCreates(uncertain *atomic.Bool) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("immutable.watchCreates",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleInitialize(ctx, in)
				if isCreate(awsmiddleware.GetOperationName(ctx)) {
					attempts, _ := retry.GetAttemptResults(md)
					if err != nil || len(attempts.Results) > 1 {
						uncertain.Store(true)
					}
				}
				return out, md, err
			}), middleware.After)
	}
}

func isCreate(operation string) bool {
	for _, p := range createPrefixes {
		if strings.HasPrefix(operation, p) {
			return true
		}
	}
	return false
}

// CreatesUncertain reports whether a create call of these clients failed or
// was sent more than once: only then can EC2 hold something of the build's
// that no step knows of (the stray sweep's cue).
func (c *Clients) CreatesUncertain() bool { return c.uncertain.Load() }
