package com.acme.shop.inventory.domain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InventoryItemTest {

    @Test
    void reserveMovesStockFromAvailableToReserved() {
        InventoryItem item = new InventoryItem("SKU-100231", 5);
        item.reserve(2);

        assertThat(item.getAvailable()).isEqualTo(3);
        assertThat(item.getReserved()).isEqualTo(2);
    }

    @Test
    void cannotReserveMoreThanAvailable() {
        InventoryItem item = new InventoryItem("SKU-FS-1001", 1);

        assertThatThrownBy(() -> item.reserve(2)).isInstanceOf(InsufficientStockException.class);
    }

    @Test
    void releaseNeverGoesBelowZero() {
        InventoryItem item = new InventoryItem("SKU-100231", 5);
        item.reserve(1);
        item.release(3);

        assertThat(item.getAvailable()).isEqualTo(5);
        assertThat(item.getReserved()).isZero();
    }
}
