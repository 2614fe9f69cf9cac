// Package ec2wait waits for EC2 state changes and rides out EC2's eventual
// consistency. Every wait in the immutable-ami builder (instance running,
// stopped, terminated; image available; region copies) goes through For.
//
// Why not the AWS SDK's waiters, as amazon-ebs uses them:
//   - their delay starts at a floor of 15 s for instance states (5 s for
//     images) and grows towards 120 s, so a transition that took 2 s is
//     noticed up to 15 s late, and a long one up to two minutes late;
//     For polls at once, then after 250 ms, growing ×1.5 to a 2 s cap, so a
//     transition is noticed within about 2 s and a 40 s wait costs ~25 calls;
//     after a minute the cap stretches to 1/30 of the time waited (at most
//     10 s), so a 10-minute image wait costs ~115 calls, not ~300;
//   - the v2 ImageAvailable waiter fails on InvalidAMIID.NotFound, which EC2
//     returns for seconds after CreateImage/CopyImage succeeded. For treats
//     NotFound for the awaited ID as "not visible yet" during
//     Options.NotFoundGrace, and Retry does the same for single calls (tags,
//     attributes) made right after a create;
//   - throttling and 5xx errors that survive the SDK's own retries end a
//     waiter; For counts them as one more poll and carries on.
//
// Cancellation (Ctrl-C) ends a wait at once with the context's error.
package ec2wait
