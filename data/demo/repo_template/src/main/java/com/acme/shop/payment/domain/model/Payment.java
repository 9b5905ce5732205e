package com.acme.shop.payment.domain.model;

import com.acme.shop.shared.domain.DomainException;
import com.acme.shop.shared.domain.Money;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * Aggregate root of the payment context: one attempt to charge an order through PayGate.
 * Invariant: a payment leaves PENDING exactly once, to SUCCEEDED or FAILED.
 */
@Entity
@Table(name = "payment")
public class Payment {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "payment_no", nullable = false, unique = true, length = 32)
    private String paymentNo;

    @Column(name = "order_no", nullable = false, length = 32)
    private String orderNo;

    @Embedded
    private Money amount;

    @Column(nullable = false, length = 16)
    private String channel;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private PaymentStatus status;

    @Column(name = "gateway_txn_id", length = 64)
    private String gatewayTxnId;

    @Column(name = "failure_reason")
    private String failureReason;
//@@since payment-idempotency

    @Column(name = "idempotency_key", unique = true, length = 64)
    private String idempotencyKey;
//@@end

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at")
    private Instant updatedAt;

    protected Payment() {
    }

    public static Payment initiate(String paymentNo, String orderNo, Money amount, String channel, Instant now) {
        Payment payment = new Payment();
        payment.paymentNo = paymentNo;
        payment.orderNo = orderNo;
        payment.amount = amount;
        payment.channel = channel;
        payment.status = PaymentStatus.PENDING;
        payment.createdAt = now;
        return payment;
    }
//@@since payment-idempotency

    public void attachIdempotencyKey(String key) {
        this.idempotencyKey = key;
    }
//@@end

    public void markSucceeded(String gatewayTxnId, Instant now) {
        requirePending();
        this.status = PaymentStatus.SUCCEEDED;
        this.gatewayTxnId = gatewayTxnId;
        this.updatedAt = now;
    }

    public void markFailed(String reason, Instant now) {
        requirePending();
        this.status = PaymentStatus.FAILED;
        this.failureReason = reason;
        this.updatedAt = now;
    }

    private void requirePending() {
        if (status != PaymentStatus.PENDING) {
            throw new DomainException("payment.status", "Payment " + paymentNo + " is already " + status);
        }
    }

    public Long getId() {
        return id;
    }

    public String getPaymentNo() {
        return paymentNo;
    }

    public String getOrderNo() {
        return orderNo;
    }

    public Money getAmount() {
        return amount;
    }

    public PaymentStatus getStatus() {
        return status;
    }

    public String getFailureReason() {
        return failureReason;
    }
}
