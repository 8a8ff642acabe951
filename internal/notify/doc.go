// Package notify tells the outside world about orders: it keeps the event feed billing systems poll,
// and delivers each event to the tenant's webhook endpoints, signed per Standard Webhooks, by River
// jobs enqueued in the same transaction as the order change that causes them.
package notify
