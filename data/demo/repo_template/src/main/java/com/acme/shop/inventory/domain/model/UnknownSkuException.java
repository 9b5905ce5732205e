package com.acme.shop.inventory.domain.model;

import com.acme.shop.shared.domain.DomainException;

/**
 * The SKU has no inventory record.
 */
public class UnknownSkuException extends DomainException {

    public UnknownSkuException(String sku) {
        super("inventory.unknown-sku", "Unknown SKU " + sku);
    }
}
