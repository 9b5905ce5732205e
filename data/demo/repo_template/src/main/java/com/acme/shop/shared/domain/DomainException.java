package com.acme.shop.shared.domain;

/**
 * A broken business rule; mapped to 422 (or a more specific status) at the REST boundary.
 */
public class DomainException extends RuntimeException {

    private final String code;

    public DomainException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String getCode() {
        return code;
    }
}
