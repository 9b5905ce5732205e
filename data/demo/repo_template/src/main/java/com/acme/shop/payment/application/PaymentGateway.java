package com.acme.shop.payment.application;

import com.acme.shop.shared.domain.Money;

/**
 * Port to the external payment gateway; implemented in infrastructure.
 */
public interface PaymentGateway {

    GatewayReceipt charge(String paymentNo, Money amount, String channel);
//@@since payment-callback

    boolean verifySignature(String paymentNo, String gatewayTxnId, String signature);
//@@end

    record GatewayReceipt(String transactionId) {
    }
}
