package com.acme.shop.payment.domain.model;

public enum PaymentStatus {
    PENDING,
    SUCCEEDED,
    FAILED
}
