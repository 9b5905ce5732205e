package com.acme.shop.order.domain.model;

import com.acme.shop.shared.domain.DomainException;
import com.acme.shop.shared.domain.Money;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.AttributeOverrides;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Aggregate root of the order context. Invariants: at most {@link #MAX_LINES} lines, positive
 * quantities, one currency per order, lines only change while the order is CREATED.
 */
@Entity
@Table(name = "orders")
public class Order {

    public static final int MAX_LINES = 20;

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "order_no", nullable = false, unique = true, length = 32)
    private String orderNo;

    @Column(name = "customer_id", nullable = false)
    private Long customerId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private OrderStatus status;

    @Embedded
    @AttributeOverrides({
            @AttributeOverride(name = "amount", column = @Column(name = "total_amount")),
            @AttributeOverride(name = "currency", column = @Column(name = "currency"))
    })
    private Money total;

    @OneToMany(mappedBy = "order", cascade = CascadeType.ALL, orphanRemoval = true)
    private List<OrderLine> lines = new ArrayList<>();

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at")
    private Instant updatedAt;

    @Version
    private long version;

    protected Order() {
    }

    public static Order place(String orderNo, Long customerId, Instant now) {
        Order order = new Order();
        order.orderNo = orderNo;
        order.customerId = customerId;
        order.status = OrderStatus.CREATED;
        order.total = Money.zero(Money.CNY);
        order.createdAt = now;
        return order;
    }

    public void addLine(String sku, int quantity, Money unitPrice) {
        requireStatus(OrderStatus.CREATED);
        if (quantity <= 0) {
            throw new DomainException("order.quantity", "Quantity must be positive for " + sku);
        }
        if (lines.size() >= MAX_LINES) {
            throw new DomainException("order.too-many-lines", "An order has at most " + MAX_LINES + " lines");
        }
        OrderLine line = new OrderLine(this, sku, quantity, unitPrice);
        lines.add(line);
        total = total.plus(line.subtotal());
    }

    public void markPaid(Instant now) {
        requireStatus(OrderStatus.CREATED);
        status = OrderStatus.PAID;
        updatedAt = now;
    }

    public void cancel(Instant now) {
        requireStatus(OrderStatus.CREATED);
        status = OrderStatus.CANCELLED;
        updatedAt = now;
    }

    private void requireStatus(OrderStatus expected) {
        if (status != expected) {
            throw new DomainException("order.status", "Order " + orderNo + " is " + status + ", expected " + expected);
        }
    }

    public Long getId() {
        return id;
    }

    public String getOrderNo() {
        return orderNo;
    }

    public Long getCustomerId() {
        return customerId;
    }

    public OrderStatus getStatus() {
        return status;
    }

    public Money getTotal() {
        return total;
    }

    public List<OrderLine> getLines() {
        return Collections.unmodifiableList(lines);
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
