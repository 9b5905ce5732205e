package com.acme.shop.inventory.interfaces.rest;

import com.acme.shop.inventory.domain.model.InventoryItem;
import com.acme.shop.inventory.domain.model.UnknownSkuException;
import com.acme.shop.inventory.domain.repository.InventoryItemRepository;
//@@since warehouse-client
import com.acme.shop.inventory.infrastructure.WarehouseClient;
//@@end
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Read-only stock queries for the storefront.
 */
@RestController
@RequestMapping("/api/inventory")
public class InventoryController {

    private final InventoryItemRepository inventoryItemRepository;
//@@since warehouse-client
    private final WarehouseClient warehouseClient;
//@@end

//@@until warehouse-client
    public InventoryController(InventoryItemRepository inventoryItemRepository) {
        this.inventoryItemRepository = inventoryItemRepository;
    }
//@@end
//@@since warehouse-client
    public InventoryController(InventoryItemRepository inventoryItemRepository, WarehouseClient warehouseClient) {
        this.inventoryItemRepository = inventoryItemRepository;
        this.warehouseClient = warehouseClient;
    }
//@@end

    @GetMapping("/{sku}")
    public InventoryView get(@PathVariable String sku) {
        InventoryItem item = inventoryItemRepository.findBySku(sku).orElseThrow(() -> new UnknownSkuException(sku));
        return new InventoryView(item.getSku(), item.getAvailable(), item.getReserved());
    }
//@@since warehouse-client

    @GetMapping("/{sku}/availability")
    public WarehouseClient.Availability warehouseAvailability(@PathVariable String sku) {
        return warehouseClient.availability(sku);
    }
//@@end

    public record InventoryView(String sku, int available, int reserved) {
    }
}
