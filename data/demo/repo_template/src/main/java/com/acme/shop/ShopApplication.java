package com.acme.shop;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
//@@since expiry
import org.springframework.scheduling.annotation.EnableScheduling;
//@@end

@SpringBootApplication
//@@since expiry
@EnableScheduling
//@@end
public class ShopApplication {

    public static void main(String[] args) {
        SpringApplication.run(ShopApplication.class, args);
    }

    /** One clock for the whole service so tests can pin time. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
