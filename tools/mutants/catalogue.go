package main

// catalogue is every break, area by area. To add one: make the break by
// hand in a scratch copy, check that it builds and that the test you name
// fails, then write it here as the smallest Find/Replace that makes it
// (Find must occur once in its file). Issue numbers in Promise (#15) say
// where the promise was made.
func catalogue() []Break {
	var all []Break
	for _, area := range [][]Break{
		tfvarsfileBreaks(), commandBreaks(), postProcessorBreaks(),
		builderSecurityBreaks(), builderSourceBreaks(), builderCleanupBreaks(), builderStraysBreaks(),
		builderImageBreaks(), builderImageStrictBreaks(), builderIAMBreaks(),
		setupBreaks(), setupUbuntuBreaks(), connectBreaks(), optionsBreaks(), sharedBreaks(), localcloudBreaks(), instancesBreaks(), lifecycleBreaks(),
	} {
		all = append(all, area...)
	}
	return all
}

// one is a break of a single edit.
func one(name, area, promise, file, find, replace string, tests ...Test) Break {
	return Break{Name: name, Area: area, Promise: promise, Edits: []Edit{{file, find, replace}}, Tests: tests}
}
