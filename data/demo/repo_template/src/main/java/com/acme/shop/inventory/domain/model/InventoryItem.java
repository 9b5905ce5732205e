package com.acme.shop.inventory.domain.model;

import com.acme.shop.shared.domain.DomainException;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * Aggregate root of the inventory context: sellable stock of one SKU. Invariant: available and
 * reserved never go negative; available + reserved only changes when stock is received or shipped.
 */
@Entity
@Table(name = "inventory_item")
public class InventoryItem {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, unique = true, length = 64)
    private String sku;
//@@since warehouse-code

    @Column(name = "warehouse_code", length = 16)
    private String warehouseCode;
//@@end

    @Column(nullable = false)
    private int available;

    @Column(nullable = false)
    private int reserved;

    /** Optimistic lock: concurrent reservations of the same SKU conflict at commit. */
    @Version
    private long version;

    protected InventoryItem() {
    }

    public InventoryItem(String sku, int available) {
        this.sku = sku;
        this.available = available;
    }

    public void reserve(int quantity) {
        if (quantity <= 0) {
            throw new DomainException("inventory.quantity", "Quantity must be positive for " + sku);
        }
        if (available < quantity) {
            throw new InsufficientStockException(sku, quantity, available);
        }
        available -= quantity;
        reserved += quantity;
    }

    public void release(int quantity) {
        int released = Math.min(quantity, reserved);
        reserved -= released;
        available += released;
    }

    public Long getId() {
        return id;
    }

    public String getSku() {
        return sku;
    }
//@@since warehouse-code

    public String getWarehouseCode() {
        return warehouseCode;
    }
//@@end

    public int getAvailable() {
        return available;
    }

    public int getReserved() {
        return reserved;
    }
}
