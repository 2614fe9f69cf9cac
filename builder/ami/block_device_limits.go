package ami

import "slices"

// volumeLimits are EBS's documented limits for one volume type (EC2 API
// reference, CreateVolume and EbsBlockDevice, API version 2016-11-15 as of
// aws-sdk-go-v2 service/ec2 v1.344: gp3 up to 80,000 IOPS, 2,000 MiB/s and
// 64 TiB since 2025). IOPS per GiB caps the IOPS of a volume of a given
// size: gp3 500, io1 50, io2 1,000.
type volumeLimits struct {
	minGiB, maxGiB     int64
	minIOPS, maxIOPS   int32 // 0: iops does not apply
	iopsRequired       bool
	iopsPerGiB         int32
	minMiBps, maxMiBps int32 // 0: throughput does not apply
}

var ebsLimits = map[string]volumeLimits{
	"gp2":      {minGiB: 1, maxGiB: 16384},
	"gp3":      {minGiB: 1, maxGiB: 65536, minIOPS: 3000, maxIOPS: 80000, iopsPerGiB: 500, minMiBps: 125, maxMiBps: 2000},
	"io1":      {minGiB: 4, maxGiB: 16384, minIOPS: 100, maxIOPS: 64000, iopsRequired: true, iopsPerGiB: 50},
	"io2":      {minGiB: 4, maxGiB: 65536, minIOPS: 100, maxIOPS: 256000, iopsRequired: true, iopsPerGiB: 1000},
	"st1":      {minGiB: 125, maxGiB: 16384},
	"sc1":      {minGiB: 125, maxGiB: 16384},
	"standard": {minGiB: 1, maxGiB: 1024},
}

// limitErrors checks size, iops and throughput against the type's limits;
// bad reports one problem (the caller prefixes the attribute).
func (b *BlockDevice) limitErrors(bad func(string, ...any)) {
	l, ok := ebsLimits[b.VolumeType]
	if !ok {
		if b.IOPS != 0 || b.Throughput != 0 {
			bad("iops and throughput need a volume_type that has them: %v (throughput: gp3)", iopsTypes())
		}
		return
	}
	if b.VolumeSize != 0 && (b.VolumeSize < l.minGiB || b.VolumeSize > l.maxGiB) {
		bad("volume_size %d GiB is out of range for volume_type %s: %d to %d GiB", b.VolumeSize, b.VolumeType, l.minGiB, l.maxGiB)
	}
	b.iopsErrors(l, bad)
	switch {
	case b.Throughput != 0 && l.maxMiBps == 0:
		bad("throughput applies only to volume_type gp3")
	case b.Throughput != 0 && (b.Throughput < l.minMiBps || b.Throughput > l.maxMiBps):
		bad("throughput %d MiB/s is out of range for volume_type %s: %d to %d MiB/s", b.Throughput, b.VolumeType, l.minMiBps, l.maxMiBps)
	}
}

func (b *BlockDevice) iopsErrors(l volumeLimits, bad func(string, ...any)) {
	switch {
	case b.IOPS == 0 && l.iopsRequired:
		bad("volume_type %s needs iops (%d to %d)", b.VolumeType, l.minIOPS, l.maxIOPS)
	case b.IOPS == 0:
	case l.maxIOPS == 0:
		bad("iops applies only to volume_type %v", iopsTypes())
	case b.IOPS < l.minIOPS || b.IOPS > l.maxIOPS:
		bad("iops %d is out of range for volume_type %s: %d to %d", b.IOPS, b.VolumeType, l.minIOPS, l.maxIOPS)
	case b.VolumeSize > 0 && int64(b.IOPS) > int64(l.iopsPerGiB)*b.VolumeSize:
		bad("iops %d is more than volume_type %s allows for %d GiB (%d per GiB): raise volume_size or lower iops",
			b.IOPS, b.VolumeType, b.VolumeSize, l.iopsPerGiB)
	}
}

func iopsTypes() []string {
	var types []string
	for t, l := range ebsLimits {
		if l.maxIOPS > 0 {
			types = append(types, t)
		}
	}
	slices.Sort(types)
	return types
}
