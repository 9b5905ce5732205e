package com.acme.shop.inventory.application;

import com.acme.shop.inventory.domain.model.InventoryItem;
import com.acme.shop.inventory.domain.model.StockReservation;
import com.acme.shop.inventory.domain.model.UnknownSkuException;
import com.acme.shop.inventory.domain.repository.InventoryItemRepository;
import com.acme.shop.inventory.domain.repository.StockReservationRepository;
//@@since lock-per-line
import com.acme.shop.inventory.infrastructure.WarehouseClient;
//@@end
//@@since withspan
import io.opentelemetry.instrumentation.annotations.WithSpan;
//@@end
import java.time.Clock;
import java.time.Duration;
//@@since expiry
import java.time.Instant;
//@@end
import java.util.List;
//@@until lock-per-line
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
//@@end
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Application service of the inventory context: reserves stock for orders, releases it when an
 * order is cancelled and expires reservations that were never paid.
 */
@Service
public class InventoryService {

    private static final Logger log = LoggerFactory.getLogger(InventoryService.class);
    private static final Duration RESERVATION_TTL = Duration.ofMinutes(15);

    private final InventoryItemRepository inventoryItemRepository;
    private final StockReservationRepository stockReservationRepository;
//@@since lock-per-line
    private final WarehouseClient warehouseClient;
//@@end
    private final Clock clock;

    public InventoryService(InventoryItemRepository inventoryItemRepository,
                            StockReservationRepository stockReservationRepository,
//@@since lock-per-line
                            WarehouseClient warehouseClient,
//@@end
                            Clock clock) {
        this.inventoryItemRepository = inventoryItemRepository;
        this.stockReservationRepository = stockReservationRepository;
//@@since lock-per-line
        this.warehouseClient = warehouseClient;
//@@end
        this.clock = clock;
    }

    /**
     * Reserves stock for every line of an order, all or nothing; joins the caller's transaction.
     */
//@@since withspan
    @WithSpan
//@@end
    @Transactional
    public StockReservation reserveStock(String orderNo, List<StockRequest> requests) {
        StockReservation reservation = StockReservation.open(orderNo, clock.instant(), clock.instant().plus(RESERVATION_TTL));
//@@until lock-per-line
        Map<String, InventoryItem> items = inventoryItemRepository
                .findAllBySkuIn(requests.stream().map(StockRequest::sku).toList())
                .stream()
                .collect(Collectors.toMap(InventoryItem::getSku, Function.identity()));
        for (StockRequest request : requests) {
            InventoryItem item = items.get(request.sku());
            if (item == null) {
                throw new UnknownSkuException(request.sku());
            }
            // @Version on InventoryItem turns a concurrent reservation into an optimistic-lock failure at commit.
            item.reserve(request.quantity());
            reservation.addLine(request.sku(), request.quantity());
        }
//@@end
//@@since lock-per-line
        for (StockRequest request : requests) {
            // Lock the row so that two flash-sale orders can never both take the last unit.
            InventoryItem item = inventoryItemRepository.findBySkuForUpdate(request.sku())
                    .orElseThrow(() -> new UnknownSkuException(request.sku()));
            // Double-check with the warehouse before taking the stock.
            warehouseClient.confirmAvailability(item.getWarehouseCode(), request.sku(), request.quantity());
            item.reserve(request.quantity());
            reservation.addLine(request.sku(), request.quantity());
        }
//@@end
        StockReservation saved = stockReservationRepository.save(reservation);
        log.debug("库存预占成功 orderNo={} skus={}", orderNo, reservation.skus());
        return saved;
    }
//@@since order-cancel

    /**
     * Gives the stock of an order's active reservation back (order cancelled).
     */
    @Transactional
    public void releaseStock(String orderNo) {
        stockReservationRepository.findByOrderNo(orderNo)
                .filter(StockReservation::isActive)
                .ifPresent(reservation -> {
                    returnStock(reservation);
                    reservation.release();
                });
    }
//@@end
//@@since expiry

    /**
     * Releases reservations whose TTL passed without payment; returns how many were expired.
     */
    @Transactional
    public int expireReservations() {
        Instant now = clock.instant();
//@@until expiry-batch
        List<StockReservation> stale = stockReservationRepository.findByStatusAndExpiresAtBefore(StockReservation.Status.ACTIVE, now);
//@@end
//@@since expiry-batch
        List<StockReservation> stale = stockReservationRepository
                .findTop100ByStatusAndExpiresAtBeforeOrderByExpiresAt(StockReservation.Status.ACTIVE, now);
//@@end
        for (StockReservation reservation : stale) {
            returnStock(reservation);
            reservation.expire();
        }
        return stale.size();
    }
//@@end
//@@since order-cancel

    private void returnStock(StockReservation reservation) {
        reservation.getLines().forEach(line -> inventoryItemRepository.findBySku(line.sku())
                .ifPresent(item -> item.release(line.quantity())));
    }
//@@end
}
