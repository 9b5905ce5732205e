package com.acme.shop.shared.interfaces.rest;

/**
 * A dependency (database, gateway) failed; the client may retry later.
 */
public class ServiceUnavailableException extends RuntimeException {

    public ServiceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
