package com.acme.shop.inventory.domain.model;

import com.acme.shop.shared.domain.DomainException;

/**
 * Not enough sellable stock for a SKU; the order is rejected.
 */
public class InsufficientStockException extends DomainException {

    public InsufficientStockException(String sku, int requested, int available) {
        super("inventory.insufficient", "Insufficient stock for " + sku + ": requested " + requested + ", available " + available);
    }
}
