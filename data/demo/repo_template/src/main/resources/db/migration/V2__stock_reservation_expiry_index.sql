-- The expiry job scans active reservations by expiry time every minute.
CREATE INDEX idx_stock_reservation_status_expires ON stock_reservation (status, expires_at);
