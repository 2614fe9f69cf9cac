// Package ec2wait waits for EC2 state changes and rides out EC2's eventual
// consistency. Every wait in the immutable-ami builder (instance running,
// stopped, terminated; image available; region copies) goes through For.
//
// Why not the AWS SDK's waiters, as amazon-ebs uses them:
//   - their delay starts at a floor of 15 s for instance states (5 s for
//     images) and grows towards 120 s, so a transition that took 20 s is
//     noticed up to 15 s late, and a long one up to two minutes late. A wait
//     here knows how long EC2 takes at least (Expecting): the first wait of
//     each kind probes 1 s in (an emulator changes states at once, and the
//     build learns that, per kind: Pace), then polls first when EC2 could
//     be done, then every 2 s stretching to 1/15 of the time waited: a
//     20/10/40 s build polls about 17 times and notices each change within
//     2 s (schedule.go);
//   - a limit counted in polls shrinks when polls are frequent: limits here
//     are times (aws_polling's max_attempts × delay_seconds, as amazon-ebs
//     users mean it, or a default per kind of wait), and a wait longer than
//     30 s says so at growing intervals, with the limit (notices.go);
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
