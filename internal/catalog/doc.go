// Package catalog turns what provider accounts sell (catalogue items, synced from upstream) into what
// a tenant sells (products with prices per currency and period), with the tenant's extra currencies
// and exchange rates, the import of items as products at a margin, and bulk repricing with a preview.
package catalog
