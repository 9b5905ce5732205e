package com.acme.shop.order.application;

import com.acme.shop.shared.domain.Money;
import java.util.List;

/**
 * Input of the place-order use case.
 */
public record PlaceOrderCommand(Long customerId, List<Line> lines) {

    public record Line(String sku, int quantity, Money unitPrice) {
    }
}
