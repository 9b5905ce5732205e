package com.acme.shop.payment.interfaces.rest;

import com.acme.shop.payment.application.PaymentApplicationService;
import com.acme.shop.payment.domain.model.Payment;
//@@since payment-timeouts
import com.acme.shop.payment.domain.model.PaymentStatus;
//@@end
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
//@@since payment-idempotency
import org.springframework.web.bind.annotation.RequestHeader;
//@@end
//@@since payment-callback
//@@until payment-idempotency
import org.springframework.web.bind.annotation.RequestHeader;
//@@end
//@@end
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/payments")
public class PaymentController {

    private final PaymentApplicationService paymentApplicationService;

    public PaymentController(PaymentApplicationService paymentApplicationService) {
        this.paymentApplicationService = paymentApplicationService;
    }

    @PostMapping
//@@until payment-idempotency
    public ResponseEntity<PaymentResponse> pay(@Valid @RequestBody PaymentRequest request) {
        Payment payment = paymentApplicationService.pay(request.toCommand());
//@@end
//@@since payment-idempotency
    public ResponseEntity<PaymentResponse> pay(@Valid @RequestBody PaymentRequest request,
                                               @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
        Payment payment = paymentApplicationService.pay(request.toCommand(idempotencyKey));
//@@end
//@@until payment-timeouts
        return ResponseEntity.status(HttpStatus.CREATED).body(PaymentResponse.from(payment));
//@@end
//@@since payment-timeouts
        HttpStatus status = payment.getStatus() == PaymentStatus.FAILED ? HttpStatus.BAD_GATEWAY : HttpStatus.CREATED;
        return ResponseEntity.status(status).body(PaymentResponse.from(payment));
//@@end
    }

    @GetMapping("/{paymentNo}")
    public PaymentResponse get(@PathVariable String paymentNo) {
        return PaymentResponse.from(paymentApplicationService.getPayment(paymentNo));
    }
//@@since payment-callback

    @PostMapping("/callback")
    public ResponseEntity<Void> callback(@RequestBody PayGateNotification notification,
                                         @RequestHeader("X-PayGate-Signature") String signature) {
        paymentApplicationService.handleCallback(notification.merchantOrderId(), notification.transactionId(),
                "SUCCEEDED".equals(notification.status()), signature);
        return ResponseEntity.noContent().build();
    }

    /** PayGate's asynchronous notification body. */
    public record PayGateNotification(String merchantOrderId, String transactionId, String status) {
    }
//@@end
}
