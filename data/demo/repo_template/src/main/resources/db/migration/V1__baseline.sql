-- Baseline taken from the monolith schema at 1.3.x (MySQL 8, InnoDB, utf8mb4).

CREATE TABLE orders (
    id            BIGINT       NOT NULL AUTO_INCREMENT,
    order_no      VARCHAR(32)  NOT NULL,
    customer_id   BIGINT       NOT NULL,
    status        VARCHAR(16)  NOT NULL,
    total_amount  DECIMAL(12, 2) NOT NULL,
    currency      CHAR(3)      NOT NULL,
    created_at    DATETIME(3)  NOT NULL,
    updated_at    DATETIME(3)  NULL,
    version       BIGINT       NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    UNIQUE KEY uk_orders_order_no (order_no),
    KEY idx_orders_customer (customer_id, created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

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

CREATE TABLE payment (
    id               BIGINT         NOT NULL AUTO_INCREMENT,
    payment_no       VARCHAR(32)    NOT NULL,
    order_no         VARCHAR(32)    NOT NULL,
    amount           DECIMAL(12, 2) NOT NULL,
    currency         CHAR(3)        NOT NULL,
    channel          VARCHAR(16)    NOT NULL,
    status           VARCHAR(16)    NOT NULL,
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

CREATE TABLE inventory_item (
    id         BIGINT      NOT NULL AUTO_INCREMENT,
    sku        VARCHAR(64) NOT NULL,
    available  INT         NOT NULL,
    reserved   INT         NOT NULL DEFAULT 0,
    version    BIGINT      NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    UNIQUE KEY uk_inventory_item_sku (sku)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE stock_reservation (
    id          BIGINT      NOT NULL AUTO_INCREMENT,
    order_no    VARCHAR(32) NOT NULL,
    status      VARCHAR(16) NOT NULL,
    expires_at  DATETIME(3) NOT NULL,
    created_at  DATETIME(3) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uk_stock_reservation_order_no (order_no)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE stock_reservation_line (
    reservation_id  BIGINT      NOT NULL,
    sku             VARCHAR(64) NOT NULL,
    quantity        INT         NOT NULL,
    KEY idx_stock_reservation_line_reservation (reservation_id),
    CONSTRAINT fk_stock_reservation_line_reservation FOREIGN KEY (reservation_id) REFERENCES stock_reservation (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
