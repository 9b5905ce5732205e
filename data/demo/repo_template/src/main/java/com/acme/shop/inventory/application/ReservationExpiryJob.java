package com.acme.shop.inventory.application;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Gives back stock held by unpaid orders once their reservation TTL (15 min) has passed.
 */
@Component
public class ReservationExpiryJob {

    private static final Logger log = LoggerFactory.getLogger(ReservationExpiryJob.class);

    private final InventoryService inventoryService;

    public ReservationExpiryJob(InventoryService inventoryService) {
        this.inventoryService = inventoryService;
    }

    @Scheduled(fixedDelayString = "${shop.inventory.expiry-interval:PT1M}")
    public void run() {
        int expired = inventoryService.expireReservations();
        if (expired > 0) {
            log.info("Expired {} stale stock reservations", expired);
        }
    }
}
