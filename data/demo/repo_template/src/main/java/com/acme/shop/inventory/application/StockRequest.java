package com.acme.shop.inventory.application;

/**
 * One SKU and quantity to reserve, as asked by the order context.
 */
public record StockRequest(String sku, int quantity) {
}
