package com.acme.shop.payment.application;

/**
 * The gateway did not charge; retriable when it timed out rather than refused.
 */
public class PaymentGatewayException extends RuntimeException {

    private final boolean retriable;

    public PaymentGatewayException(String message, boolean retriable, Throwable cause) {
        super(message, cause);
        this.retriable = retriable;
    }

    public boolean isRetriable() {
        return retriable;
    }
}
