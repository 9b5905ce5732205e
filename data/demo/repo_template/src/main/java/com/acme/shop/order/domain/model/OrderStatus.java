package com.acme.shop.order.domain.model;

/**
 * Lifecycle of an order: CREATED -> PAID, or CREATED -> CANCELLED.
 */
public enum OrderStatus {
    CREATED,
    PAID,
    CANCELLED
}
