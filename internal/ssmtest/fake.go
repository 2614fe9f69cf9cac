// Package ssmtest is an in-memory SSM Parameter Store for tests of the
// code that publishes, promotes and resolves images through parameters
// (internal/ssmchannel and its users). It keeps SSM's rules that matter
// there: versions numbered from 1, at most 100 kept, a label on one
// version at a time and at most 10 per version, creation without overwrite
// refused while the parameter exists. Imported by tests only.
package ssmtest

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"
)

// Fake is the in-memory store. The zero value is not usable: use New.
type Fake struct {
	mu     sync.Mutex
	params map[string][]*ssmtypes.ParameterHistory
	puts   []ssm.PutParameterInput
	// Before, when set, runs before every call (outside the store's
	// lock), with the operation and parameter name: tests use it to
	// interleave callers or inject errors.
	Before func(op, name string) error
	// Missing lists image IDs that do not exist: like SSM's asynchronous
	// aws:ec2:image check, PutParameter answers with a version number and
	// then does not create it.
	Missing map[string]bool
}

// New returns an empty store.
func New() *Fake { return &Fake{params: map[string][]*ssmtypes.ParameterHistory{}} }

func apiError(code, msg string) error { return &smithy.GenericAPIError{Code: code, Message: msg} }

func (f *Fake) before(op, name string) error {
	if f.Before != nil {
		return f.Before(op, name)
	}
	return nil
}

// Puts returns every PutParameter request received, in order.
func (f *Fake) Puts() []ssm.PutParameterInput {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.puts)
}

// Versions returns a copy of the versions of name, oldest first.
func (f *Fake) Versions(name string) []ssmtypes.ParameterHistory {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []ssmtypes.ParameterHistory
	for _, v := range f.params[name] {
		c := *v
		c.Labels = slices.Clone(v.Labels)
		out = append(out, c)
	}
	return out
}

// find returns the version ref (NAME, NAME:VERSION or NAME:LABEL) names.
func (f *Fake) find(ref string) (*ssmtypes.ParameterHistory, error) {
	name, sel, _ := strings.Cut(ref, ":")
	vs := f.params[name]
	if len(vs) == 0 {
		return nil, apiError("ParameterNotFound", "Parameter "+ref+" not found.")
	}
	if sel == "" {
		return vs[len(vs)-1], nil
	}
	n, err := strconv.ParseInt(sel, 10, 64)
	for _, v := range vs {
		if (err == nil && v.Version == n) || (err != nil && slices.Contains(v.Labels, sel)) {
			return v, nil
		}
	}
	return nil, apiError("ParameterVersionNotFound", "Systems Manager could not find version "+sel+" of "+name)
}

func (f *Fake) GetParameter(_ context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	if err := f.before("GetParameter", aws.ToString(in.Name)); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	v, err := f.find(aws.ToString(in.Name))
	if err != nil {
		return nil, err
	}
	return &ssm.GetParameterOutput{Parameter: &ssmtypes.Parameter{Name: v.Name, Value: v.Value, Version: v.Version,
		LastModifiedDate: v.LastModifiedDate, DataType: v.DataType, Type: v.Type}}, nil
}

func (f *Fake) GetParameterHistory(_ context.Context, in *ssm.GetParameterHistoryInput, _ ...func(*ssm.Options)) (*ssm.GetParameterHistoryOutput, error) {
	if err := f.before("GetParameterHistory", aws.ToString(in.Name)); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	vs := f.params[aws.ToString(in.Name)]
	if len(vs) == 0 {
		return nil, apiError("ParameterNotFound", "Parameter "+aws.ToString(in.Name)+" not found.")
	}
	start, _ := strconv.Atoi(aws.ToString(in.NextToken))
	end := min(start+int(aws.ToInt32(in.MaxResults)), len(vs))
	if in.MaxResults == nil {
		end = len(vs)
	}
	out := &ssm.GetParameterHistoryOutput{}
	for _, v := range vs[start:end] {
		c := *v
		c.Labels = slices.Clone(v.Labels)
		out.Parameters = append(out.Parameters, c)
	}
	if end < len(vs) {
		out.NextToken = aws.String(strconv.Itoa(end))
	}
	return out, nil
}

func (f *Fake) PutParameter(_ context.Context, in *ssm.PutParameterInput, _ ...func(*ssm.Options)) (*ssm.PutParameterOutput, error) {
	name := aws.ToString(in.Name)
	if err := f.before("PutParameter", name); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.puts = append(f.puts, *in)
	vs := f.params[name]
	if len(vs) > 0 && !aws.ToBool(in.Overwrite) {
		return nil, apiError("ParameterAlreadyExists", "The parameter already exists.")
	}
	if len(vs) >= 100 {
		if len(vs[0].Labels) > 0 {
			return nil, apiError("ParameterMaxVersionLimitExceeded", "the oldest version has a label")
		}
		vs = vs[1:]
	}
	n := int64(1)
	if len(vs) > 0 {
		n = vs[len(vs)-1].Version + 1
	}
	if aws.ToString(in.DataType) == "aws:ec2:image" && f.Missing[aws.ToString(in.Value)] {
		return &ssm.PutParameterOutput{Version: n}, nil
	}
	dataType := aws.ToString(in.DataType)
	if dataType == "" {
		dataType = "text"
	}
	f.params[name] = append(vs, &ssmtypes.ParameterHistory{Name: in.Name, Value: in.Value, Version: n, Type: in.Type,
		DataType: aws.String(dataType), Description: in.Description, LastModifiedDate: aws.Time(time.Now())})
	return &ssm.PutParameterOutput{Version: n}, nil
}
