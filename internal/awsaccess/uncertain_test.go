package awsaccess

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// fakeEC2 answers EC2 Query calls: the first call of each action in
// failFirst gets a 503 (which the SDK retries), every other a minimal
// success.
func fakeEC2(t *testing.T, failFirst ...string) string {
	var mu sync.Mutex
	failed := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		action := r.Form.Get("Action")
		mu.Lock()
		fail := !failed[action] && strings.Contains(" "+strings.Join(failFirst, " ")+" ", " "+action+" ")
		failed[action] = failed[action] || fail
		mu.Unlock()
		if fail {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`<Response><Errors><Error><Code>Unavailable</Code><Message>try again</Message></Error></Errors></Response>`))
			return
		}
		_, _ = w.Write([]byte(`<` + action + `Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><return>true</return></` + action + `Response>`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func uncertainAfter(t *testing.T, endpoint string, calls func(context.Context, *ec2.Client)) bool {
	t.Helper()
	offlineAWSEnv(t)
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	clients := NewClients(&AccessConfig{RawRegion: "us-east-1", MaxRetries: 3})
	c, err := clients.EC2(context.Background(), "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	calls(context.Background(), c)
	return clients.CreatesUncertain()
}

// TestCreatesUncertainOnlyWhenACreateWasRetriedOrFailed: a create answered
// at its first attempt, or a Describe retried, leaves the build certain of
// what it made; a create the SDK sent twice (its first answer lost) or
// one that failed does not (the stray sweep then looks).
func TestCreatesUncertainOnlyWhenACreateWasRetriedOrFailed(t *testing.T) {
	deleteGroup := func(ctx context.Context, c *ec2.Client) {
		_, _ = c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String("sg-1")})
	}
	createTags := func(ctx context.Context, c *ec2.Client) {
		if _, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{"ami-1"}, Tags: []types.Tag{{Key: aws.String("k")}}}); err != nil {
			t.Fatalf("CreateTags: %v", err)
		}
	}
	if uncertainAfter(t, fakeEC2(t), createTags) {
		t.Error("a create answered at once made the build uncertain")
	}
	if uncertainAfter(t, fakeEC2(t, "DeleteSecurityGroup"), deleteGroup) {
		t.Error("a retried delete made the build uncertain")
	}
	if !uncertainAfter(t, fakeEC2(t, "CreateTags"), createTags) {
		t.Error("a create sent twice left the build certain")
	}
}
