package com.acme.shop.order.domain.repository;

import com.acme.shop.order.domain.model.Order;
//@@since order-list-status
import com.acme.shop.order.domain.model.OrderStatus;
//@@end
import java.util.Optional;
//@@since order-list
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
//@@end
import org.springframework.data.jpa.repository.JpaRepository;

public interface OrderRepository extends JpaRepository<Order, Long> {

    Optional<Order> findByOrderNo(String orderNo);
//@@since order-list

    Page<Order> findByCustomerId(Long customerId, Pageable pageable);
//@@end
//@@since order-list-status

    Page<Order> findByCustomerIdAndStatus(Long customerId, OrderStatus status, Pageable pageable);
//@@end
}
