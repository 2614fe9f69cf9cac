package ssmproto

import "time"

// Options tune a Channel; the zero value means the defaults.
type Options struct {
	// Window is how many sent stream messages may await acknowledgement
	// before Send blocks. Default 1000 (with 1 KiB payloads, 1 MiB).
	Window int
	// ResendTick is how often unacknowledged messages are looked at.
	// Default 100 ms.
	ResendTick time.Duration
	// GiveUpAfter ends the channel when a message stays unacknowledged
	// this long. Default 5 minutes.
	GiveUpAfter time.Duration
}

func (o Options) withDefaults() Options {
	if o.Window <= 0 {
		o.Window = 1000
	}
	if o.ResendTick <= 0 {
		o.ResendTick = 100 * time.Millisecond
	}
	if o.GiveUpAfter <= 0 {
		o.GiveUpAfter = 5 * time.Minute
	}
	return o
}
