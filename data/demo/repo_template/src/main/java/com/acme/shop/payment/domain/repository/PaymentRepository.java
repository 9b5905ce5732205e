package com.acme.shop.payment.domain.repository;

import com.acme.shop.payment.domain.model.Payment;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface PaymentRepository extends JpaRepository<Payment, Long> {

    Optional<Payment> findByPaymentNo(String paymentNo);
//@@since payment-idempotency

    Optional<Payment> findByIdempotencyKey(String idempotencyKey);
//@@end
}
