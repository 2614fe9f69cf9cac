package ec2wait

import (
	"errors"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// IsNotFound reports whether err is EC2 saying an ID does not exist, e.g.
// InvalidInstanceID.NotFound, InvalidAMIID.NotFound, InvalidSnapshot.NotFound,
// InvalidKeyPair.NotFound, InvalidGroup.NotFound, InvalidVolume.NotFound.
func IsNotFound(err error) bool {
	code := Code(err)
	return strings.HasSuffix(code, ".NotFound") || code == "InvalidAMIID.Unavailable"
}

// IsTransient reports whether err is throttling or a server-side failure
// that is worth asking again for.
func IsTransient(err error) bool {
	if err == nil {
		return false
	}
	if (retry.ThrottleErrorCode{Codes: retry.DefaultThrottleErrorCodes}).IsErrorThrottle(err).Bool() {
		return true
	}
	switch Code(err) {
	case "InternalError", "InternalFailure", "ServiceUnavailable", "Unavailable":
		return true
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() >= http.StatusInternalServerError {
		return true
	}
	return false
}

// Code returns the EC2 error code of err ("" when err is not an API error).
func Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
