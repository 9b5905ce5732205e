"""Held-out planted incidents on gothinkster/spring-boot-realworld-example-app ("Conduit").

Spring Boot 2.6.3 (Spring Framework 5.3.15, Tomcat 9.0.56, Spring Security 5.6.1), MyBatis 3.5.9 with
mybatis-spring 2.0.7, HikariCP 4.0.3, jjwt 0.11, Java 11, DDD-style packages (api / application / core /
infrastructure). Production runs it on MySQL 8 with a `prod` profile added by a planted platform commit.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from .gitrepo import BuildError, Commit, Edit, History, line_of
from .kit import Case, build_repo, write_bundle_head
from .runtime import (
    HIKARI,
    AppLog,
    Exc,
    Request,
    Route,
    Scenario,
    TraceSpec,
    simulate,
    write_ingress_log,
    write_metrics,
    write_slow_log,
    write_traces,
)

MIRROR = "gothinkster+spring-boot-realworld-example-app"
BASE = "ee17e31aafe733d98c4853c8b9a74d7f2f6c924a"
SRC = "src/main/java/io/spring"
RES = "src/main/resources"

A = {
    "maya": ("Maya Lindqvist", "maya.lindqvist@conduit.example.org"),
    "omar": ("Omar Haddad", "omar.haddad@conduit.example.org"),
    "jun": ("Jun Takahashi", "jun.takahashi@conduit.example.org"),
    "lena": ("Lena Fischer", "lena.fischer@conduit.example.org"),
    "wei": ("Chen Wei", "chen.wei@conduit.example.org"),
    "priya": ("Priya Raman", "priya.raman@conduit.example.org"),
    "bot": ("renovate[bot]", "29139614+renovate[bot]@users.noreply.github.com"),
}

CODEOWNERS = """# Reviews are requested from the owning team automatically
*                                              @conduit/platform
/src/main/java/io/spring/api/                  @conduit/web-api
/src/main/java/io/spring/api/security/         @conduit/identity
/src/main/java/io/spring/application/          @conduit/content
/src/main/java/io/spring/core/                 @conduit/content
/src/main/java/io/spring/core/user/            @conduit/identity
/src/main/java/io/spring/infrastructure/       @conduit/platform
/src/main/java/io/spring/infrastructure/service/  @conduit/identity
/src/main/resources/mapper/                    @conduit/content @conduit/dba
/src/main/resources/application*.properties    @conduit/platform
/build.gradle                                  @conduit/platform
"""

PROD_PROPERTIES = """# production profile (conduit namespace, MySQL 8 primary + Hikari)
spring.datasource.url=jdbc:mysql://mysql-primary.conduit.svc:3306/conduit?useSSL=false&serverTimezone=UTC&characterEncoding=utf8
spring.datasource.driver-class-name=com.mysql.cj.jdbc.Driver
spring.datasource.username=${DB_USER}
spring.datasource.password=${DB_PASSWORD}
spring.datasource.hikari.maximum-pool-size=20
spring.datasource.hikari.minimum-idle=10
spring.datasource.hikari.connection-timeout=5000
spring.datasource.hikari.max-lifetime=1740000
spring.flyway.enabled=false
server.tomcat.threads.max=200
logging.level.io.spring.infrastructure.mybatis=INFO
"""

LOGBACK = """<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <include resource="org/springframework/boot/logging/logback/defaults.xml"/>
  <appender name="FILE" class="ch.qos.logback.core.rolling.RollingFileAppender">
    <file>/var/log/conduit/conduit-api.log</file>
    <rollingPolicy class="ch.qos.logback.core.rolling.TimeBasedRollingPolicy">
      <fileNamePattern>/var/log/conduit/conduit-api.%d{yyyy-MM-dd}.log</fileNamePattern>
      <maxHistory>7</maxHistory>
    </rollingPolicy>
    <encoder><pattern>%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] [%X{trace_id:-}] %logger{36} - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
"""  # noqa: E501 (logback.xml planted verbatim)

REQUEST_LOG = """package io.spring.api;

import java.io.IOException;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import lombok.extern.slf4j.Slf4j;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/** One INFO line per request (method, path, status, time); the trace id comes from the OTel agent's MDC. */
@Slf4j
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class AccessLogFilter extends OncePerRequestFilter {
  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long start = System.nanoTime();
    try {
      chain.doFilter(request, response);
    } finally {
      long ms = (System.nanoTime() - start) / 1_000_000;
      log.info("{} {} -> {} in {} ms", request.getMethod(), request.getRequestURI(), response.getStatus(), ms);
    }
  }
}
"""

ONCALL = """# Conduit on-call runbook

- `conduit-api` runs in namespace `conduit` (2 replicas behind ingress-nginx, proxy-read-timeout 60s),
  profile `prod`, MySQL 8 primary `mysql-primary.conduit.svc` (managed, multi-AZ, automatic failover).
- Releases are tagged `v2026.11.N`; the pipeline rolls the deployment out ~15 minutes after the tag.
- Hikari: 20 connections per pod, `connection-timeout` 5 s (application-prod.properties).
- Known noise: `HikariPool-1 - Failed to validate connection` after idle periods (proxy idle timeout),
  `Resolved [...MethodArgumentNotValidException...]` from clients posting empty comments, 404s for
  deleted article slugs from search-engine crawlers.
- Rollback: re-run the pipeline on the previous tag (~10 min).
"""

DOMAIN = """# Conduit domain model

Conduit is a Medium-like blogging platform (RealWorld spec). Data size in production: articles 2.4 M rows
(body TEXT, avg 6 KB), article_tags 9.1 M, tags 61 k, comments 14 M, article_favorites 31 M, users 1.3 M,
follows 22 M. MySQL 8 primary, Hikari 20 connections per pod, 2 pods.

## Bounded context: Content (@conduit/content)

### Aggregate: Article (root)

`core.article.Article` with its `Tag`s; persisted by `MyBatisArticleRepository` (`ArticleMapper.xml`).
Read side (CQRS-style) in `application.ArticleQueryService` over `ArticleReadService.xml`: lists by tag,
author, favorited-by, the follow feed, and per-article favourite counts.

Invariants: the slug is unique and derived from the title; only the author may edit or delete.

### Aggregate: Comment

`core.comment.Comment` (body, article id, author user id), `CommentsApi`, read side
`CommentQueryService` / `CommentReadService.xml` (comments joined with their author's profile).

Invariants: every comment has an author (`user_id` references `users.id`); a comment is deleted by its author
or the article's author.

## Bounded context: Identity (@conduit/identity)

`core.user.User`, follow relations; JWT (HS512, jjwt) issued by `DefaultJwtService` at login/registration and
checked on every request by `JwtTokenFilter`, which loads the user by id from the database.

## Bounded context: Web API (@conduit/web-api)

REST controllers under `io.spring.api` (`/articles`, `/articles/{slug}/comments`, `/tags`, `/user`,
`/profiles`), GraphQL via DGS at `/graphql` (little used).

## Glossary

- **Slug**: URL key of an article, derived from its title.
- **Feed**: articles of the authors the current user follows.
"""

OWNERSHIP = """# Teams

| team | owns | on-call channel |
|---|---|---|
| @conduit/web-api | REST controllers, request validation | #conduit-api-oncall |
| @conduit/content | articles, comments, tags, read models, mappers | #conduit-content |
| @conduit/identity | users, JWT, security config | #conduit-identity |
| @conduit/platform | build, dependencies, configuration, infrastructure | #conduit-platform |
| @conduit/dba | MySQL schema, indexes, query review | #conduit-dba |
"""


def design() -> dict[str, str]:
    return {"domain.md": DOMAIN, "ownership.md": OWNERSHIP, "CODEOWNERS": CODEOWNERS}


def _platform(day: datetime) -> list[Commit]:
    return [
        Commit(A["lena"], day - timedelta(days=25, hours=-3), "Add CODEOWNERS so reviews go to the owning team",
               [Edit(".github/CODEOWNERS", None, CODEOWNERS)]),
        Commit(A["lena"], day - timedelta(days=22, hours=-5),
               "Production profile: MySQL 8, Hikari sizing, file logging with trace ids\n\n"
               "SQLite stays the default for local runs; prod uses application-prod.properties.",
               [Edit(f"{RES}/application-prod.properties", None, PROD_PROPERTIES),
                Edit(f"{RES}/logback-spring.xml", None, LOGBACK),
                Edit("build.gradle", "    implementation 'org.xerial:sqlite-jdbc:3.36.0.3'\n",
                     "    implementation 'org.xerial:sqlite-jdbc:3.36.0.3'\n"
                     "    runtimeOnly 'mysql:mysql-connector-java:8.0.28'\n")]),
        Commit(A["omar"], day - timedelta(days=20, hours=-2), "Access log filter: one line per request",
               [Edit(f"{SRC}/api/AccessLogFilter.java", None, REQUEST_LOG)]),
        Commit(A["priya"], day - timedelta(days=17, hours=-6), "docs: on-call runbook",
               [Edit("docs/oncall.md", None, ONCALL)]),
    ]


def _decoys(day: datetime) -> dict[str, Commit]:
    return {
        "readme": Commit(A["priya"], day - timedelta(days=6, hours=-3), "README: document the prod profile",
                         [Edit("README.md", "# ![RealWorld Example App using Kotlin and Spring](example-logo.png)\n",
                               "# ![RealWorld Example App using Kotlin and Spring](example-logo.png)\n\n"
                               "Production: see docs/oncall.md and application-prod.properties.\n")]),
        "article_javadoc": Commit(A["jun"], day - timedelta(days=5, hours=-4),
                                  "ArticleQueryService: explain the two list code paths",
                                  [Edit(f"{SRC}/application/ArticleQueryService.java",
                                        "  public ArticleDataList findRecentArticles(\n",
                                        "  /** Offset-paged list used by the REST API; the cursor variant serves "
                                        "GraphQL. */\n"
                                        "  public ArticleDataList findRecentArticles(\n")]),
        "comment_msg": Commit(A["maya"], day - timedelta(days=4, hours=-5), "Comments: clearer validation message",
                              [Edit(f"{SRC}/api/CommentsApi.java", '@NotBlank(message = "can\'t be empty")',
                                    '@NotBlank(message = "comment body can\'t be empty")')]),
        "hikari_lifetime": Commit(A["lena"], day - timedelta(days=3, hours=-2),
                                  "Hikari: keepalive below the proxy idle timeout\n\n"
                                  "Silences most 'Failed to validate connection' warnings after quiet periods.",
                                  [Edit(f"{RES}/application-prod.properties",
                                        "spring.datasource.hikari.max-lifetime=1740000\n",
                                        "spring.datasource.hikari.max-lifetime=1740000\n"
                                        "spring.datasource.hikari.keepalive-time=240000\n")]),
        "tags_sort": Commit(A["wei"], day - timedelta(days=2, hours=-3), "TagReadService: comment on ordering",
                            [Edit(f"{RES}/mapper/TagReadService.xml", "<mapper ",
                                  "<!-- tags are returned unordered; the web client sorts them -->\n<mapper ")]),
        "profile_test": Commit(A["omar"], day - timedelta(days=1, hours=-4), "test fixtures: profile examples",
                               [Edit("src/test/resources/fixtures/profiles.md", None,
                                     "# Profile fixtures\n\n- jake: bio set, image set\n"
                                     "- anon_reader: no bio, no image\n")]),
        "gradle_spotless": Commit(A["bot"], day - timedelta(days=1, hours=-1),
                                  "chore(deps): update plugin com.diffplug.spotless to v6.2.2",
                                  [Edit("build.gradle", 'id "com.diffplug.spotless" version "6.2.1"',
                                        'id "com.diffplug.spotless" version "6.2.2"')]),
        "runbook": Commit(A["priya"], day - timedelta(hours=21), "runbook: MySQL failover notes",
                          [Edit("docs/oncall.md", "- Rollback:",
                                "- A managed MySQL failover takes 60-120 s; Hikari reconnects by itself.\n"
                                "- Rollback:")]),
    }


def decoys(day: datetime, *names: str) -> list[Commit]:
    table = _decoys(day)
    return [table[n] for n in names]


def history(day: datetime, items: list[Commit]) -> History:
    return History(commits=sorted([*_platform(day), *items], key=lambda c: c.when))


# ------------------------------------------------------------------ framework frames (Boot 2.6.3, Java 11)

J11_REFLECT = [
    "java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)",
    "java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke(NativeMethodAccessorImpl.java:62)",
    "java.base/jdk.internal.reflect.DelegatingMethodAccessorImpl.invoke(DelegatingMethodAccessorImpl.java:43)",
    "java.base/java.lang.reflect.Method.invoke(Method.java:566)",
]

_TAIL = [
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:189)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:162)",
    "org.springframework.web.filter.RequestContextFilter.doFilterInternal(RequestContextFilter.java:100)",
    "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:189)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:162)",
    "org.springframework.web.filter.FormContentFilter.doFilterInternal(FormContentFilter.java:93)",
    "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:189)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:162)",
    "io.spring.api.AccessLogFilter.doFilterInternal(AccessLogFilter.java:{access})",
    "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:189)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:162)",
    "org.springframework.web.filter.CharacterEncodingFilter.doFilterInternal(CharacterEncodingFilter.java:201)",
    "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:189)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:162)",
    "org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:197)",
    "org.apache.catalina.core.StandardContextValve.invoke(StandardContextValve.java:97)",
    "org.apache.catalina.authenticator.AuthenticatorBase.invoke(AuthenticatorBase.java:540)",
    "org.apache.catalina.core.StandardHostValve.invoke(StandardHostValve.java:135)",
    "org.apache.catalina.valves.ErrorReportValve.invoke(ErrorReportValve.java:92)",
    "org.apache.catalina.core.StandardEngineValve.invoke(StandardEngineValve.java:78)",
    "org.apache.catalina.connector.CoyoteAdapter.service(CoyoteAdapter.java:357)",
    "org.apache.coyote.http11.Http11Processor.service(Http11Processor.java:382)",
    "org.apache.coyote.AbstractProcessorLight.process(AbstractProcessorLight.java:65)",
    "org.apache.coyote.AbstractProtocol$ConnectionHandler.process(AbstractProtocol.java:895)",
    "org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:1722)",
    "org.apache.tomcat.util.net.SocketProcessorBase.run(SocketProcessorBase.java:49)",
    "org.apache.tomcat.util.threads.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1191)",
    "org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:659)",
    "org.apache.tomcat.util.threads.TaskThread$WrappingRunnable.run(TaskThread.java:61)",
    "java.base/java.lang.Thread.run(Thread.java:829)",
]

_CHAIN = "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:336)"


def security(jwt_frames: list[str], access_line: int) -> list[str]:
    """Spring Security's chain from just below JwtTokenFilter.doFilterInternal down to the Tomcat worker."""
    return [
        *jwt_frames,
        "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
        _CHAIN,
        "org.springframework.security.web.authentication.logout.LogoutFilter.doFilter(LogoutFilter.java:103)",
        "org.springframework.security.web.authentication.logout.LogoutFilter.doFilter(LogoutFilter.java:89)",
        _CHAIN,
        "org.springframework.web.filter.CorsFilter.doFilterInternal(CorsFilter.java:91)",
        "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
        _CHAIN,
        "org.springframework.security.web.header.HeaderWriterFilter.doHeadersAfter(HeaderWriterFilter.java:90)",
        "org.springframework.security.web.header.HeaderWriterFilter.doFilterInternal(HeaderWriterFilter.java:75)",
        "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
        _CHAIN,
        "org.springframework.security.web.context.SecurityContextPersistenceFilter.doFilter(SecurityContextPersistenceFilter.java:110)",
        "org.springframework.security.web.context.SecurityContextPersistenceFilter.doFilter(SecurityContextPersistenceFilter.java:80)",
        _CHAIN,
        "org.springframework.security.web.context.request.async.WebAsyncManagerIntegrationFilter.doFilterInternal(WebAsyncManagerIntegrationFilter.java:55)",
        "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
        _CHAIN,
        "org.springframework.security.web.FilterChainProxy.doFilterInternal(FilterChainProxy.java:211)",
        "org.springframework.security.web.FilterChainProxy.doFilter(FilterChainProxy.java:183)",
        "org.springframework.web.filter.DelegatingFilterProxy.invokeDelegate(DelegatingFilterProxy.java:358)",
        "org.springframework.web.filter.DelegatingFilterProxy.doFilter(DelegatingFilterProxy.java:271)",
        "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:189)",
        "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:162)",
        *[f.replace("{access}", str(access_line)) for f in _TAIL],
    ]


def mvc(http: str, jwt_pass: int, access_line: int) -> list[str]:
    verb = {"GET": "doGet", "POST": "doPost", "PUT": "doPut", "DELETE": "doDelete"}[http]
    servlet_line = {"GET": 655, "POST": 764, "PUT": 764, "DELETE": 764}[http]
    fw_line = {"GET": 898, "POST": 909, "PUT": 920, "DELETE": 931}[http]
    frames = [
        *J11_REFLECT,
        "org.springframework.web.method.support.InvocableHandlerMethod.doInvoke(InvocableHandlerMethod.java:205)",
        "org.springframework.web.method.support.InvocableHandlerMethod.invokeForRequest(InvocableHandlerMethod.java:150)",
        "org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod.invokeAndHandle(ServletInvocableHandlerMethod.java:117)",
        "org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.invokeHandlerMethod(RequestMappingHandlerAdapter.java:895)",
        "org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.handleInternal(RequestMappingHandlerAdapter.java:808)",
        "org.springframework.web.servlet.mvc.method.AbstractHandlerMethodAdapter.handle(AbstractHandlerMethodAdapter.java:87)",
        "org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1067)",
        "org.springframework.web.servlet.DispatcherServlet.doService(DispatcherServlet.java:963)",
        "org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1006)",
        f"org.springframework.web.servlet.FrameworkServlet.{verb}(FrameworkServlet.java:{fw_line})",
    ]
    if http in ("GET", "POST"):
        frames.append("javax.servlet.http.HttpServlet.service("
                      f"HttpServlet.java:{servlet_line if http == 'GET' else 681})")
    frames += [
        "org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:883)",
        "javax.servlet.http.HttpServlet.service(HttpServlet.java:764)",
        "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:227)",
        "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:162)",
        "org.apache.tomcat.websocket.server.WsFilter.doFilter(WsFilter.java:53)",
        "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:189)",
        "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:162)",
        _CHAIN,
        "org.springframework.security.web.access.intercept.FilterSecurityInterceptor.invoke(FilterSecurityInterceptor.java:115)",
        "org.springframework.security.web.access.intercept.FilterSecurityInterceptor.doFilter(FilterSecurityInterceptor.java:81)",
        _CHAIN,
        "org.springframework.security.web.access.ExceptionTranslationFilter.doFilter(ExceptionTranslationFilter.java:121)",
        "org.springframework.security.web.access.ExceptionTranslationFilter.doFilter(ExceptionTranslationFilter.java:115)",
        _CHAIN,
        "org.springframework.security.web.session.SessionManagementFilter.doFilter(SessionManagementFilter.java:126)",
        "org.springframework.security.web.session.SessionManagementFilter.doFilter(SessionManagementFilter.java:81)",
        _CHAIN,
        "org.springframework.security.web.authentication.AnonymousAuthenticationFilter.doFilter(AnonymousAuthenticationFilter.java:105)",
        _CHAIN,
        "org.springframework.security.web.servletapi.SecurityContextHolderAwareRequestFilter.doFilter(SecurityContextHolderAwareRequestFilter.java:149)",
        _CHAIN,
        "org.springframework.security.web.savedrequest.RequestCacheAwareFilter.doFilter(RequestCacheAwareFilter.java:63)",
        _CHAIN,
        f"io.spring.api.security.JwtTokenFilter.doFilterInternal(JwtTokenFilter.java:{jwt_pass})",
    ]
    return frames[:-1] + security([frames[-1]], access_line)


def mapper(fqn: str, method: str, proxy: int, kind: str = "many") -> list[str]:
    """MyBatis frames from the executor's query up to the mapper proxy call."""
    select = {"many": ["org.apache.ibatis.session.defaults.DefaultSqlSession.selectList(DefaultSqlSession.java:151)",
                       "org.apache.ibatis.session.defaults.DefaultSqlSession.selectList(DefaultSqlSession.java:145)",
                       "org.apache.ibatis.session.defaults.DefaultSqlSession.selectList(DefaultSqlSession.java:140)"],
              "one": ["org.apache.ibatis.session.defaults.DefaultSqlSession.selectList(DefaultSqlSession.java:151)",
                      "org.apache.ibatis.session.defaults.DefaultSqlSession.selectList(DefaultSqlSession.java:145)",
                      "org.apache.ibatis.session.defaults.DefaultSqlSession.selectList(DefaultSqlSession.java:140)",
                      "org.apache.ibatis.session.defaults.DefaultSqlSession.selectOne(DefaultSqlSession.java:76)"]}[kind]
    api = "selectList" if kind == "many" else "selectOne"
    frames = ["org.apache.ibatis.executor.CachingExecutor.query(CachingExecutor.java:110)",
              "org.apache.ibatis.executor.CachingExecutor.query(CachingExecutor.java:90)",
              *select,
              "java.base/jdk.internal.reflect.GeneratedMethodAccessor118.invoke(Unknown Source)",
              "java.base/jdk.internal.reflect.DelegatingMethodAccessorImpl.invoke(DelegatingMethodAccessorImpl.java:43)",
              "java.base/java.lang.reflect.Method.invoke(Method.java:566)",
              "org.mybatis.spring.SqlSessionTemplate$SqlSessionInterceptor.invoke(SqlSessionTemplate.java:427)",
              f"com.sun.proxy.$Proxy87.{api}(Unknown Source)",
              f"org.mybatis.spring.SqlSessionTemplate.{api}(SqlSessionTemplate.java:{224 if kind == 'many' else 167})"]
    if kind == "many":
        frames += ["org.apache.ibatis.binding.MapperMethod.executeForMany(MapperMethod.java:166)",
                   "org.apache.ibatis.binding.MapperMethod.execute(MapperMethod.java:77)"]
    else:
        frames += ["org.apache.ibatis.binding.MapperMethod.execute(MapperMethod.java:87)"]
    frames += ["org.apache.ibatis.binding.MapperProxy$PlainMethodInvoker.invoke(MapperProxy.java:145)",
               "org.apache.ibatis.binding.MapperProxy.invoke(MapperProxy.java:86)",
               f"com.sun.proxy.$Proxy{proxy}.{method}(Unknown Source)"]
    return frames


def repo_proxy(cls: str, method: str, top: str, enhancer: str) -> list[str]:
    """A @Repository bean proxied by CGLIB (PersistenceExceptionTranslationInterceptor)."""
    return [top,
            f"{cls}$$FastClassBySpringCGLIB$${enhancer[:8]}.invoke(<generated>)",
            "org.springframework.cglib.proxy.MethodProxy.invoke(MethodProxy.java:218)",
            "org.springframework.aop.framework.CglibAopProxy$CglibMethodInvocation.invokeJoinpoint(CglibAopProxy.java:783)",
            "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:163)",
            "org.springframework.aop.framework.CglibAopProxy$CglibMethodInvocation.proceed(CglibAopProxy.java:753)",
            "org.springframework.dao.support.PersistenceExceptionTranslationInterceptor.invoke(PersistenceExceptionTranslationInterceptor.java:137)",
            "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:186)",
            "org.springframework.aop.framework.CglibAopProxy$CglibMethodInvocation.proceed(CglibAopProxy.java:753)",
            "org.springframework.aop.framework.CglibAopProxy$DynamicAdvisedInterceptor.intercept(CglibAopProxy.java:698)",
            f"{cls}$$EnhancerBySpringCGLIB$${enhancer}.{method}(<generated>)"]


HIKARI_GET = [
    "com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)",
    "com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)",
    "com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:146)",
    "com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:100)",
    "org.springframework.jdbc.datasource.DataSourceUtils.fetchConnection(DataSourceUtils.java:159)",
    "org.springframework.jdbc.datasource.DataSourceUtils.doGetConnection(DataSourceUtils.java:117)",
    "org.springframework.jdbc.datasource.DataSourceUtils.getConnection(DataSourceUtils.java:80)",
    "org.mybatis.spring.transaction.SpringManagedTransaction.openConnection(SpringManagedTransaction.java:80)",
    "org.mybatis.spring.transaction.SpringManagedTransaction.getConnection(SpringManagedTransaction.java:67)",
    "org.apache.ibatis.executor.BaseExecutor.getConnection(BaseExecutor.java:337)",
    "org.apache.ibatis.executor.SimpleExecutor.prepareStatement(SimpleExecutor.java:86)",
    "org.apache.ibatis.executor.SimpleExecutor.doQuery(SimpleExecutor.java:62)",
    "org.apache.ibatis.executor.BaseExecutor.queryFromDatabase(BaseExecutor.java:325)",
    "org.apache.ibatis.executor.BaseExecutor.query(BaseExecutor.java:156)",
]

STATEMENT_EXEC = [
    "com.mysql.cj.jdbc.ClientPreparedStatement.executeInternal(ClientPreparedStatement.java:953)",
    "com.mysql.cj.jdbc.ClientPreparedStatement.execute(ClientPreparedStatement.java:370)",
    "com.zaxxer.hikari.pool.ProxyPreparedStatement.execute(ProxyPreparedStatement.java:44)",
    "com.zaxxer.hikari.pool.HikariProxyPreparedStatement.execute(HikariProxyPreparedStatement.java)",
    "org.apache.ibatis.executor.statement.PreparedStatementHandler.query(PreparedStatementHandler.java:64)",
    "org.apache.ibatis.executor.statement.RoutingStatementHandler.query(RoutingStatementHandler.java:79)",
    "org.apache.ibatis.executor.SimpleExecutor.doQuery(SimpleExecutor.java:63)",
    "org.apache.ibatis.executor.BaseExecutor.queryFromDatabase(BaseExecutor.java:325)",
    "org.apache.ibatis.executor.BaseExecutor.query(BaseExecutor.java:156)",
]

# ------------------------------------------------------------------ routes and the deployed code


SLUGS = ["how-to-train-your-dragon", "why-we-moved-off-kubernetes", "rust-for-java-developers",
         "the-boring-database-wins", "a-year-of-remote-work", "spring-boot-tips-i-wish-i-knew",
         "postgres-vs-mysql-in-2026", "writing-a-tiny-interpreter", "on-code-review", "kafka-is-not-a-database"]
TAGS = ["java", "rust", "devops", "career", "databases", "kotlin", "react", "architecture"]
USERS = ["jake", "mira_codes", "tobias", "ana-k", "devnull", "rshah", "linh.tran", "oskar"]

ART_SQL = ("select DISTINCT(A.id) articleId, A.created_at from articles A left join article_tags AT on A.id = "
           "AT.article_id left join tags T on T.id = AT.tag_id left join article_favorites AF on AF.article_id = A.id "
           "left join users AU on AU.id = A.user_id left join users AFU on AFU.id = AF.user_id WHERE T.name = ? "
           "order by A.created_at desc limit ?, ?")
COUNT_SQL = ("select count(DISTINCT A.id) from articles A left join article_tags AT on A.id = AT.article_id left join "
             "tags T on T.id = AT.tag_id left join article_favorites AF on AF.article_id = A.id left join users AU on "
             "AU.id = A.user_id left join users AFU on AFU.id = AF.user_id WHERE T.name = ?")
ONE_SQL = ("select A.id articleId, A.slug articleSlug, A.title articleTitle, A.description articleDescription, "
           "A.body articleBody, A.created_at articleCreatedAt, A.updated_at articleUpdatedAt, T.name tagName, U.id "
           "userId, U.username userUsername, U.bio userBio, U.image userImage from articles A left join article_tags "
           "AT on A.id = AT.article_id left join tags T on T.id = AT.tag_id left join users U on U.id = A.user_id "
           "where A.slug = ?")
COMMENTS_SQL = ("SELECT C.id commentId, C.body commentBody, C.created_at commentCreatedAt, C.article_id "
                "commentArticleId, U.id userId, U.username userUsername, U.bio userBio, U.image userImage from "
                "comments C left join users U on C.user_id = U.id where C.article_id = ?")
USER_SQL = "select id, username, email, password, bio, image from users where id = ?"


def _routes() -> dict[str, Route]:
    def slug(r: random.Random) -> str:
        return SLUGS[min(len(SLUGS) - 1, int(r.paretovariate(1.3)) - 1)] + f"-{r.choice(['ab12', 'k9x1', 'q3z7'])}"

    def articles(r: random.Random) -> str:
        if r.random() < 0.45:
            return f"/articles?tag={r.choice(TAGS)}&limit=10&offset={r.choice([0, 0, 0, 10, 20])}"
        return f"/articles?limit=10&offset={r.choice([0, 0, 10])}"

    api = "io.spring.api"
    return {
        "articles": Route("articles", "GET", "/articles", articles, 26, f"{api}.ArticlesApi", "getArticles", 9, 35,
                          [("SELECT", "articles", ART_SQL), ("SELECT", "articles", COUNT_SQL)], 21000),
        "feed": Route("feed", "GET", "/articles/feed", lambda r: "/articles/feed?limit=10&offset=0", 7,
                      f"{api}.ArticlesApi", "getFeed", 8, 30,
                      [("SELECT", "follows", "select follow_id from follows where user_id = ?")], 19000, auth=True),
        "article": Route("article", "GET", "/articles/{slug}", lambda r: f"/articles/{slug(r)}", 20,
                         f"{api}.ArticleApi", "article", 6, 9, [("SELECT", "articles", ONE_SQL)], 7200),
        "comments": Route("comments", "GET", "/articles/{slug}/comments", lambda r: f"/articles/{slug(r)}/comments", 15,
                          f"{api}.CommentsApi", "getComments", 6, 11,
                          [("SELECT", "articles", ("select id, user_id, slug, title, description, body, created_at, "
                            "updated_at from articles where slug = ?")), ("SELECT", "comments", COMMENTS_SQL)], 5400),
        "tags": Route("tags", "GET", "/tags", lambda r: "/tags", 10, f"{api}.TagsApi", "getTags", 4, 6,
                      [("SELECT", "tags", "select distinct name from tags")], 2600),
        "user": Route("user", "GET", "/user", lambda r: "/user", 6, f"{api}.CurrentUserApi", "currentUser", 4, 3,
                      [("SELECT", "users", USER_SQL)], 600, auth=True),
        "profile": Route("profile", "GET", "/profiles/{username}", lambda r: f"/profiles/{r.choice(USERS)}", 5,
                         f"{api}.ProfileApi", "getProfile", 4, 4,
                         [("SELECT", "users", "select id, username, bio, image from users where username = ?")], 500),
        "login": Route("login", "POST", "/users/login", lambda r: "/users/login", 2, f"{api}.UsersApi", "userLogin",
                       70, 4, [("SELECT", "users", ("select id, username, email, password, bio, image from users where "
                               "email = ?"))], 700),
        "favorite": Route("favorite", "POST", "/articles/{slug}/favorite", lambda r: f"/articles/{slug(r)}/favorite", 2,
                          f"{api}.ArticleFavoriteApi", "favoriteArticle", 6, 8,
                          [("INSERT", "article_favorites",
                            ("insert into article_favorites (article_id, user_id) values "
                            "(?, ?)"))], 7000, auth=True),
        "comment_post": Route("comment_post", "POST", "/articles/{slug}/comments",
                              lambda r: f"/articles/{slug(r)}/comments", 1.5, f"{api}.CommentsApi", "createComment", 7,
                              10, [("INSERT", "comments", ("insert into comments(id, body, user_id, article_id, "
                                    "created_at, updated_at) values (?, ?, ?, ?, ?, ?)"))], 800, ok_status=201,
                              auth=True),
    }


PODS = ("conduit-api-5f7c8d9b6-qk4tz", "conduit-api-7b9d6c5f4-wm2rx")
POD_IPS = ("10.44.3.17", "10.44.5.40")
AGENTS = ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
          "Safari/537.36",
          "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/18.1 Mobile/15E148 Safari/604.1",
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
          "conduit-android/3.8.1 (okhttp/4.12.0)"]
TOMCAT = "org.apache.catalina.core.ContainerBase.[Tomcat].[localhost].[/].[dispatcherServlet]"
TRACE = {"service": "conduit-api", "namespace": "conduit", "host": "conduit-api.conduit.svc.cluster.local",
         "db_name": "conduit", "db_host": "mysql-primary.conduit.svc", "java": "11.0.25+9"}


def signed_in(r: Request) -> bool:
    return r.route.auth or int(r.trace_id[6:8], 16) % 5 < 2


class Ctx:
    """Line numbers read from the deployed revision."""

    def __init__(self, repo: Path, rev: str) -> None:
        self.repo, self.rev = repo, rev
        self.access = line_of(repo, rev, f"{SRC}/api/AccessLogFilter.java", "chain.doFilter(request, response);")
        self.jwt_pass = line_of(repo, rev, f"{SRC}/api/security/JwtTokenFilter.java",
                                "filterChain.doFilter(request, response);")

    def at(self, cls: str, method: str, anchor: str, nth: int = 1) -> str:
        path = f"{SRC}/{cls.replace('.', '/')}.java"
        return f"io.spring.{cls}.{method}({path.rsplit('/', 1)[1]}:{line_of(self.repo, self.rev, path, anchor, nth)})"

    def mvc(self, route: Route) -> list[str]:
        return mvc(route.method, self.jwt_pass, self.access)

    def controller(self, route: Route) -> str:
        anchors = {
            "articles": ("api.ArticlesApi", "articleQueryService.findRecentArticles(", 1),
            "feed": ("api.ArticlesApi", "articleQueryService.findUserFeed(user, new Page(offset, limit))", 1),
            "article": ("api.ArticleApi", ".findBySlug(slug, user)", 1),
            "comments": ("api.CommentsApi", "articleRepository.findBySlug(slug).orElseThrow", 2),
            "comment_post": ("api.CommentsApi", "articleRepository.findBySlug(slug).orElseThrow", 1),
            "tags": ("api.TagsApi", "tagsQueryService.allTags()", 1),
            "user": ("api.CurrentUserApi", "userQueryService.findById(currentUser.getId()).get();", 1),
            "profile": ("api.ProfileApi", "return profileQueryService", 1),
            "login": ("api.UsersApi", "userRepository.findByEmail(loginParam.getEmail());", 1),
            "favorite": ("api.ArticleFavoriteApi", "articleRepository", 2),
            "guest_comment": ("api.GuestCommentsApi", "articleRepository.findBySlug(slug)", 1),
        }
        cls, anchor, nth = anchors[route.name]
        return self.at(cls, route.handler, anchor, nth)

    def article_repo(self, method: str, anchor: str) -> list[str]:
        top = self.at("infrastructure.repository.MyBatisArticleRepository", method, anchor)
        return repo_proxy("io.spring.infrastructure.repository.MyBatisArticleRepository", method, top, "7d1c3a52")

    def first_query(self, route: Route) -> tuple[list[str], str, str, int, str]:
        """(app frames above the controller, mapper FQN, method, proxy number, kind) of the route's first query."""
        rs = "io.spring.infrastructure.mybatis.readservice."
        mp = "io.spring.infrastructure.mybatis.mapper."
        n = route.name
        if n == "articles":
            try:
                call = self.at("application.ArticleQueryService", "findRecentArticles",
                               "articleReadService.queryArticles(tag, author, favoritedBy, page);")
            except BuildError:  # the revision with the keyword search
                call = self.at("application.ArticleQueryService", "findRecentArticles",
                               "articleReadService.queryArticles(tag, author, favoritedBy, q, page);")
            return ([call],
                    rs + "ArticleReadService", "queryArticles", 112, "many")
        if n == "feed":
            return ([self.at("application.ArticleQueryService", "findUserFeed",
                             "userRelationshipQueryService.followedUsers(user.getId());", 2)],
                    rs + "UserRelationshipQueryService", "followedUsers", 118, "many")
        if n == "article":
            return ([self.at("application.ArticleQueryService", "findBySlug", "articleReadService.findBySlug(slug);")],
                    rs + "ArticleReadService", "findBySlug", 112, "one")
        if n in ("comments", "comment_post", "favorite", "guest_comment"):
            return (self.article_repo("findBySlug", "articleMapper.findBySlug(slug)"), mp + "ArticleMapper",
                    "findBySlug", 104, "one")
        if n == "tags":
            return ([self.at("application.TagsQueryService", "allTags", "return tagReadService.all();")],
                    rs + "TagReadService", "all", 115, "many")
        if n == "user":
            return ([self.at("application.UserQueryService", "findById", "userReadService.findById(id)")],
                    rs + "UserReadService", "findById", 109, "one")
        if n == "profile":
            return ([self.at("application.ProfileQueryService", "findByUsername",
                             "userReadService.findByUsername(username);")], rs + "UserReadService", "findByUsername",
                    109, "one")
        if n == "login":
            top = self.at("infrastructure.repository.MyBatisUserRepository", "findByEmail",
                          "userMapper.findByEmail(email)")
            return (repo_proxy("io.spring.infrastructure.repository.MyBatisUserRepository", "findByEmail", top,
                               "3e8b5f19"),
                    mp + "UserMapper", "findByEmail", 101, "one")
        raise KeyError(n)

    def jwt_frames(self) -> list[str]:
        """From MyBatisUserRepository.findById (the filter's user lookup) down to the filter's doFilterInternal."""
        top = self.at("infrastructure.repository.MyBatisUserRepository", "findById", "userMapper.findById(id)")
        jwt = f"{SRC}/api/security/JwtTokenFilter.java"
        return [*repo_proxy("io.spring.infrastructure.repository.MyBatisUserRepository", "findById", top, "3e8b5f19"),
                (f"io.spring.api.security.JwtTokenFilter.lambda$doFilterInternal$1(JwtTokenFilter.java:"
                f"{line_of(self.repo, self.rev, jwt, '.findById(id)')})"),
                "java.base/java.util.Optional.ifPresent(Optional.java:183)",
                (f"io.spring.api.security.JwtTokenFilter.doFilterInternal(JwtTokenFilter.java:"
                f"{line_of(self.repo, self.rev, jwt, '.ifPresent(')})")]

    def db_chain(self, route: Route, cause: list[Exc], spring: tuple[str, str], in_filter: bool,
                 get_connection: bool = True) -> list[Exc]:
        """MyBatisSystemException/DataAccessException chain around a JDBC failure at the route's first query."""
        if in_filter:
            service, fqn, method, proxy, kind = ([], "io.spring.infrastructure.mybatis.mapper.UserMapper", "findById",
                                                 101, "one")
            below = self.jwt_frames()
            below = below[:-1] + security([below[-1]], self.access)
        else:
            service, fqn, method, proxy, kind = self.first_query(route)
            below = [*service, self.controller(route), *self.mvc(route)]
        mframes = mapper(fqn, method, proxy, kind)
        xml = f"mapper/{fqn.rsplit('.', 1)[1]}.xml"
        root = cause[-1]
        cause_text = f"{root.type}: {root.message}"
        spring_type, spring_msg = spring
        persist = (f"\n### Error querying database.  Cause: {spring_type}: {spring_msg}" if get_connection else
                   f"\n### Error querying database.  Cause: {cause_text}")
        persist += (f"\n### The error may exist in {xml}\n### The error may involve {fqn}.{method}"
                    f"\n### The error occurred while executing a query")
        if not get_connection:
            persist += "\n### SQL: " + route.sql[0][2] if route.sql else ""
        persist += f"\n### Cause: {spring_type}: {spring_msg}" if get_connection else f"\n### Cause: {cause_text}"
        inner = HIKARI_GET if get_connection else STATEMENT_EXEC
        deep = [*inner, *mframes, *below]
        if get_connection:
            head = Exc("org.mybatis.spring.MyBatisSystemException",
                       f"nested exception is org.apache.ibatis.exceptions.PersistenceException: {persist}",
                       ["org.mybatis.spring.MyBatisExceptionTranslator.translateExceptionIfPossible(MyBatisExceptionTranslator.java:96)",
                        "org.mybatis.spring.SqlSessionTemplate$SqlSessionInterceptor.invoke(SqlSessionTemplate.java:441)",
                        *mframes[mframes.index(next(f for f in mframes if "$Proxy87" in f)):], *below])
            return [head,
                    Exc("org.apache.ibatis.exceptions.PersistenceException", persist,
                        ["org.apache.ibatis.exceptions.ExceptionFactory.wrapException(ExceptionFactory.java:30)",
                         *mframes[2:], *below]),
                    Exc(spring_type, spring_msg,
                        ["org.springframework.jdbc.datasource.DataSourceUtils.getConnection(DataSourceUtils.java:83)",
                                                  *deep[7:]]),
                    *[Exc(c.type, c.message, c.frames or deep) for c in cause]]
        head = Exc(spring_type, f"{persist}\n; {spring_msg}; nested exception is {cause_text}",
                   ["org.mybatis.spring.MyBatisExceptionTranslator.translateExceptionIfPossible(MyBatisExceptionTranslator.java:88)",
                    "org.mybatis.spring.SqlSessionTemplate$SqlSessionInterceptor.invoke(SqlSessionTemplate.java:441)",
                    *mframes[mframes.index(next(f for f in mframes if "$Proxy87" in f)):], *below])
        return [head, *[Exc(c.type, c.message, c.frames or deep) for c in cause]]

    def pool_chain(self, route: Route, in_filter: bool, waited_ms: int, total: int, active: int,
                   waiting: int) -> list[Exc]:
        msg = f"HikariPool-1 - Connection is not available, request timed out after {waited_ms}ms."
        return self.db_chain(route, [Exc("java.sql.SQLTransientConnectionException", msg, [])],
                             ("org.springframework.jdbc.CannotGetJdbcConnectionException",
                              "Failed to obtain JDBC Connection; nested exception is "
                              f"java.sql.SQLTransientConnectionException: {msg}"),
                             in_filter)


def tomcat_error(log: AppLog, r: Request, chain: list[Exc], wrapped: bool = True,
                 dispatch: str = "Request processing failed") -> None:
    top = chain[0]
    first = (top.message or "null").split("\n", 1)[0]
    nested = top.type if first in ("null", "") else f"{top.type}: {first}"
    if wrapped:
        msg = ("Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception "
               f"[{dispatch}; nested exception is {nested}] with root cause")
    else:
        msg = "Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception"
    log.add(r.end - 0.002, "ERROR", r.thread, r.trace_id, TOMCAT, msg, chain)


def _startup(log: AppLog, deploy: float, version: str) -> None:
    down = deploy - 25.0
    log.add(down, "INFO", "SpringApplicationShutdownHook", None, "com.zaxxer.hikari.HikariDataSource",
            "HikariPool-1 - Shutdown initiated...")
    log.add(down + 0.2, "INFO", "SpringApplicationShutdownHook", None, "com.zaxxer.hikari.HikariDataSource",
            "HikariPool-1 - Shutdown completed.")
    t = deploy - 18.0
    boot = [
        ("io.spring.RealWorldApplication",
         f"Starting RealWorldApplication v{version} using Java 11.0.25 on {PODS[1]} with PID 1 (/app/conduit-api.jar "
         "started by app in /app)"),
        ("io.spring.RealWorldApplication", "The following profiles are active: prod"),
        ("org.springframework.boot.web.embedded.tomcat.TomcatWebServer",
         "Tomcat initialized with port(s): 8080 (http)"),
        ("org.apache.catalina.core.StandardService", "Starting service [Tomcat]"),
        ("org.apache.catalina.core.StandardEngine", "Starting Servlet engine: [Apache Tomcat/9.0.56]"),
        ("org.springframework.web.context.ContextLoader",
         "Root WebApplicationContext: initialization completed in 2214 ms"),
        ("com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Starting..."),
        ("com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Start completed."),
        ("com.netflix.graphql.dgs.internal.DgsSchemaProvider", "Found 9 DGS components"),
        ("org.springframework.security.web.DefaultSecurityFilterChain",
         ("Will secure any request with [org.springframework.security.web.context.request.async."
          "WebAsyncManagerIntegrationFilter@2f4b9a1c, "
         "org.springframework.security.web.context.SecurityContextPersistenceFilter@61d84e08, "
         "org.springframework.security.web.header.HeaderWriterFilter@5e6443d, "
         "org.springframework.web.filter.CorsFilter@3b4a6c2e, "
         "org.springframework.security.web.authentication.logout.LogoutFilter@7a1d8f3b, "
         "io.spring.api.security.JwtTokenFilter@4c9e2f1a, "
         "org.springframework.security.web.savedrequest.RequestCacheAwareFilter@1f7d3c5e, "
         "org.springframework.security.web.servletapi.SecurityContextHolderAwareRequestFilter@6d2b9f41, "
         "org.springframework.security.web.authentication.AnonymousAuthenticationFilter@58c1e2a7, "
         "org.springframework.security.web.session.SessionManagementFilter@2a5d8b1f, "
         "org.springframework.security.web.access.ExceptionTranslationFilter@7e3f9c2d, "
         "org.springframework.security.web.access.intercept.FilterSecurityInterceptor@19b4c6e8]")),
        ("org.springframework.boot.web.embedded.tomcat.TomcatWebServer",
         "Tomcat started on port(s): 8080 (http) with context path ''"),
        ("io.spring.RealWorldApplication", "Started RealWorldApplication in 15.872 seconds (JVM running for 16.904)"),
    ]
    for i, (logger, msg) in enumerate(boot):
        log.add(t + i * 1.2, "INFO", "main", None, logger, msg)


def _noise(log: AppLog, sc: Scenario) -> None:
    rng = random.Random(f"{sc.seed}-noise")
    t = sc.start.timestamp() + rng.uniform(0, 60)
    while t < sc.end.timestamp():
        log.add(t, "WARN", f"http-nio-8080-exec-{rng.randint(1, 18)}", None, "com.zaxxer.hikari.pool.PoolBase",
                "HikariPool-1 - Failed to validate connection com.mysql.cj.jdbc."
                f"ConnectionImpl@{rng.getrandbits(28):x} (No operations allowed after connection closed.). "
                "Possibly consider using a shorter maxLifetime value.")
        t += rng.uniform(30, 150)
    t = sc.start.timestamp() + rng.uniform(20, 200)
    while t < sc.end.timestamp():
        thread = f"http-nio-8080-exec-{rng.randint(1, 18)}"
        log.add(t, "WARN", thread, f"{rng.getrandbits(128):032x}",
                "org.springframework.web.servlet.mvc.method.annotation.ExceptionHandlerExceptionResolver",
                "Resolved [org.springframework.web.bind.MethodArgumentNotValidException: Validation failed for "
                "argument [2] in public org.springframework.http.ResponseEntity<?> "
                "io.spring.api.CommentsApi.createComment(java.lang."
                "String,io.spring.core.user.User,io.spring.api.NewCommentParam): [Field error in object "
                "'newCommentParam' on field 'body': rejected value [null]; codes "
                "[NotBlank.newCommentParam.body,NotBlank.body,NotBlank.java.lang."
                "String,NotBlank]; arguments [org.springframework.context.support.DefaultMessageSourceResolvable: "
                "codes [newCommentParam.body,body]; arguments []; default message [body]]; default message [can't be "
                "empty]] ]")
        t += rng.uniform(90, 400)
    t = sc.start.timestamp() + rng.uniform(10, 120)
    while t < sc.end.timestamp():
        thread = f"http-nio-8080-exec-{rng.randint(1, 18)}"
        log.add(t, "WARN", thread, f"{rng.getrandbits(128):032x}",
                "org.springframework.web.servlet.mvc.method.annotation.ExceptionHandlerExceptionResolver",
                "Resolved [io.spring.api.exception.ResourceNotFoundException]")
        t += rng.uniform(20, 90)


def _request_lines(log: AppLog, requests: list[Request]) -> None:
    for r in requests:
        if r.extra.get("no_access_line"):
            continue
        uri = r.path.split("?")[0]
        ms = round(r.duration * 1000)
        # the filter's finally block runs while the exception is still propagating: Tomcat has not set the 500 yet
        status = r.route.ok_status if r.status == 500 else r.status
        log.add(r.end - 0.0005, "INFO", r.thread, r.trace_id, "io.spring.api.AccessLogFilter",
                f"{r.route.method} {uri} -> {status} in {ms} ms")


def run_runtime(case: Case, out: Path, sc: Scenario, ctx: Ctx, errors: Callable[[AppLog, Request], None],
                extra: Callable[[AppLog, list[Request]], None] | None = None,
                error_of: Callable[[Request], tuple[str, str] | None] | None = None,
                background_slow: list | None = None, slow: bool = False, leak_mb_per_min: float = 0.0) -> list[Request]:
    requests = simulate(sc)
    log = AppLog(sc.zone)
    if sc.start.timestamp() < sc.deploy.timestamp() < sc.end.timestamp():
        _startup(log, sc.deploy.timestamp(), sc.version_after)
    _noise(log, sc)
    for r in requests:
        if r.pool_timeout:
            waited = round(sc.pool_timeout_s(r.arrival) * 1000) + int(r.trace_id[8:10], 16) % 7
            in_filter = signed_in(r) and int(r.trace_id[10:12], 16) % 3 == 0
            chain = ctx.pool_chain(r.route, in_filter, waited, sc.pool_size(r.arrival), sc.pool_size(r.arrival),
                                   r.waiting_at_failure)
            tomcat_error(log, r, chain, wrapped=not in_filter)
        elif r.fail:
            errors(log, r)
    _request_lines(log, requests)
    if extra:
        extra(log, requests)
    rt = out / "runtime"
    log.write(rt / "conduit-api.log")
    write_ingress_log(rt / "ingress-access.log", requests, sc, "conduit-conduit-api-8080", POD_IPS, AGENTS)
    write_metrics(rt / "metrics" / "jvm-metrics.csv", requests, sc, HIKARI, PODS, heap_max_mb=1536,
                  leak_mb_per_min=leak_mb_per_min)

    def default_error(r: Request) -> tuple[str, str] | None:
        if r.pool_timeout:
            return ("org.mybatis.spring.MyBatisSystemException",
                    "nested exception is org.apache.ibatis.exceptions.PersistenceException")
        return None

    write_traces(rt / "traces" / "traces.json", requests, sc, TraceSpec(error_of=error_of or default_error, **TRACE),
                 log.stacks)
    if slow or background_slow:
        write_slow_log(rt / "sql" / "mysql-slow.log", requests, sc, "conduit_app", POD_IPS, background_slow or [],
                       "conduit")
    return requests


def background_reports(sc: Scenario) -> list:
    """The analytics export that was slow every 30 minutes long before any incident."""
    sql = ("SELECT DATE(A.created_at) AS d, COUNT(*) AS articles, COUNT(DISTINCT A.user_id) AS authors FROM articles A "
           "WHERE A.created_at >= '2026-10-01 00:00:00' GROUP BY DATE(A.created_at)")
    rows, t = [], sc.start.replace(minute=0, second=7, microsecond=0)
    while t.timestamp() < sc.end.timestamp():
        if t >= sc.start:
            rows.append((t.timestamp() + 4.1, 4.1, "metabase_ro", "10.44.9.12", 27114, 2_412_877, 57, sql))
        t += timedelta(minutes=30)
    return rows


def build_case(case: Case, mirror_root: Path, out: Path, release: str, make_runtime: Callable[[Ctx], None]) -> None:
    mirror = mirror_root / MIRROR / "repo"
    build_repo(case, mirror, BASE, out)
    write_bundle_head(case, out)
    make_runtime(Ctx(out / "repo", case.history.tags[release]))


def scenario(seed: str, zone, onset: datetime, deploy: datetime, shape, rate=lambda t: 4.0, pool=lambda t: 20,
             timeout=lambda t: 5.0, weights=None, before: str = "2026.11.7", after: str = "2026.11.8",
             start_min: float = 60, end_min: float = 12, extra_routes: list[Route] | None = None) -> Scenario:
    return Scenario(seed=seed, zone=zone, start=onset - timedelta(minutes=start_min),
                    end=onset + timedelta(minutes=end_min), deploy=deploy, onset=onset, version_before=before,
                    version_after=after, routes=[*_routes().values(), *(extra_routes or [])], rate=rate, pool_size=pool,
                    pool_timeout_s=timeout, shape=shape, weights=weights)
