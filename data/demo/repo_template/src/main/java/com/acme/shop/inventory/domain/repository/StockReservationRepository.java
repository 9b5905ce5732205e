package com.acme.shop.inventory.domain.repository;

import com.acme.shop.inventory.domain.model.StockReservation;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface StockReservationRepository extends JpaRepository<StockReservation, Long> {

    Optional<StockReservation> findByOrderNo(String orderNo);

//@@until expiry-batch
    List<StockReservation> findByStatusAndExpiresAtBefore(StockReservation.Status status, Instant now);
//@@end
//@@since expiry-batch
    List<StockReservation> findTop100ByStatusAndExpiresAtBeforeOrderByExpiresAt(StockReservation.Status status, Instant now);
//@@end
}
