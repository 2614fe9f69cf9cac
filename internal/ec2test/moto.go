// Package ec2test starts a local EC2 endpoint (moto_server) for tests and
// gives them clients to assert on what a build left behind. It is imported by
// tests only; nothing here is linked into the plugin binary.
package ec2test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/packertest"
)

// DefaultRegion is the region tests use unless they say otherwise.
const DefaultRegion = "us-east-1"

// Moto is a running moto_server on a loopback port, stopped by PID when the
// test that started it ends.
type Moto struct {
	// URL is the endpoint, e.g. http://127.0.0.1:40123.
	URL string
	cmd *exec.Cmd
}

// Start launches moto_server seeded with localcloud/amis.json and waits until
// it answers. The seed list carries no creation_date: moto 5.2.1 parses that
// key in place in its module-level list, so the second region (or a backend
// re-created by Reset) fails on its own datetime with HTTP 500. All seed
// images therefore share one creation date, and most_recent falls back to the
// name, which for Canonical images ends in the build date. The test fails (never skips) when moto_server is missing.
func Start(t testing.TB) *Moto {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		t.Fatalf("moto_server not found on PATH (install moto[server] for Python 3): %v", err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatalf("choosing a free port for moto: %v", err)
	}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Env = append(os.Environ(), "MOTO_AMIS_PATH="+AMIsPath(t))
	logFile, err := os.Create(filepath.Join(t.TempDir(), "moto.log"))
	if err != nil {
		t.Fatalf("creating moto log: %v", err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting moto_server: %v", err)
	}
	m := &Moto{URL: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		_ = logFile.Close()
	})
	if err := m.waitReady(30 * time.Second); err != nil {
		log, _ := os.ReadFile(logFile.Name())
		t.Fatalf("moto_server did not answer on %s: %v\n%s", m.URL, err, log)
	}
	return m
}

// AMIsPath is the absolute path of localcloud/amis.json, the image list moto
// is seeded with, under the module root (packertest.RepoRoot).
func AMIsPath(t testing.TB) string {
	t.Helper()
	return filepath.Join(packertest.RepoRoot(t), "localcloud", "amis.json")
}

// Reset clears all of moto's state (instances, images, key pairs …).
func (m *Moto) Reset(t testing.TB) {
	t.Helper()
	resp, err := http.Post(m.URL+"/moto-api/reset", "application/json", nil)
	if err != nil {
		t.Fatalf("resetting moto: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("resetting moto: HTTP %d", resp.StatusCode)
	}
}

// Env is the environment a process (packer, terraform, the builder) needs to
// talk to this moto and never to real AWS.
func (m *Moto) Env() []string {
	return []string{
		"AWS_ENDPOINT_URL=" + m.URL,
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_REGION=" + DefaultRegion,
		"AWS_DEFAULT_REGION=" + DefaultRegion,
		"AWS_CONFIG_FILE=" + os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
	}
}

// SetEnv applies Env to the current test process (t.Setenv restores it).
func (m *Moto) SetEnv(t *testing.T) {
	t.Helper()
	for _, kv := range m.Env() {
		for i := 0; i < len(kv); i++ {
			if kv[i] == '=' {
				t.Setenv(kv[:i], kv[i+1:])
				break
			}
		}
	}
}

// EC2 is a client for assertions against this moto in region.
func (m *Moto) EC2(t testing.TB, region string) *ec2.Client {
	t.Helper()
	return ec2.New(ec2.Options{
		Region:       region,
		BaseEndpoint: aws.String(m.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
}

// IAM is an IAM client for assertions against this moto.
func (m *Moto) IAM(t testing.TB) *iam.Client {
	t.Helper()
	return iam.New(iam.Options{
		Region:       DefaultRegion,
		BaseEndpoint: aws.String(m.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
}

func (m *Moto) waitReady(limit time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		resp, err := client.Get(m.URL + "/moto-api/")
		if err == nil {
			_ = resp.Body.Close()
			return nil
		}
		if m.cmd.ProcessState != nil {
			return fmt.Errorf("moto_server exited: %s", m.cmd.ProcessState)
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
