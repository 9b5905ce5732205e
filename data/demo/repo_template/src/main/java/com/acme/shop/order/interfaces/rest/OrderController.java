package com.acme.shop.order.interfaces.rest;

import com.acme.shop.order.application.OrderApplicationService;
import com.acme.shop.order.domain.model.Order;
//@@since order-list-status
import com.acme.shop.order.domain.model.OrderStatus;
//@@end
//@@since order-503
import com.acme.shop.shared.interfaces.rest.ServiceUnavailableException;
//@@end
//@@since order-validation
import jakarta.validation.Valid;
//@@end
import java.net.URI;
//@@since order-503
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
//@@end
//@@since order-list
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
//@@end
import org.springframework.http.ResponseEntity;
//@@since order-503
import org.springframework.transaction.TransactionException;
//@@end
//@@since order-query
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
//@@end
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
//@@since order-list
import org.springframework.web.bind.annotation.RequestParam;
//@@end
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/orders")
public class OrderController {

//@@since order-503
    private static final Logger log = LoggerFactory.getLogger(OrderController.class);

//@@end
    private final OrderApplicationService orderApplicationService;

    public OrderController(OrderApplicationService orderApplicationService) {
        this.orderApplicationService = orderApplicationService;
    }

    @PostMapping
//@@until order-validation
    public ResponseEntity<OrderResponse> create(@RequestBody PlaceOrderRequest request) {
//@@end
//@@since order-validation
    public ResponseEntity<OrderResponse> create(@Valid @RequestBody PlaceOrderRequest request) {
//@@end
//@@until order-503
        Order order = orderApplicationService.placeOrder(request.toCommand());
        return ResponseEntity.created(URI.create("/api/orders/" + order.getOrderNo())).body(OrderResponse.from(order));
//@@end
//@@since order-503
        try {
            Order order = orderApplicationService.placeOrder(request.toCommand());
//@@until log-customer
            log.info("Order {} placed, total {}", order.getOrderNo(), order.getTotal());
//@@end
//@@since log-customer
            log.info("Order {} placed for customer {}, total {}", order.getOrderNo(), order.getCustomerId(), order.getTotal());
//@@end
            return ResponseEntity.created(URI.create("/api/orders/" + order.getOrderNo())).body(OrderResponse.from(order));
        } catch (DataAccessException | TransactionException ex) {
            log.error("Failed to place order for customer {} ({} lines)", request.customerId(), request.lines().size(), ex);
            throw new ServiceUnavailableException("Order placement is temporarily unavailable, please retry", ex);
        }
//@@end
    }
//@@since order-query

    @GetMapping("/{orderNo}")
    public OrderResponse get(@PathVariable String orderNo) {
        return OrderResponse.from(orderApplicationService.getOrder(orderNo));
    }
//@@end
//@@since order-cancel

    @PostMapping("/{orderNo}/cancel")
    public OrderResponse cancel(@PathVariable String orderNo) {
        return OrderResponse.from(orderApplicationService.cancelOrder(orderNo));
    }
//@@end
//@@since order-list

    @GetMapping
    public Page<OrderResponse> list(@RequestParam Long customerId,
//@@since order-list-status
                                    @RequestParam(required = false) OrderStatus status,
//@@end
                                    @RequestParam(defaultValue = "0") int page,
                                    @RequestParam(defaultValue = "20") int size) {
        PageRequest pageable = PageRequest.of(page, Math.min(size, 100), Sort.by(Sort.Direction.DESC, "createdAt"));
//@@until order-list-status
        return orderApplicationService.listOrders(customerId, pageable).map(OrderResponse::from);
//@@end
//@@since order-list-status
        return orderApplicationService.listOrders(customerId, status, pageable).map(OrderResponse::from);
//@@end
    }
//@@end
}
