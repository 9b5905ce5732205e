package com.acme.shop.order.domain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.acme.shop.shared.domain.DomainException;
import com.acme.shop.shared.domain.Money;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OrderTest {

    private static final Instant NOW = Instant.parse("2026-10-28T07:00:00Z");

    @Test
    void totalIsTheSumOfLineSubtotals() {
        Order order = Order.place("SO202610281500000001", 42L, NOW);
        order.addLine("SKU-100231", 2, Money.of("19.90"));
        order.addLine("SKU-100877", 1, Money.of("5.00"));

        assertThat(order.getTotal()).isEqualTo(Money.of("44.80"));
    }

    @Test
    void rejectsNonPositiveQuantities() {
        Order order = Order.place("SO202610281500000002", 42L, NOW);

        assertThatThrownBy(() -> order.addLine("SKU-100231", 0, Money.of("19.90")))
                .isInstanceOf(DomainException.class);
    }

    @Test
    void cancelledOrdersCannotChange() {
        Order order = Order.place("SO202610281500000003", 42L, NOW);
        order.cancel(NOW);

        assertThatThrownBy(() -> order.addLine("SKU-100231", 1, Money.of("19.90")))
                .isInstanceOf(DomainException.class);
    }
}
