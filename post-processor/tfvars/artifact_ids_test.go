package tfvars

import (
	"maps"
	"strings"
	"testing"
)

func TestParseImages(t *testing.T) {
	cases := []struct {
		id   string
		want map[string]string // nil = error
	}{
		{"us-east-1:" + east, map[string]string{"us-east-1": east}},
		// The `cut -d: -f2` trap: "ami-…,us-west-2" is not an image ID.
		{"us-east-1:" + east + ",us-west-2:" + west, map[string]string{"us-east-1": east, "us-west-2": west}},
		{" us-east-1:" + east + " , us-west-2:" + west + " ", map[string]string{"us-east-1": east, "us-west-2": west}},
		{"us-east-1:ami-12345678", map[string]string{"us-east-1": "ami-12345678"}},
		{east, nil},
		{"", nil},
		{":" + east, nil},
		{"us-east-1:" + east + ",", nil},
		{"us-east-1:" + east + ",us-east-1:" + west, nil},
		{"us-east-1:ami-XYZ", nil},
	}
	for _, c := range cases {
		got, err := parseImages(c.id)
		if (c.want == nil) != (err != nil) || !maps.Equal(got, c.want) {
			t.Errorf("parseImages(%q) = %v, %v; want %v", c.id, got, err, c.want)
		}
	}
}

func TestBuildRegion(t *testing.T) {
	two := map[string]string{"us-east-1": east, "us-west-2": west}
	one := map[string]string{"eu-west-1": east}
	cases := []struct {
		configured string
		generated  map[string]string
		images     map[string]string
		want, err  string
	}{
		{"", map[string]string{"BuildRegion": "us-west-2"}, two, "us-west-2", ""},
		{"us-east-1", map[string]string{"BuildRegion": "us-west-2"}, two, "us-east-1", ""},
		{"", nil, one, "eu-west-1", ""},
		{"", nil, two, "", "2 regions (us-east-1, us-west-2)"},
		{"eu-central-1", nil, two, "", "region is eu-central-1, but the artifact has images only in us-east-1, us-west-2"},
		{"", map[string]string{"BuildRegion": "ap-south-1"}, one, "", "BuildRegion is ap-south-1"},
	}
	for _, c := range cases {
		got, err := buildRegion(c.configured, c.generated, c.images)
		if got != c.want || (c.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("buildRegion(%q, %v) = %q, %v; want %q, %q", c.configured, c.generated, got, err, c.want, c.err)
		}
	}
}

// Through Packer's plugin RPC, generated data arrives as
// map[interface{}]interface{}; in-process as map[string]interface{}.
func TestGeneratedDataShapes(t *testing.T) {
	for _, gd := range []interface{}{
		map[string]interface{}{"BuildRegion": "us-west-2", "SourceAMI": "ami-1", "Other": 3},
		map[interface{}]interface{}{"BuildRegion": "us-west-2", "SourceAMI": []byte("ami-1"), 4: "x"},
		map[string]string{"BuildRegion": "us-west-2", "SourceAMI": "ami-1"},
	} {
		got := generatedData(&ebsArtifact{generated: gd})
		if got["BuildRegion"] != "us-west-2" || got["SourceAMI"] != "ami-1" {
			t.Errorf("generatedData(%#v) = %v", gd, got)
		}
	}
	if got := generatedData(&ebsArtifact{}); len(got) != 0 {
		t.Errorf("no generated data: %v", got)
	}
}
