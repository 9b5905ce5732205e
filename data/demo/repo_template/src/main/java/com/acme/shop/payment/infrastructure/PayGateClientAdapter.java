package com.acme.shop.payment.infrastructure;

import com.acme.shop.payment.application.PaymentGateway;
//@@since payment-timeouts
import com.acme.shop.payment.application.PaymentGatewayException;
//@@end
import com.acme.shop.shared.domain.Money;
import com.paygate.sdk.PayGateClient;
import com.paygate.sdk.PayGateConfig;
//@@since payment-timeouts
import com.paygate.sdk.exception.PayGateException;
import com.paygate.sdk.exception.PayGateTimeoutException;
//@@end
import com.paygate.sdk.model.ChargeRequest;
import com.paygate.sdk.model.ChargeResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * PaymentGateway implemented with the PayGate Java SDK (v2 charge API).
 */
@Component
public class PayGateClientAdapter implements PaymentGateway {

    private final PayGateClient client;

    public PayGateClientAdapter(@Value("${paygate.base-url}") String baseUrl,
                                @Value("${paygate.merchant-id}") String merchantId,
                                @Value("${paygate.connect-timeout-ms}") int connectTimeoutMs,
                                @Value("${paygate.read-timeout-ms}") int readTimeoutMs) {
        this.client = new PayGateClient(PayGateConfig.builder()
                .baseUrl(baseUrl)
                .merchantId(merchantId)
                .connectTimeoutMillis(connectTimeoutMs)
                .readTimeoutMillis(readTimeoutMs)
                .build());
    }

    @Override
    public GatewayReceipt charge(String paymentNo, Money amount, String channel) {
        ChargeRequest request = ChargeRequest.builder()
                .merchantOrderId(paymentNo)
                .amountInCents(amount.toCents())
                .currency(amount.currency())
                .channel(channel)
                .build();
//@@until payment-timeouts
        ChargeResponse response = client.createCharge(request);
        return new GatewayReceipt(response.getTransactionId());
//@@end
//@@since payment-timeouts
        try {
            ChargeResponse response = client.createCharge(request);
            return new GatewayReceipt(response.getTransactionId());
        } catch (PayGateTimeoutException ex) {
            throw new PaymentGatewayException("PayGate charge timed out after " + ex.getTimeoutMillis() + " ms", true, ex);
        } catch (PayGateException ex) {
            throw new PaymentGatewayException("PayGate rejected charge: " + ex.getErrorCode(), false, ex);
        }
//@@end
    }
//@@since payment-callback

    @Override
    public boolean verifySignature(String paymentNo, String gatewayTxnId, String signature) {
        return client.verifyNotification(paymentNo, gatewayTxnId, signature);
    }
//@@end
}
