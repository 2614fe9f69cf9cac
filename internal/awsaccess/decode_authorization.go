package awsaccess

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
)

// encodedMarker precedes the opaque blob in EC2's UnauthorizedOperation
// messages ("You are not authorized to perform this operation. Encoded
// authorization failure message: …").
const encodedMarker = "Encoded authorization failure message:"

type decodeAuthorizationEC2 interface {
	DecodeAuthorizationMessage(context.Context, *sts.DecodeAuthorizationMessageInput, ...func(*sts.Options)) (*sts.DecodeAuthorizationMessageOutput, error)
}

// decodeAuthorizationMessages is an API option (decode_authorization_messages)
// that adds, to every error carrying an encoded authorization message, what
// STS decodes it to: the denied action, resource and the matching policy
// statements.
func decodeAuthorizationMessages(client decodeAuthorizationEC2) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("DecodeAuthorizationMessages",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleInitialize(ctx, in)
				if err != nil {
					err = decodeAuthorization(ctx, client, err)
				}
				return out, md, err
			}), middleware.After)
	}
}

// decodeAuthorization returns err with its encoded authorization message
// decoded, or err itself when it has none.
func decodeAuthorization(ctx context.Context, client decodeAuthorizationEC2, err error) error {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return err
	}
	_, encoded, ok := strings.Cut(ae.ErrorMessage(), encodedMarker)
	if !ok || strings.TrimSpace(encoded) == "" {
		return err
	}
	out, derr := client.DecodeAuthorizationMessage(context.WithoutCancel(ctx), &sts.DecodeAuthorizationMessageInput{
		EncodedMessage: aws.String(strings.TrimSpace(encoded)),
	})
	if derr != nil {
		return &decodedError{err: err, decoded: fmt.Sprintf("(could not decode it with sts:DecodeAuthorizationMessage: %v)", derr)}
	}
	return &decodedError{err: err, decoded: aws.ToString(out.DecodedMessage)}
}

// decodedError is an AWS error with its authorization message decoded; it
// unwraps to the original, so error codes still match.
type decodedError struct {
	err     error
	decoded string
}

func (e *decodedError) Error() string {
	return e.err.Error() + "\nDecoded authorization failure message: " + e.decoded
}

func (e *decodedError) Unwrap() error { return e.err }
