package com.acme.shop.payment.interfaces.rest;

import com.acme.shop.payment.application.PayCommand;
import com.acme.shop.shared.domain.Money;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.math.BigDecimal;

/**
 * Body of POST /api/payments.
 */
public record PaymentRequest(@NotBlank String orderNo, @NotNull @DecimalMin("0.01") BigDecimal amount, @NotBlank String channel) {

//@@until payment-idempotency
    public PayCommand toCommand() {
        return new PayCommand(orderNo, new Money(amount, Money.CNY), channel);
    }
//@@end
//@@since payment-idempotency
    public PayCommand toCommand(String idempotencyKey) {
        return new PayCommand(orderNo, new Money(amount, Money.CNY), channel, idempotencyKey);
    }
//@@end
}
