// Package grade grades a learner's server, written in any language, against
// one chapter's contract, by talking to it over loopback TCP the way the lab
// proxy would: messages written whole, cut at every byte, cut at random,
// merged, pipelined by the thousand, oversized, malformed, trickled, and
// interrupted. It is `lab grade` (see docs/grade.md).
//
// Start with Run and Config. A Stage (stages.go) is a chapter's contract: a
// list of checks, each a function that opens its own connections and returns
// a *Failure (failure.go) that shows the bytes sent, the cuts, what was
// expected and what came back. The server is reached through a target
// (target.go), either a program the grader starts (process.go) or one
// already running.
package grade
