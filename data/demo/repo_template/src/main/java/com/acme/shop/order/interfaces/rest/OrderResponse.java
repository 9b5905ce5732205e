package com.acme.shop.order.interfaces.rest;

import com.acme.shop.order.domain.model.Order;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Representation of an order in the REST API.
 */
public record OrderResponse(String orderNo, Long customerId, String status,
//@@until order-totals-currency
                            BigDecimal total,
//@@end
//@@since order-totals-currency
                            BigDecimal total, String currency,
//@@end
                            List<Line> lines, Instant createdAt) {

    public record Line(String sku, int quantity, BigDecimal unitPrice) {
    }

    public static OrderResponse from(Order order) {
        List<Line> lines = order.getLines().stream()
                .map(line -> new Line(line.getSku(), line.getQuantity(), line.getUnitPrice().amount()))
                .toList();
//@@until order-totals-currency
        return new OrderResponse(order.getOrderNo(), order.getCustomerId(), order.getStatus().name(),
                order.getTotal().amount(), lines, order.getCreatedAt());
//@@end
//@@since order-totals-currency
        return new OrderResponse(order.getOrderNo(), order.getCustomerId(), order.getStatus().name(),
                order.getTotal().amount(), order.getTotal().currency(), lines, order.getCreatedAt());
//@@end
    }
}
