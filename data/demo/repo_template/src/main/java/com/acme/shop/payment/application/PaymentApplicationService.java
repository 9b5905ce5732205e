package com.acme.shop.payment.application;

import com.acme.shop.payment.domain.model.Payment;
import com.acme.shop.payment.domain.repository.PaymentRepository;
import com.acme.shop.shared.domain.DomainException;
//@@since withspan
import io.opentelemetry.instrumentation.annotations.WithSpan;
//@@end
import java.time.Clock;
//@@since payment-idempotency
import java.util.Optional;
//@@end
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Use cases of the payment context: charge an order, look a payment up, accept gateway callbacks.
 */
@Service
public class PaymentApplicationService {

    private static final Logger log = LoggerFactory.getLogger(PaymentApplicationService.class);

    private final PaymentRepository paymentRepository;
    private final PaymentGateway gateway;
    private final Clock clock;

    public PaymentApplicationService(PaymentRepository paymentRepository, PaymentGateway gateway, Clock clock) {
        this.paymentRepository = paymentRepository;
        this.gateway = gateway;
        this.clock = clock;
    }

//@@since withspan
    @WithSpan
//@@end
    @Transactional
    public Payment pay(PayCommand command) {
//@@since payment-idempotency
        if (command.idempotencyKey() != null) {
            Optional<Payment> existing = paymentRepository.findByIdempotencyKey(command.idempotencyKey());
            if (existing.isPresent()) {
                return existing.get();
            }
        }
//@@end
        Payment payment = Payment.initiate(newPaymentNo(), command.orderNo(), command.amount(), command.channel(), clock.instant());
//@@since payment-idempotency
        payment.attachIdempotencyKey(command.idempotencyKey());
//@@end
//@@until payment-timeouts
        PaymentGateway.GatewayReceipt receipt = gateway.charge(payment.getPaymentNo(), command.amount(), command.channel());
        payment.markSucceeded(receipt.transactionId(), clock.instant());
        log.info("支付成功 paymentNo={} orderNo={} amount={}", payment.getPaymentNo(), command.orderNo(), command.amount());
//@@end
//@@since payment-timeouts
        try {
            PaymentGateway.GatewayReceipt receipt = gateway.charge(payment.getPaymentNo(), command.amount(), command.channel());
            payment.markSucceeded(receipt.transactionId(), clock.instant());
            log.info("支付成功 paymentNo={} orderNo={} amount={}", payment.getPaymentNo(), command.orderNo(), command.amount());
        } catch (PaymentGatewayException ex) {
            payment.markFailed(ex.getMessage(), clock.instant());
            log.error("支付网关调用失败 paymentNo={} orderNo={} retriable={}", payment.getPaymentNo(), command.orderNo(), ex.isRetriable(), ex);
        }
//@@end
        return paymentRepository.save(payment);
    }

    @Transactional(readOnly = true)
    public Payment getPayment(String paymentNo) {
        return paymentRepository.findByPaymentNo(paymentNo)
                .orElseThrow(() -> new DomainException("payment.not-found", "No payment " + paymentNo));
    }
//@@since payment-callback

    @Transactional
    public void handleCallback(String paymentNo, String gatewayTxnId, boolean succeeded, String signature) {
        Payment payment = getPayment(paymentNo);
        if (!gateway.verifySignature(paymentNo, gatewayTxnId, signature)) {
//@@until callback-log
            throw new DomainException("payment.bad-signature", "Invalid callback signature");
//@@end
//@@since callback-log
            log.warn("PayGate 回调验签失败 paymentNo={} orderNo={}", paymentNo, payment.getOrderNo());
            throw new DomainException("payment.bad-signature", "Invalid callback signature for " + paymentNo);
//@@end
        }
        if (succeeded) {
            payment.markSucceeded(gatewayTxnId, clock.instant());
        } else {
            payment.markFailed("gateway reported failure", clock.instant());
        }
    }
//@@end

    private static String newPaymentNo() {
        return "PAY" + UUID.randomUUID().toString().replace("-", "").substring(0, 20).toUpperCase();
    }
}
