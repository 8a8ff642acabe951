DROP TABLE product_prices;
DROP TABLE products;
DROP TABLE catalog_items;
DROP TABLE provider_calls;
DROP TABLE provider_leases;
DROP TABLE provider_limits;
DROP TABLE provider_accounts;
DROP TABLE tenant_currencies;
