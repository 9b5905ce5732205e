package com.acme.shop.order.infrastructure;

import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.stereotype.Component;

/**
 * Business order numbers: SO + local timestamp + 4 random digits, e.g. SO202611201405031234.
 */
@Component
public class OrderNoGenerator {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneId.of("Asia/Shanghai"));

    private final Clock clock;

    public OrderNoGenerator(Clock clock) {
        this.clock = clock;
    }

    public String next() {
        return "SO" + FORMAT.format(clock.instant()) + String.format("%04d", ThreadLocalRandom.current().nextInt(10_000));
    }
}
