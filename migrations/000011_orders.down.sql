DROP TABLE issuances;
DROP TABLE orders;
