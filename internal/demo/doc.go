// Package demo fills an empty store with a believable installation to
// explore: Kwantlen Polytechnic University under its AC15 profile and
// Yukon University under its procedures, each with org units, partners,
// holiday closures, people for every role, committees whose chairs were
// elected, and offerings of every kind taken through the approval engine
// to every step a proposal can wait at.
//
// Nothing is written around the engine: every case is opened with
// sqlstore.Approvals.SubmitProposal and moved with Act, one action by one
// person at a time, at working-day times placed before Options.Now by a
// Clock the store reads. So the demo is also a proof that the shipped
// profiles run end to end, and its audit log reads as a season of real
// committee work.
//
// Populate is deterministic: the same Options.Now on an empty store gives
// the same rows and the same Summary. Passwords and awards are left to
// hooks (Options.SetPassword, Options.Awards), so the package depends on
// neither the account nor the award service.
package demo
