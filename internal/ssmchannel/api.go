package ssmchannel

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/smithy-go"
)

// Reader is what reading a channel takes: resolve a reference, list the
// versions.
type Reader interface {
	GetParameter(context.Context, *ssm.GetParameterInput, ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
	GetParameterHistory(context.Context, *ssm.GetParameterHistoryInput, ...func(*ssm.Options)) (*ssm.GetParameterHistoryOutput, error)
}

// Writer is what writing a channel takes: new versions, label moves, and
// the lock (a parameter created without overwrite, deleted to release).
type Writer interface {
	Reader
	PutParameter(context.Context, *ssm.PutParameterInput, ...func(*ssm.Options)) (*ssm.PutParameterOutput, error)
	LabelParameterVersion(context.Context, *ssm.LabelParameterVersionInput, ...func(*ssm.Options)) (*ssm.LabelParameterVersionOutput, error)
	DeleteParameter(context.Context, *ssm.DeleteParameterInput, ...func(*ssm.Options)) (*ssm.DeleteParameterOutput, error)
}

var _ Writer = (*ssm.Client)(nil)

// code returns the AWS error code of err ("" when it is not an API error).
func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// IsNotFound reports whether err says the parameter, or the version or
// label asked for, does not exist.
func IsNotFound(err error) bool {
	switch code(err) {
	case "ParameterNotFound", "ParameterVersionNotFound":
		return true
	}
	return false
}
