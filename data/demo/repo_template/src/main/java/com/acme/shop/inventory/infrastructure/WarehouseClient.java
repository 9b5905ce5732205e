package com.acme.shop.inventory.infrastructure;

import com.acme.shop.inventory.domain.model.InsufficientStockException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * Adapter to the warehouse gateway (owned by logistics). Remote and slow: p99 around 2 s.
 */
@Component
public class WarehouseClient {

    private static final Logger log = LoggerFactory.getLogger(WarehouseClient.class);
    private static final long SLOW_CALL_MS = 2_000;

    private final RestClient restClient;

    public WarehouseClient(RestClient.Builder builder,
                           @Value("${shop.warehouse.base-url}") String baseUrl,
                           @Value("${shop.warehouse.connect-timeout}") Duration connectTimeout,
                           @Value("${shop.warehouse.read-timeout}") Duration readTimeout) {
        SimpleClientHttpRequestFactory requestFactory = new SimpleClientHttpRequestFactory();
        requestFactory.setConnectTimeout(connectTimeout);
        requestFactory.setReadTimeout(readTimeout);
        this.restClient = builder.baseUrl(baseUrl).requestFactory(requestFactory).build();
    }

    /**
     * Stock the warehouse reports for a SKU; for display only, it may lag by minutes.
     */
    public Availability availability(String sku) {
        return restClient.get().uri("/api/v1/availability/{sku}", sku).retrieve().body(Availability.class);
    }

    /**
     * Asks the warehouse to confirm it can ship the quantity; throws when it cannot.
     */
    public void confirmAvailability(String warehouseCode, String sku, int quantity) {
        long started = System.nanoTime();
        Availability availability = restClient.post()
                .uri("/api/v1/availability/confirm")
                .body(new ConfirmRequest(warehouseCode, sku, quantity))
                .retrieve()
                .body(Availability.class);
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        if (tookMs > SLOW_CALL_MS) {
            log.warn("仓库可用性确认较慢 warehouse={} sku={} qty={} took={}ms", warehouseCode, sku, quantity, tookMs);
        }
        if (availability == null || availability.available() < quantity) {
            throw new InsufficientStockException(sku, quantity, availability == null ? 0 : availability.available());
        }
    }

    public record Availability(String sku, int available) {
    }

    record ConfirmRequest(String warehouseCode, String sku, int quantity) {
    }
}
