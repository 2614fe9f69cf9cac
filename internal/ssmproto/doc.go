// Package ssmproto speaks the data-channel protocol of AWS Systems Manager
// Session Manager, both sides of it: the client's (internal/ssmtunnel, in
// the plugin) and the agent's (internal/localssm, the local stand-in).
//
// A session's data channel is a websocket. The client first sends its
// token as a JSON text frame (OpenDataChannelInput); from then on both
// sides exchange binary Messages: each side numbers the stream messages it
// sends (input_stream_data from the client, output_stream_data from the
// agent) from 0, the receiver acknowledges each one, and the sender sends
// again what stays unacknowledged. Channel does the numbering,
// acknowledging, reordering and resending; the payloads (handshake, port
// data, flags) are the caller's.
//
// The wire format was learned from AWS's session-manager-plugin and
// amazon-ssm-agent (Apache-2.0) and written anew here.
package ssmproto
