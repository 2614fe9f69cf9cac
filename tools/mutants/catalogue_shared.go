package main

// sharedBreaks break the packages every component relies on: waits on EC2,
// AWS names, AWS access and secrets in logs (#3, #10).
func sharedBreaks() []Break {
	const w = "internal/ec2wait"
	return []Break{
		one("wait-ignores-cancel", "ec2wait", "every wait stops at once on cancellation (Ctrl-C) (#3)",
			w+"/options.go", `case <-ctx.Done():
		return ctx.Err()
	case <-t.C:`, `case <-t.C:`,
			quick(w, "TestSleepStopsAtOnceOnCancel"), quick(w, "TestForStopsAtOnceOnCancel")),
		one("wait-notfound-fatal", "ec2wait", "NotFound for an ID just created means 'not visible yet' for a bounded time (#3)",
			w+"/wait.go", `return inGrace && IsNotFound(err)`, `return false`,
			quick(w, "TestForToleratesNotFoundInGraceAndTransientErrors")),
		one("wait-notfound-forever", "ec2wait", "NotFound is tolerated only during the grace period, then the wait fails (#3)",
			w+"/wait.go", `return inGrace && IsNotFound(err)`, `return IsNotFound(err)`,
			quick(w, "TestForFailsOnNotFoundAfterTheGrace"), quick(w, "TestForToleratesNotFoundInGraceAndTransientErrors")),
		one("wait-transient-fatal", "ec2wait", "throttling and 5xx during a wait are retried (#3)",
			w+"/wait.go", `if IsTransient(err) {
		return true
	}`, `if IsTransient(err) && false {
		return true
	}`,
			quick(w, "TestForToleratesNotFoundInGraceAndTransientErrors")),
		one("wait-max-attempts-ignored", "ec2wait", "aws_polling max_attempts / AWS_MAX_ATTEMPTS bound a wait (#3)",
			w+"/wait.go", `if o.MaxAttempts > 0 && attempt >= o.MaxAttempts {`, `if false {`,
			quick(w, "TestForErrors")),
		one("wait-grows-too-fast", "ec2wait", "polls start at once and grow gently (x1.5) to the cap, noticing a transition within ~2 s (#3)",
			w+"/schedule.go", `s.delay = min(time.Duration(float64(s.delay)*s.o.Factor), s.o.capAt(elapsed+pause))`,
			`s.delay = min(time.Duration(float64(s.delay)*s.o.Factor*4), s.o.capAt(elapsed+pause))`,
			quick(w, "TestForPollsAtOnceThenGrowsGentlyToTheCap")),
		{Name: "pace-shared-by-kinds", Area: "ec2wait",
			Promise: "each kind of wait learns the endpoint's pace on its own: a slow boot does not delay the poll of an image made at once (#12)",
			Edits: []Edit{
				{w + "/schedule.go", "if fast, ok := p.fast[expect]; ok {", "if fast, ok := p.fast[0]; ok {"},
				{w + "/schedule.go", "p.fast[expect] = fast", "p.fast[0] = fast"},
			},
			Tests: []Test{quick(w, "TestEachKindOfWaitLearnsItsOwnPace")}},
		one("ami-id-any-length", "awsid", "an AMI ID is ami- and 8 or 17 lowercase hex digits, wherever one is checked (#2)",
			"internal/awsid/ami_id.go", `^ami-[0-9a-f]{8}([0-9a-f]{9})?$`, `^ami-[0-9a-f]{8,17}$`,
			quick("internal/awsid", "TestIsAMIID")),
		one("max-retries-ignored", "awsaccess", "max_retries sets the SDK's retries of throttled and 5xx calls (#3)",
			"internal/awsaccess/retryer.go", `o.MaxAttempts = c.MaxRetries + 1`, `o.MaxAttempts = 3`,
			quick("internal/awsaccess", "TestRetryerFollowsMaxRetries")),
		one("credentials-logged", "awsaccess", "the AWS secret key and session token never reach a log (#10)",
			"internal/awsaccess/credentials.go", `logsecret.Register(creds.SecretAccessKey, creds.SessionToken)`,
			`_ = logsecret.Register`,
			quick("internal/awsaccess", "TestCredentialsAreMaskedInLogs")),
		one("quoted-secret-logged", "logsecret", "a secret's lines are masked even where a log quotes the secret (#10)",
			"internal/logsecret/logsecret.go", `var GeneratedKeys = []string{"SSHPrivateKey", "Password", "WinRMPassword"}`,
			`var GeneratedKeys = []string{"Password", "WinRMPassword"}`,
			quick("internal/logsecret", "TestGeneratedSecretsAreMaskedEvenWhenQuoted"),
			quick("post-processor/tfvars", "TestPostProcessLogsNoSecretOfTheGeneratedData")),
	}
}
