package ssmtest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

func (f *Fake) LabelParameterVersion(_ context.Context, in *ssm.LabelParameterVersionInput, _ ...func(*ssm.Options)) (*ssm.LabelParameterVersionOutput, error) {
	name := aws.ToString(in.Name)
	if err := f.before("LabelParameterVersion", name); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	target, err := f.find(name + ":" + strconv.FormatInt(aws.ToInt64(in.ParameterVersion), 10))
	if err != nil {
		return nil, err
	}
	out := &ssm.LabelParameterVersionOutput{ParameterVersion: target.Version}
	for _, l := range in.Labels {
		if l == "" || (l[0] >= '0' && l[0] <= '9') || strings.HasPrefix(l, "aws") || strings.HasPrefix(l, "ssm") {
			out.InvalidLabels = append(out.InvalidLabels, l)
			continue
		}
		if !slices.Contains(target.Labels, l) && len(target.Labels) >= 10 {
			return nil, apiError("ParameterVersionLabelLimitExceeded", "A parameter version can have maximum 10 labels.")
		}
		for _, v := range f.params[name] {
			v.Labels = slices.DeleteFunc(v.Labels, func(x string) bool { return x == l })
		}
		target.Labels = append(target.Labels, l)
	}
	return out, nil
}

func (f *Fake) DeleteParameter(_ context.Context, in *ssm.DeleteParameterInput, _ ...func(*ssm.Options)) (*ssm.DeleteParameterOutput, error) {
	name := aws.ToString(in.Name)
	if err := f.before("DeleteParameter", name); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.params[name]) == 0 {
		return nil, apiError("ParameterNotFound", fmt.Sprintf("Parameter %s not found.", name))
	}
	delete(f.params, name)
	return &ssm.DeleteParameterOutput{}, nil
}
