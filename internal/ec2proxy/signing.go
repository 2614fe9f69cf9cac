package ec2proxy

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// SetCredentials tells the proxy an access key's secret. moto checks
// signatures only when it enforces IAM (INITIAL_NO_AUTH_ACTION_COUNT);
// then a call a hook rewrote is signed again with the caller's own key,
// so moto still authorizes it as the caller. With admin, the proxy's own
// calls (bookkeeping, emulating what moto lacks) use this key too. The
// key "test" (secret "test") is known from the start.
func (p *Proxy) SetCredentials(accessKey, secret string, admin bool) {
	p.keyMu.Lock()
	defer p.keyMu.Unlock()
	p.secrets[accessKey] = secret
	if admin {
		p.admin = accessKey
	}
}

func (p *Proxy) secret(key string) (string, bool) {
	p.keyMu.Lock()
	defer p.keyMu.Unlock()
	s, ok := p.secrets[key]
	return s, ok
}

// resign returns the call's headers signed again for body. A key whose
// secret the proxy was not told keeps its old signature: moto checks none
// unless it enforces IAM, and then answers for the mismatch itself.
func (p *Proxy) resign(c *Call, body []byte) (http.Header, error) {
	secret, ok := p.secret(c.AccessKey)
	if !ok {
		h := c.header.Clone()
		h.Del("Content-Length")
		return h, nil
	}
	req, err := http.NewRequest(http.MethodPost, p.target+c.path, strings.NewReader(string(body)))
	if err != nil {
		return nil, err
	}
	for k, vs := range c.header {
		switch http.CanonicalHeaderKey(k) {
		case "Authorization", "X-Amz-Date", "Content-Length":
		default:
			req.Header[k] = vs
		}
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: c.AccessKey, SecretAccessKey: secret, SessionToken: c.header.Get("X-Amz-Security-Token")}
	if err := v4.NewSigner().SignHTTP(c.context(), creds, req, hex.EncodeToString(sum[:]), c.Service, c.Region, time.Now()); err != nil {
		return nil, err
	}
	return req.Header, nil
}

// own is an EC2 client straight to moto with the admin key, for the
// proxy's own calls in region.
func (p *Proxy) own(region string) *ec2.Client {
	if region == "" {
		region = "us-east-1"
	}
	p.keyMu.Lock()
	key := p.admin
	secret := p.secrets[key]
	p.keyMu.Unlock()
	return ec2.New(ec2.Options{Region: region, BaseEndpoint: aws.String(p.target),
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, "")})
}

// unauthorized turns moto's refusal of an EC2 call for lack of permission
// (AccessDenied, in IAM's form) into EC2's own: UnauthorizedOperation,
// naming the action, in EC2's error format.
func (p *Proxy) unauthorized(c *Call, status int, body []byte) *Answer {
	if c.Service != "ec2" || status != http.StatusForbidden || !strings.Contains(string(body), "AccessDenied") {
		return nil
	}
	msg := Element(body, "Message")
	if msg == "" {
		msg = "is not authorized to perform: ec2:" + c.Action
	}
	return ErrorAnswer(http.StatusForbidden, "UnauthorizedOperation", "You are not authorized to perform this operation. "+msg)
}
