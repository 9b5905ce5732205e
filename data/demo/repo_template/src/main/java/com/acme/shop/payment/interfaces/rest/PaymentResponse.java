package com.acme.shop.payment.interfaces.rest;

import com.acme.shop.payment.domain.model.Payment;
import java.math.BigDecimal;

/**
 * Representation of a payment in the REST API.
 */
public record PaymentResponse(String paymentNo, String orderNo, BigDecimal amount, String currency, String status,
                              String failureReason) {

    public static PaymentResponse from(Payment payment) {
        return new PaymentResponse(payment.getPaymentNo(), payment.getOrderNo(), payment.getAmount().amount(),
                payment.getAmount().currency(), payment.getStatus().name(), payment.getFailureReason());
    }
}
