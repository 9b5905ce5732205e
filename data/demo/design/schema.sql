-- Schema of the `shop` database (MySQL 8.0, InnoDB, utf8mb4) as of Flyway version 3.
-- Owned by order-service; one table per aggregate (plus child tables).
-- Session settings of the production instance: innodb_lock_wait_timeout = 50, transaction_isolation = REPEATABLE-READ.

-- Order context: aggregate Order (com.acme.shop.order.domain.model.Order)
CREATE TABLE orders (
    id            BIGINT         NOT NULL AUTO_INCREMENT,
    order_no      VARCHAR(32)    NOT NULL COMMENT 'business number, e.g. SO202611201405031234',
    customer_id   BIGINT         NOT NULL,
    status        VARCHAR(16)    NOT NULL COMMENT 'CREATED | PAID | CANCELLED',
    total_amount  DECIMAL(12, 2) NOT NULL,
    currency      CHAR(3)        NOT NULL,
    created_at    DATETIME(3)    NOT NULL,
    updated_at    DATETIME(3)    NULL,
    version       BIGINT         NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    UNIQUE KEY uk_orders_order_no (order_no),
    KEY idx_orders_customer (customer_id, created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Order context: entity OrderLine (com.acme.shop.order.domain.model.OrderLine)
CREATE TABLE order_line (
    id          BIGINT         NOT NULL AUTO_INCREMENT,
    order_id    BIGINT         NOT NULL,
    sku         VARCHAR(64)    NOT NULL,
    quantity    INT            NOT NULL,
    unit_price  DECIMAL(12, 2) NOT NULL,
    currency    CHAR(3)        NOT NULL,
    PRIMARY KEY (id),
    KEY idx_order_line_order (order_id),
    CONSTRAINT fk_order_line_order FOREIGN KEY (order_id) REFERENCES orders (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Payment context: aggregate Payment (com.acme.shop.payment.domain.model.Payment)
CREATE TABLE payment (
    id               BIGINT         NOT NULL AUTO_INCREMENT,
    payment_no       VARCHAR(32)    NOT NULL,
    order_no         VARCHAR(32)    NOT NULL,
    amount           DECIMAL(12, 2) NOT NULL,
    currency         CHAR(3)        NOT NULL,
    channel          VARCHAR(16)    NOT NULL,
    status           VARCHAR(16)    NOT NULL COMMENT 'PENDING | SUCCEEDED | FAILED',
    gateway_txn_id   VARCHAR(64)    NULL,
    failure_reason   VARCHAR(255)   NULL,
    idempotency_key  VARCHAR(64)    NULL,
    created_at       DATETIME(3)    NOT NULL,
    updated_at       DATETIME(3)    NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uk_payment_payment_no (payment_no),
    UNIQUE KEY uk_payment_idempotency_key (idempotency_key),
    KEY idx_payment_order_no (order_no)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Inventory context: aggregate InventoryItem (com.acme.shop.inventory.domain.model.InventoryItem)
-- One row per SKU; flash-sale SKUs (SKU-FS-*) are hot rows during a sale.
CREATE TABLE inventory_item (
    id              BIGINT      NOT NULL AUTO_INCREMENT,
    sku             VARCHAR(64) NOT NULL,
    warehouse_code  VARCHAR(16) NULL COMMENT 'shipping warehouse, e.g. WH-SH-01',
    available       INT         NOT NULL,
    reserved        INT         NOT NULL DEFAULT 0,
    version         BIGINT      NOT NULL DEFAULT 0 COMMENT 'optimistic lock (@Version)',
    PRIMARY KEY (id),
    UNIQUE KEY uk_inventory_item_sku (sku)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Inventory context: aggregate StockReservation (com.acme.shop.inventory.domain.model.StockReservation)
CREATE TABLE stock_reservation (
    id          BIGINT      NOT NULL AUTO_INCREMENT,
    order_no    VARCHAR(32) NOT NULL,
    status      VARCHAR(16) NOT NULL COMMENT 'ACTIVE | RELEASED | EXPIRED',
    expires_at  DATETIME(3) NOT NULL,
    created_at  DATETIME(3) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uk_stock_reservation_order_no (order_no),
    KEY idx_stock_reservation_status_expires (status, expires_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Inventory context: value object ReservationLine (com.acme.shop.inventory.domain.model.ReservationLine)
CREATE TABLE stock_reservation_line (
    reservation_id  BIGINT      NOT NULL,
    sku             VARCHAR(64) NOT NULL,
    quantity        INT         NOT NULL,
    KEY idx_stock_reservation_line_reservation (reservation_id),
    CONSTRAINT fk_stock_reservation_line_reservation FOREIGN KEY (reservation_id) REFERENCES stock_reservation (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
