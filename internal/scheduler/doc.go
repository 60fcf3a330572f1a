// Package scheduler runs the approval engine's time-driven work: what falls
// due because the clock moved rather than because someone acted.
//
// A Sweeper goes through every institution that has a policy profile and
// sends the reminders and escalations due on its open approval cases
// (working-day deadlines, AC15 B.1.d.iii and B.1.d.iii.1.b), creates the
// annual review tasks due (AC15 B.1.g, Yukon 4.4), flags the offerings not
// offered for the discontinuance rule's period (AC15 B.1.g) and reminds
// the holder of a policy document whose review falls due (Yukon 7). It
// then hands the notification outbox to a notify.Worker.
//
// Every piece of that work is idempotent and safe to run concurrently: the
// store records that a reminder, escalation, task or flag was made in the
// same transaction that queues its notice, and a notice carries a key the
// outbox accepts once. So several cairn processes on one PostgreSQL
// database may each run a Sweeper, and each notice is still queued, and
// sent, once.
package scheduler
