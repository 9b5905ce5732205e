-- Flash-sale SKUs are shipped from a single warehouse; remember which one.
ALTER TABLE inventory_item ADD COLUMN warehouse_code VARCHAR(16) NULL AFTER sku;
UPDATE inventory_item SET warehouse_code = 'WH-SH-01' WHERE sku LIKE 'SKU-FS-%';
