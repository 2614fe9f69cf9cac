package ssmchannel

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

func deleteInput(name string) *ssm.DeleteParameterInput {
	return &ssm.DeleteParameterInput{Name: aws.String(name)}
}

func lockInput(name, value string) *ssm.PutParameterInput {
	return &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String(value), Type: ssmtypes.ParameterTypeString}
}
