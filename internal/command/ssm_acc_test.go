//go:build acc

package command

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
)

// labelled returns the version label names in moto (0 for none).
func labelled(t *testing.T, c *ssm.Client, label string) int64 {
	t.Helper()
	out, err := c.GetParameter(context.Background(), &ssm.GetParameterInput{Name: aws.String("/images/web:" + label)})
	if err != nil {
		return 0
	}
	return out.Parameter.Version
}

func TestSSMChannelCommands(t *testing.T) {
	m := ec2test.Start(t)
	m.SetEnv(t)
	c := ssmClient(m, "us-east-1")
	for i := 1; i <= 3; i++ {
		if _, err := ssmchannel.Publish(context.Background(), c, "/images/web", fmt.Sprintf("ami-0000000000000000%d", i), "immutable-ami.web"); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		args  []string
		label string
		want  int64
		says  string
	}{
		{[]string{"promote", "-ssm-parameter", "/images/web", "-to", "staging"}, "staging", 3, "now on version 3"},
		{[]string{"promote", "-ssm-parameter", "/images/web", "-from", "staging", "-to", "prod"}, "prod", 3, "Next: terraform apply where the module reads /images/web:prod"},
		{[]string{"rollback", "-ssm-parameter", "/images/web", "-label", "prod"}, "prod", 2, "version 3 (ami-00000000000000003) -> version 2"},
		{[]string{"promote", "-ssm-parameter", "/images/web", "-from", "1", "-to", "prod"}, "prod", 1, "-> version 1"},
	}
	for _, s := range steps {
		code, out, errOut := run(t, s.args...)
		if got := labelled(t, c, s.label); code != 0 || got != s.want || !strings.Contains(out, s.says) {
			t.Errorf("%v: code %d, %s at version %d (want %d)\n%s%s", s.args, code, s.label, got, s.want, out, errOut)
		}
	}
	code, out, _ := run(t, "rollback", "-ssm-parameter", "/images/web")
	v, err := c.GetParameter(context.Background(), &ssm.GetParameterInput{Name: aws.String("/images/web")})
	if err != nil || code != 0 || aws.ToString(v.Parameter.Value) != "ami-00000000000000002" || v.Parameter.Version != 4 || aws.ToString(v.Parameter.DataType) != "aws:ec2:image" {
		t.Errorf("rollback of the parameter itself: %d %q; latest %+v %v", code, out, v, err)
	}
	code, out, _ = run(t, "history", "-ssm-parameter", "/images/web")
	if code != 0 || !strings.Contains(out, "prod") || !strings.Contains(out, "rollback: to version 2") || strings.Count(out, "\n") != 6 {
		t.Errorf("history:\n%s", out)
	}
	if _, err := c.GetParameter(context.Background(), &ssm.GetParameterInput{Name: aws.String(ssmchannel.LockName("/images/web"))}); err == nil {
		t.Error("the lock parameter was left behind")
	}
	code, _, errOut := run(t, "promote", "-ssm-parameter", "/images/web", "-from", "qa", "-to", "prod")
	if code != 1 || !strings.Contains(errOut, `no version labelled "qa"`) {
		t.Errorf("promote from a missing label: %d %q", code, errOut)
	}
	code, _, errOut = run(t, "promote", "-ssm-parameter", "images/web", "-to", "1prod")
	if code != 2 || !strings.Contains(errOut, "must start with /") {
		t.Errorf("bad flags: %d %q", code, errOut)
	}
}
