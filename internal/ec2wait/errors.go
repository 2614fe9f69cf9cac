package ec2wait

import (
	"errors"
	"net/http"
	"slices"
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

// transientCodes are EC2 server-side failures worth another attempt even
// when no 5xx status accompanies them.
var transientCodes = []string{"InternalError", "InternalFailure", "ServiceUnavailable", "Unavailable"}

// TransientCodes returns transientCodes in the form of the SDK retryer's
// retry.RetryableErrorCode, so the SDK's own retries (awsaccess) and the
// waits here treat the same codes as transient.
func TransientCodes() map[string]struct{} {
	m := make(map[string]struct{}, len(transientCodes))
	for _, c := range transientCodes {
		m[c] = struct{}{}
	}
	return m
}

// IsCapacity reports whether EC2 has no capacity for the request
// (InsufficientInstanceCapacity, InsufficientVolumeCapacity …). EC2 sends
// these as server errors (HTTP 500), but asking again in the same zone
// for minutes rarely helps: after the SDK's own retries, they end the
// call, and the user can pick another instance type or zone.
func IsCapacity(err error) bool {
	return strings.HasPrefix(Code(err), "Insufficient") && strings.HasSuffix(Code(err), "Capacity")
}

// IsTransient reports whether err is throttling or a server-side failure
// that is worth asking again for.
func IsTransient(err error) bool {
	if err == nil || IsCapacity(err) {
		return false
	}
	if (retry.ThrottleErrorCode{Codes: retry.DefaultThrottleErrorCodes}).IsErrorThrottle(err).Bool() {
		return true
	}
	if slices.Contains(transientCodes, Code(err)) {
		return true
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() >= http.StatusInternalServerError {
		return true
	}
	return false
}

// IsAccessDenied reports whether EC2 refused a call for lack of permission.
// The builder's extra checks (regions, instance type offerings) are skipped
// then rather than failing builds under least-privilege roles.
func IsAccessDenied(err error) bool {
	switch Code(err) {
	case "UnauthorizedOperation", "AccessDenied", "AccessDeniedException":
		return true
	}
	return false
}

// MissingPermission names the IAM action a call refused for lack of
// permission needed ("ec2:RunInstances"), or "" when err is not such a
// refusal. The SDK's operation error carries the call's name, so the
// answer does not depend on EC2's message (which names it only since
// 2021, and not in every partition).
func MissingPermission(err error) string {
	if !IsAccessDenied(err) {
		return ""
	}
	var oe *smithy.OperationError
	if !errors.As(err, &oe) {
		return ""
	}
	return strings.ToLower(oe.Service()) + ":" + oe.Operation()
}

// Code returns the EC2 error code of err ("" when err is not an API error).
func Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
