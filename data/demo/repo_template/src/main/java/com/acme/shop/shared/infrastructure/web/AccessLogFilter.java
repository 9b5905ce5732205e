package com.acme.shop.shared.infrastructure.web;

import static net.logstash.logback.argument.StructuredArguments.kv;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;

/**
 * One structured line per HTTP request (logger ACCESS, JSON appender only).
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE - 10)
public class AccessLogFilter extends OncePerRequestFilter {

    private static final Logger access = LoggerFactory.getLogger("ACCESS");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain filterChain)
            throws ServletException, IOException {
        long started = System.nanoTime();
        try {
            filterChain.doFilter(request, response);
        } finally {
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            Object route = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
            int status = response.getStatus();
            String message = "{} {} {} {}ms";
            if (status >= 500) {
                access.warn(message, request.getMethod(), request.getRequestURI(), status, tookMs,
                        kv("http_method", request.getMethod()), kv("http_route", route), kv("url_path", request.getRequestURI()),
                        kv("status", status), kv("duration_ms", tookMs), kv("client_ip", request.getRemoteAddr()));
            } else {
                access.info(message, request.getMethod(), request.getRequestURI(), status, tookMs,
                        kv("http_method", request.getMethod()), kv("http_route", route), kv("url_path", request.getRequestURI()),
                        kv("status", status), kv("duration_ms", tookMs), kv("client_ip", request.getRemoteAddr()));
            }
        }
    }
}
