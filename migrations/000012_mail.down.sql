DROP TABLE email_templates;
ALTER TABLE orders DROP COLUMN expiry_notified_days;
DROP TABLE email_messages;
