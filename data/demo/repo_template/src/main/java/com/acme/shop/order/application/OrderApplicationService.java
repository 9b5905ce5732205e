package com.acme.shop.order.application;

//@@since reserve-on-place
import com.acme.shop.inventory.application.InventoryService;
import com.acme.shop.inventory.application.StockRequest;
//@@end
//@@since order-events
import com.acme.shop.order.domain.event.OrderPlaced;
//@@end
import com.acme.shop.order.domain.model.Order;
//@@since order-list-status
import com.acme.shop.order.domain.model.OrderStatus;
//@@end
import com.acme.shop.order.domain.repository.OrderRepository;
import com.acme.shop.order.infrastructure.OrderNoGenerator;
//@@since order-query
import com.acme.shop.shared.domain.DomainException;
//@@end
//@@since withspan
import io.opentelemetry.instrumentation.annotations.WithSpan;
//@@end
import java.time.Clock;
//@@since reserve-on-place
import java.util.List;
//@@end
//@@since order-events
import org.springframework.context.ApplicationEventPublisher;
//@@end
//@@since order-list
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
//@@end
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Use cases of the order context; each public method is one transaction.
 */
@Service
public class OrderApplicationService {

    private final OrderRepository orderRepository;
    private final OrderNoGenerator orderNoGenerator;
//@@since reserve-on-place
    private final InventoryService inventoryService;
//@@end
//@@since order-events
    private final ApplicationEventPublisher events;
//@@end
    private final Clock clock;

    public OrderApplicationService(OrderRepository orderRepository,
                                   OrderNoGenerator orderNoGenerator,
//@@since reserve-on-place
                                   InventoryService inventoryService,
//@@end
//@@since order-events
                                   ApplicationEventPublisher events,
//@@end
                                   Clock clock) {
        this.orderRepository = orderRepository;
        this.orderNoGenerator = orderNoGenerator;
//@@since reserve-on-place
        this.inventoryService = inventoryService;
//@@end
//@@since order-events
        this.events = events;
//@@end
        this.clock = clock;
    }

//@@since withspan
    @WithSpan
//@@end
    @Transactional
    public Order placeOrder(PlaceOrderCommand command) {
        Order order = Order.place(orderNoGenerator.next(), command.customerId(), clock.instant());
        command.lines().forEach(line -> order.addLine(line.sku(), line.quantity(), line.unitPrice()));
//@@since reserve-on-place
        List<StockRequest> stock = command.lines().stream()
                .map(line -> new StockRequest(line.sku(), line.quantity()))
                .toList();
        inventoryService.reserveStock(order.getOrderNo(), stock);
//@@end
        Order saved = orderRepository.save(order);
//@@since order-events
        events.publishEvent(new OrderPlaced(saved.getOrderNo(), saved.getCustomerId(), saved.getTotal(), clock.instant()));
//@@end
        return saved;
    }
//@@since order-query

    @Transactional(readOnly = true)
    public Order getOrder(String orderNo) {
        return orderRepository.findByOrderNo(orderNo)
                .orElseThrow(() -> new DomainException("order.not-found", "No order " + orderNo));
    }
//@@end
//@@since order-cancel

    @Transactional
    public Order cancelOrder(String orderNo) {
        Order order = getOrder(orderNo);
        order.cancel(clock.instant());
        inventoryService.releaseStock(orderNo);
        return order;
    }
//@@end
//@@since order-list
//@@until order-list-status

    @Transactional(readOnly = true)
    public Page<Order> listOrders(Long customerId, Pageable pageable) {
        return orderRepository.findByCustomerId(customerId, pageable);
    }
//@@end
//@@end
//@@since order-list-status

    @Transactional(readOnly = true)
    public Page<Order> listOrders(Long customerId, OrderStatus status, Pageable pageable) {
        if (status == null) {
            return orderRepository.findByCustomerId(customerId, pageable);
        }
        return orderRepository.findByCustomerIdAndStatus(customerId, status, pageable);
    }
//@@end
}
