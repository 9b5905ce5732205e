package com.acme.shop.inventory.domain.model;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Aggregate root: stock held for one order until it is paid, cancelled or the TTL passes.
 * Invariant: one reservation per order; only ACTIVE reservations can be released or expired.
 */
@Entity
@Table(name = "stock_reservation")
public class StockReservation {

    public enum Status {
        ACTIVE,
        RELEASED,
        EXPIRED
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "order_no", nullable = false, unique = true, length = 32)
    private String orderNo;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private Status status;

    @ElementCollection
    @CollectionTable(name = "stock_reservation_line", joinColumns = @JoinColumn(name = "reservation_id"))
    private List<ReservationLine> lines = new ArrayList<>();

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected StockReservation() {
    }

    public static StockReservation open(String orderNo, Instant now, Instant expiresAt) {
        StockReservation reservation = new StockReservation();
        reservation.orderNo = orderNo;
        reservation.status = Status.ACTIVE;
        reservation.createdAt = now;
        reservation.expiresAt = expiresAt;
        return reservation;
    }

    public void addLine(String sku, int quantity) {
        lines.add(new ReservationLine(sku, quantity));
    }

    public List<String> skus() {
        return lines.stream().map(ReservationLine::sku).toList();
    }

    public boolean isActive() {
        return status == Status.ACTIVE;
    }

    public void release() {
        requireActive();
        status = Status.RELEASED;
    }

    public void expire() {
        requireActive();
        status = Status.EXPIRED;
    }

    private void requireActive() {
        if (status != Status.ACTIVE) {
            throw new IllegalStateException("Reservation for " + orderNo + " is " + status);
        }
    }

    public Long getId() {
        return id;
    }

    public String getOrderNo() {
        return orderNo;
    }

    public Status getStatus() {
        return status;
    }

    public List<ReservationLine> getLines() {
        return Collections.unmodifiableList(lines);
    }

    public Instant getExpiresAt() {
        return expiresAt;
    }
}
