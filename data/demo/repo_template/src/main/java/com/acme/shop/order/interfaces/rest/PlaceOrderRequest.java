package com.acme.shop.order.interfaces.rest;

import com.acme.shop.order.application.PlaceOrderCommand;
//@@since order-validation
import com.acme.shop.order.domain.model.Order;
//@@end
import com.acme.shop.shared.domain.Money;
//@@since order-validation
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
//@@end
import java.math.BigDecimal;
import java.util.List;

/**
 * Body of POST /api/orders.
 */
public record PlaceOrderRequest(
//@@until order-validation
        Long customerId,
        List<Line> lines) {
//@@end
//@@since order-validation
        @NotNull Long customerId,
        @NotEmpty @Size(max = Order.MAX_LINES) List<@Valid Line> lines) {
//@@end

    public record Line(
//@@until order-validation
            String sku, int quantity, BigDecimal unitPrice) {
//@@end
//@@since order-validation
            @NotBlank String sku, @Positive int quantity, @NotNull @DecimalMin("0.00") BigDecimal unitPrice) {
//@@end
    }

    public PlaceOrderCommand toCommand() {
        return new PlaceOrderCommand(customerId, lines.stream()
                .map(line -> new PlaceOrderCommand.Line(line.sku(), line.quantity(), new Money(line.unitPrice(), Money.CNY)))
                .toList());
    }
}
