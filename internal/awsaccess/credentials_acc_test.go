//go:build acc

package awsaccess

import (
	"fmt"
	"strings"
	"testing"
)

// TestStaticKeysAndTokenSignEveryCall: access_key/secret_key are the
// credentials (STS knows them as the IAM user), every call is signed with
// them and carries token.
func TestStaticKeysAndTokenSignEveryCall(t *testing.T) {
	e := newCredEnv(t)
	id, secret := e.iamUser(t, "alice")
	c := AccessConfig{RawRegion: "us-east-1", AccessKey: id, SecretKey: secret, Token: "session-token-1"}
	if arn, err := whoAmI(t, c); err != nil || !strings.HasSuffix(arn, ":user/alice") {
		t.Fatalf("caller %q, %v: want user/alice", arn, err)
	}
	if call := e.ec2Call(t, c); call.AccessKey != id || call.SessionToken != "session-token-1" {
		t.Errorf("EC2 call signed by %q with token %q, want %s and the token", call.AccessKey, call.SessionToken, id)
	}
}

// TestSharedCredentialsFileAndProfile: shared_credentials_file is read
// instead of the default file, and profile picks its section.
func TestSharedCredentialsFileAndProfile(t *testing.T) {
	e := newCredEnv(t)
	id, secret := e.iamUser(t, "ci")
	file := e.write(t, "ci-credentials", fmt.Sprintf("[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = x\n"+
		"[ci]\naws_access_key_id = %s\naws_secret_access_key = %s\n", id, secret))
	arn, err := whoAmI(t, AccessConfig{SharedCredentialsFile: file, Profile: "ci"})
	if err != nil || !strings.HasSuffix(arn, ":user/ci") {
		t.Errorf("caller %q, %v: want the ci profile's user from shared_credentials_file", arn, err)
	}
}

// TestAssumeRoleSendsEveryParameter: assume_role trades the credentials
// found for the role's with every parameter amazon-ebs sends, and the
// build's EC2 calls are signed with the role's key.
func TestAssumeRoleSendsEveryParameter(t *testing.T) {
	e := newCredEnv(t)
	id, secret := e.iamUser(t, "alice")
	c := AccessConfig{RawRegion: "us-east-1", AccessKey: id, SecretKey: secret, AssumeRole: AssumeRoleConfig{
		RoleARN: "arn:aws:iam::123456789012:role/packer", SessionName: "image-build", ExternalID: "pipeline-7",
		DurationSeconds: 1800, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`,
		PolicyARNs: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}, Tags: map[string]string{"Team": "images", "Env": "ci"},
		TransitiveTagKeys: []string{"Team"},
	}}
	arn, err := whoAmI(t, c)
	if err != nil || arn != "arn:aws:sts::123456789012:assumed-role/packer/image-build" {
		t.Fatalf("caller %q, %v: want the assumed role's session", arn, err)
	}
	calls := e.proxy.Requests("AssumeRole")
	if len(calls) != 1 {
		t.Fatalf("AssumeRole calls: %d", len(calls))
	}
	p := calls[0].Params
	for k, want := range map[string]string{
		"RoleArn": c.AssumeRole.RoleARN, "RoleSessionName": "image-build", "ExternalId": "pipeline-7", "DurationSeconds": "1800",
		"Policy": c.AssumeRole.Policy, "PolicyArns.member.1.arn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
		"Tags.member.1.Key": "Env", "Tags.member.1.Value": "ci", "Tags.member.2.Key": "Team", "Tags.member.2.Value": "images",
		"TransitiveTagKeys.member.1": "Team",
	} {
		if got := p.Get(k); got != want {
			t.Errorf("AssumeRole %s = %q, want %q", k, got, want)
		}
	}
	if calls[0].AccessKey != id {
		t.Errorf("AssumeRole signed by %q, want the base credentials %s", calls[0].AccessKey, id)
	}
	if call := e.ec2Call(t, c); call.AccessKey == id || call.AccessKey == "" || call.SessionToken == "" {
		t.Errorf("EC2 call signed by %q (token %q): want the role's temporary key, not %s", call.AccessKey, call.SessionToken, id)
	}
}

// TestMFACodeAnswersTheProfilesMFAPrompt: a profile that assumes a role
// with mfa_serial takes mfa_code as its token code; without mfa_code the
// credentials cannot be had, and the error says to set it.
func TestMFACodeAnswersTheProfilesMFAPrompt(t *testing.T) {
	e := newCredEnv(t)
	id, secret := e.iamUser(t, "alice")
	e.write(t, "config", "[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = base\n"+
		"mfa_serial = arn:aws:iam::123456789012:mfa/alice\nrole_session_name = alice-mfa\n")
	e.write(t, "credentials", fmt.Sprintf("[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n", id, secret))
	arn, err := whoAmI(t, AccessConfig{Profile: "deploy", MFACode: "123456"})
	if err != nil || !strings.Contains(arn, "assumed-role/deploy/") {
		t.Fatalf("caller %q, %v: want the deploy role", arn, err)
	}
	calls := e.proxy.Requests("AssumeRole")
	if len(calls) != 1 || calls[0].Params.Get("TokenCode") != "123456" ||
		calls[0].Params.Get("SerialNumber") != "arn:aws:iam::123456789012:mfa/alice" {
		t.Fatalf("AssumeRole calls %+v: want TokenCode 123456 and the profile's mfa_serial", calls)
	}
	_, err = whoAmI(t, AccessConfig{Profile: "deploy"})
	if err == nil || !strings.Contains(err.Error(), "mfa_code") {
		t.Errorf("without mfa_code: %v; want an error naming mfa_code", err)
	}
}
