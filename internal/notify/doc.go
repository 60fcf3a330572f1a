// Package notify delivers the notifications that cairn queues in its
// outbox (sqlstore's notifications table): reminders before a deadline,
// escalations after it, requests for action.
//
// A Sender delivers one Message. LogSender, the default, writes a log line
// instead of mail, so an installation works before anyone configures mail;
// SMTPSender submits mail to the relay an administrator configures, over
// STARTTLS.
//
// A Worker drains the outbox: it claims a batch of due notifications under
// a lease, sends each and records the outcome. The store hands a
// notification to one claim at a time, also across several cairn processes
// on one PostgreSQL database, and takes a sent one out of the queue, so each
// notification is sent once. The one gap is a crash (or a lost database
// connection) between the relay accepting a message and the store
// recording it: the notification is then sent again when its lease
// expires. Every send of one notification carries the same Message-ID
// header, derived from the notification's id, so the resend is
// recognisable as a duplicate.
package notify
