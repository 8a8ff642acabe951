// Package account holds the people and keys of a tenant: staff users with their roles, platform
// operators, the reseller's clients, and API keys for billing systems; with argon2id passwords and
// API keys that are stored as hashes and shown once.
package account
