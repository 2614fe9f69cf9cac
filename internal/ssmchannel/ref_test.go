package ssmchannel

import (
	"strings"
	"testing"
)

func TestParseRef(t *testing.T) {
	for in, want := range map[string]Ref{
		"/images/web":         {Name: "/images/web"},
		"/images/web:prod":    {Name: "/images/web", Selector: "prod"},
		"/images/web:7":       {Name: "/images/web", Selector: "7"},
		"web":                 {Name: "web"},
		"/aws/service/x/y:12": {Name: "/aws/service/x/y", Selector: "12"}, // public parameters are readable
	} {
		got, err := ParseRef(in)
		if err != nil || got != want || got.String() != in {
			t.Errorf("ParseRef(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	if v, ok := (Ref{Selector: "7"}).Version(); !ok || v != 7 {
		t.Errorf("Version of 7: %d %v", v, ok)
	}
	if _, ok := (Ref{Selector: "prod"}).Version(); ok {
		t.Error("a label read as a version")
	}
}

func TestParseRefRefusals(t *testing.T) {
	for in, want := range map[string]string{
		"":                                   "empty",
		"images/web":                         "must start with /",
		"/images/web/":                       "ends with /",
		"/images/w eb":                       "only letters",
		"/images/web:":                       "label is empty",
		"/images/web:1prod":                  "neither a version number nor a valid label",
		"/images/web:awsprod":                "reserves",
		"/images/web:a:b":                    "neither a version number nor a valid label",
		"/" + strings.Repeat("a/", 16) + "x": "more than 15 levels",
	} {
		if _, err := ParseRef(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseRef(%q) = %v, want an error saying %q", in, err, want)
		}
	}
	if err := CheckWritable("/aws/mine"); err == nil || !strings.Contains(err.Error(), "reserves") {
		t.Errorf("CheckWritable(/aws/mine) = %v", err)
	}
	if err := CheckWritable("/images/web"); err != nil {
		t.Error(err)
	}
}

func TestParseResolve(t *testing.T) {
	r, ok, err := ParseResolve("resolve:ssm:/images/base:prod")
	if !ok || err != nil || r != (Ref{Name: "/images/base", Selector: "prod"}) {
		t.Errorf("resolve:ssm:/images/base:prod = %+v %v %v", r, ok, err)
	}
	if _, ok, err := ParseResolve("ami-0123456789abcdef0"); ok || err != nil {
		t.Errorf("an AMI ID is not a reference: %v %v", ok, err)
	}
	if _, ok, err := ParseResolve("resolve:ssm:images/base"); !ok || err == nil {
		t.Errorf("a bad name after resolve:ssm: must be an error: %v %v", ok, err)
	}
}

func TestAction(t *testing.T) {
	for desc, want := range map[string]string{
		describe("build", "immutable-ami.web"): "build",
		describe("rollback", "to version 2"):   "rollback",
		describe("revert", ""):                 "revert",
		"written by hand":                      "",
	} {
		if got := (Version{Description: desc}).Action(); got != want {
			t.Errorf("Action of %q = %q, want %q", desc, got, want)
		}
	}
}
