package com.acme.shop.inventory.domain.model;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/**
 * Value object: quantity of one SKU held by a reservation.
 */
@Embeddable
public record ReservationLine(
        @Column(name = "sku", nullable = false, length = 64) String sku,
        @Column(name = "quantity", nullable = false) int quantity) {
}
