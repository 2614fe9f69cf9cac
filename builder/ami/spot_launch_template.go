package ami

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// runOnlyFields are the RunInstances parameters a launch template does not
// take, and where the Spot launch puts them instead.
var runOnlyFields = map[string]string{
	"MinCount":              "the fleet's target capacity (1)",
	"MaxCount":              "the fleet's target capacity (1)",
	"ClientToken":           "the fleet's own client token",
	"DryRun":                "not used by the build",
	"SubnetId":              "the fleet's overrides, one per instance type",
	"LaunchTemplate":        "the launch template itself",
	"InstanceMarketOptions": "the fleet's Spot options",
}

// renamedFields are RunInstances parameters a launch template spells
// differently.
var renamedFields = map[string]string{
	"ElasticGpuSpecification": "ElasticGpuSpecifications",
	"RamdiskId":               "RamDiskId",
}

// launchTemplateData is the launch template form of a RunInstances request.
// The Spot step builds the very request the on-demand step sends
// (LaunchSpec.input) and converts it here, so every option of the template
// reaches a Spot instance too, including ones added later: a parameter set
// in the request that a launch template cannot carry is an error naming
// it, never silently dropped. The two APIs describe the same settings with
// twin types whose fields have the same names (BlockDeviceMapping and
// LaunchTemplateBlockDeviceMappingRequest, …), so the conversion copies by
// field name.
func launchTemplateData(in *ec2.RunInstancesInput) (*ec2types.RequestLaunchTemplateData, error) {
	data := &ec2types.RequestLaunchTemplateData{}
	src, dst := reflect.ValueOf(in).Elem(), reflect.ValueOf(data).Elem()
	var dropped []string
	for i := 0; i < src.NumField(); i++ {
		f := src.Type().Field(i)
		if !f.IsExported() || src.Field(i).IsZero() || runOnlyFields[f.Name] != "" {
			continue
		}
		name := f.Name
		if renamed, ok := renamedFields[name]; ok {
			name = renamed
		}
		dropped = append(dropped, carryOver(dst.FieldByName(name), src.Field(i), f.Name)...)
	}
	if len(dropped) > 0 {
		return nil, fmt.Errorf("internal error: the Spot launch template cannot carry %s of the launch request; "+
			"build on demand (remove spot_price) and report this", strings.Join(dropped, ", "))
	}
	return data, nil
}

// carryOver sets dst to src, converting between twin types field by field,
// and returns the path of every set part of src that dst has no place for.
func carryOver(dst, src reflect.Value, path string) []string {
	switch {
	case src.IsZero():
		return nil
	case !dst.IsValid():
		return []string{path}
	case src.Type() == dst.Type():
		dst.Set(src)
		return nil
	case src.Kind() == reflect.Pointer && dst.Kind() == reflect.Pointer:
		dst.Set(reflect.New(dst.Type().Elem()))
		return carryOver(dst.Elem(), src.Elem(), path)
	case src.Kind() == reflect.Slice && dst.Kind() == reflect.Slice:
		dst.Set(reflect.MakeSlice(dst.Type(), src.Len(), src.Len()))
		var dropped []string
		for i := 0; i < src.Len(); i++ {
			dropped = append(dropped, carryOver(dst.Index(i), src.Index(i), fmt.Sprintf("%s[%d]", path, i))...)
		}
		return dropped
	case src.Kind() == reflect.Struct && dst.Kind() == reflect.Struct:
		var dropped []string
		for i := 0; i < src.NumField(); i++ {
			if f := src.Type().Field(i); f.IsExported() {
				dropped = append(dropped, carryOver(dst.FieldByName(f.Name), src.Field(i), path+"."+f.Name)...)
			}
		}
		return dropped
	case src.Kind() == reflect.String && dst.Kind() == reflect.String:
		dst.SetString(src.String()) // twin enum types, e.g. HttpTokensState
		return nil
	}
	return []string{path}
}
