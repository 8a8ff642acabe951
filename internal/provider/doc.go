// Package provider is the boundary to upstream certificate providers: the core interface every
// adapter implements, optional capability interfaces found by type assertion, the capability set the
// UI and API read, a registry keyed by provider name, the error classes and their one mapping, and the
// log of upstream calls. One package per upstream lives below it (enom, hexonet, sectigo, sandbox),
// each with a simulator that speaks the real wire format.
package provider
