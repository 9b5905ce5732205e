package com.acme.shop.payment.application;

import com.acme.shop.shared.domain.Money;

/**
 * Input of the pay use case.
 */
//@@until payment-idempotency
public record PayCommand(String orderNo, Money amount, String channel) {
//@@end
//@@since payment-idempotency
public record PayCommand(String orderNo, Money amount, String channel, String idempotencyKey) {
//@@end
}
