package com.acme.shop.order.domain.event;

import com.acme.shop.shared.domain.Money;
import java.time.Instant;

/**
 * Domain event: an order was accepted and its stock reserved.
 */
public record OrderPlaced(String orderNo, Long customerId, Money total, Instant occurredAt) {
}
