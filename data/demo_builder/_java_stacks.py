"""Realistic JVM stack traces (Java 17, Spring Boot 3.3, Hibernate 6.5, HikariCP 5.1, Tomcat 10.1).

Every exception of a chain carries its whole stack, as the JVM does; `format_chain` prints the chain
the way Throwable.printStackTrace does, folding the frames a cause shares with the exception that
encloses it into "... N more". In-app frames come from CallSite objects, i.e. from the real sources.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ._code_facts import CallSite

__all__ = [
    "LOCK_SQL",
    "JvmRun",
    "Throwable",
    "format_chain",
    "gateway_timeout_chain",
    "lock_timeout_chain",
    "pool_timeout_chain",
]

LOCK_SQL = (
    "select ii1_0.id,ii1_0.available,ii1_0.reserved,ii1_0.sku,ii1_0.version,ii1_0.warehouse_code "
    "from inventory_item ii1_0 where ii1_0.sku=? for update"
)


@dataclass(frozen=True)
class Throwable:
    type: str
    message: str
    frames: tuple[str, ...]


@dataclass(frozen=True)
class JvmRun:
    """Names of generated classes, which differ from one JVM start to the next."""

    repository_proxy: str
    accessor_base: int

    def accessor(self, target: str) -> str:
        """The reflection accessor the JVM generated for `target` ("Class.method"), stable per run."""
        number = self.accessor_base + zlib.crc32(target.encode()) % 300
        return f"jdk.internal.reflect.GeneratedMethodAccessor{number}.invoke(Unknown Source)"


def format_chain(chain: Sequence[Throwable]) -> list[str]:
    """Lines of `chain[0]` and its causes as printStackTrace writes them (tab-indented frames)."""
    first = chain[0]
    lines = [_headline(first)] + [f"\tat {frame}" for frame in first.frames]
    enclosing = first.frames
    for cause in chain[1:]:
        in_common = _frames_in_common(cause.frames, enclosing)
        lines.append("Caused by: " + _headline(cause))
        lines.extend(f"\tat {frame}" for frame in cause.frames[: len(cause.frames) - in_common])
        if in_common:
            lines.append(f"\t... {in_common} more")
        enclosing = cause.frames
    return lines


def _headline(throwable: Throwable) -> str:
    return f"{throwable.type}: {throwable.message}" if throwable.message else throwable.type


def _frames_in_common(trace: Sequence[str], enclosing: Sequence[str]) -> int:
    m, n = len(trace) - 1, len(enclosing) - 1
    while m >= 0 and n >= 0 and trace[m] == enclosing[n]:
        m, n = m - 1, n - 1
    return len(trace) - 1 - m


# --- building blocks, each listed top (innermost) to bottom ---------------------------------------

def _reflective_call(run: JvmRun, target: str) -> list[str]:
    return [
        run.accessor(target),
        "java.base/jdk.internal.reflect.DelegatingMethodAccessorImpl.invoke(DelegatingMethodAccessorImpl.java:43)",
        "java.base/java.lang.reflect.Method.invoke(Method.java:568)",
    ]


def _web(run: JvmRun, http_method: str, controller: str, sites: Mapping[str, CallSite]) -> list[str]:
    """From the reflective call of a controller method down to the Tomcat worker thread."""
    do_method, servlet_line = ("doPost", "914") if http_method == "POST" else ("doGet", "903")
    service_line = "590" if http_method == "POST" else "564"
    chain = "org.apache.catalina.core.ApplicationFilterChain"
    once = "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)"
    hop = [f"{chain}.internalDoFilter(ApplicationFilterChain.java:164)",
           f"{chain}.doFilter(ApplicationFilterChain.java:140)"]
    return [
        *_reflective_call(run, controller),
        "org.springframework.web.method.support.InvocableHandlerMethod.doInvoke(InvocableHandlerMethod.java:255)",
        "org.springframework.web.method.support.InvocableHandlerMethod.invokeForRequest(InvocableHandlerMethod.java:188)",
        "org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod.invokeAndHandle(ServletInvocableHandlerMethod.java:118)",
        "org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.invokeHandlerMethod(RequestMappingHandlerAdapter.java:926)",
        "org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.handleInternal(RequestMappingHandlerAdapter.java:831)",
        "org.springframework.web.servlet.mvc.method.AbstractHandlerMethodAdapter.handle(AbstractHandlerMethodAdapter.java:87)",
        "org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1089)",
        "org.springframework.web.servlet.DispatcherServlet.doService(DispatcherServlet.java:979)",
        "org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)",
        f"org.springframework.web.servlet.FrameworkServlet.{do_method}(FrameworkServlet.java:{servlet_line})",
        f"jakarta.servlet.http.HttpServlet.service(HttpServlet.java:{service_line})",
        "org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)",
        "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:658)",
        f"{chain}.internalDoFilter(ApplicationFilterChain.java:195)",
        f"{chain}.doFilter(ApplicationFilterChain.java:140)",
        "org.apache.tomcat.websocket.server.WsFilter.doFilter(WsFilter.java:51)",
        *hop,
        sites["access_filter"].frame,
        once,
        *hop,
        "org.springframework.web.filter.RequestContextFilter.doFilterInternal(RequestContextFilter.java:100)",
        once,
        *hop,
        "org.springframework.web.filter.FormContentFilter.doFilterInternal(FormContentFilter.java:93)",
        once,
        *hop,
        "org.springframework.web.filter.ServerHttpObservationFilter.doFilterInternal(ServerHttpObservationFilter.java:109)",
        once,
        *hop,
        "org.springframework.web.filter.CharacterEncodingFilter.doFilterInternal(CharacterEncodingFilter.java:201)",
        once,
        *hop,
        "org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:167)",
        "org.apache.catalina.core.StandardContextValve.invoke(StandardContextValve.java:90)",
        "org.apache.catalina.authenticator.AuthenticatorBase.invoke(AuthenticatorBase.java:483)",
        "org.apache.catalina.core.StandardHostValve.invoke(StandardHostValve.java:115)",
        "org.apache.catalina.valves.ErrorReportValve.invoke(ErrorReportValve.java:93)",
        "org.apache.catalina.core.StandardEngineValve.invoke(StandardEngineValve.java:74)",
        "org.apache.catalina.connector.CoyoteAdapter.service(CoyoteAdapter.java:344)",
        "org.apache.coyote.http11.Http11Processor.service(Http11Processor.java:384)",
        "org.apache.coyote.AbstractProcessorLight.process(AbstractProcessorLight.java:63)",
        "org.apache.coyote.AbstractProtocol$ConnectionHandler.process(AbstractProtocol.java:905)",
        "org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:1741)",
        "org.apache.tomcat.util.net.SocketProcessorBase.run(SocketProcessorBase.java:52)",
        "org.apache.tomcat.util.threads.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1190)",
        "org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:659)",
        "org.apache.tomcat.util.threads.TaskThread$WrappingRunnable.run(TaskThread.java:63)",
        "java.base/java.lang.Thread.run(Thread.java:840)",
    ]


def _scheduler(run: JvmRun, job: str) -> list[str]:
    return [
        *_reflective_call(run, job),
        "org.springframework.scheduling.support.ScheduledMethodRunnable.runInternal(ScheduledMethodRunnable.java:130)",
        "org.springframework.scheduling.support.ScheduledMethodRunnable.lambda$run$2(ScheduledMethodRunnable.java:124)",
        "io.micrometer.observation.Observation.observe(Observation.java:499)",
        "org.springframework.scheduling.support.ScheduledMethodRunnable.run(ScheduledMethodRunnable.java:124)",
        "org.springframework.scheduling.support.DelegatingErrorHandlingRunnable.run(DelegatingErrorHandlingRunnable.java:54)",
        "java.base/java.util.concurrent.Executors$RunnableAdapter.call(Executors.java:539)",
        "java.base/java.util.concurrent.FutureTask.runAndReset(FutureTask.java:305)",
        "java.base/java.util.concurrent.ScheduledThreadPoolExecutor$ScheduledFutureTask.run(ScheduledThreadPoolExecutor.java:305)",
        "java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136)",
        "java.base/java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:635)",
        "java.base/java.lang.Thread.run(Thread.java:840)",
    ]


_CGLIB_INTERCEPT = [
    "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:184)",
    "org.springframework.aop.framework.CglibAopProxy$CglibMethodInvocation.proceed(CglibAopProxy.java:768)",
    "org.springframework.aop.framework.CglibAopProxy$DynamicAdvisedInterceptor.intercept(CglibAopProxy.java:720)",
]


def _through_tx_proxy(run: JvmRun, class_name: str, method: str) -> list[str]:
    """Frames between a @Transactional method's body and its caller (the CGLIB proxy)."""
    return [
        *_reflective_call(run, f"{class_name.rsplit('.', 1)[1]}.{method}"),
        "org.springframework.aop.support.AopUtils.invokeJoinpointUsingReflection(AopUtils.java:355)",
        "org.springframework.aop.framework.ReflectiveMethodInvocation.invokeJoinpoint(ReflectiveMethodInvocation.java:196)",
        "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:163)",
        "org.springframework.aop.framework.CglibAopProxy$CglibMethodInvocation.proceed(CglibAopProxy.java:768)",
        "org.springframework.transaction.interceptor.TransactionInterceptor$1.proceedWithInvocation(TransactionInterceptor.java:123)",
        "org.springframework.transaction.interceptor.TransactionAspectSupport.invokeWithinTransaction(TransactionAspectSupport.java:392)",
        "org.springframework.transaction.interceptor.TransactionInterceptor.invoke(TransactionInterceptor.java:119)",
        *_CGLIB_INTERCEPT,
        f"{class_name}$$SpringCGLIB$$0.{method}(<generated>)",
    ]


_TX_BEGIN = [
    "org.springframework.orm.jpa.JpaTransactionManager.doBegin(JpaTransactionManager.java:466)",
    "org.springframework.transaction.support.AbstractPlatformTransactionManager.startTransaction(AbstractPlatformTransactionManager.java:531)",
    "org.springframework.transaction.support.AbstractPlatformTransactionManager.getTransaction(AbstractPlatformTransactionManager.java:405)",
    "org.springframework.transaction.interceptor.TransactionAspectSupport.createTransactionIfNecessary(TransactionAspectSupport.java:617)",
    "org.springframework.transaction.interceptor.TransactionAspectSupport.invokeWithinTransaction(TransactionAspectSupport.java:386)",
    "org.springframework.transaction.interceptor.TransactionInterceptor.invoke(TransactionInterceptor.java:119)",
]

_REPOSITORY_PROXY = [
    "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:184)",
    "org.springframework.data.jpa.repository.support.CrudMethodMetadataPostProcessor$CrudMethodMetadataPopulatingMethodInterceptor.invoke(CrudMethodMetadataPostProcessor.java:165)",
    "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:184)",
    "org.springframework.aop.framework.JdkDynamicAopProxy.invoke(JdkDynamicAopProxy.java:223)",
]
_PETI = "org.springframework.dao.support.PersistenceExceptionTranslationInterceptor"


def lock_timeout_chain(run: JvmRun, sites: Mapping[str, CallSite], sql: str = LOCK_SQL) -> list[Throwable]:
    """POST /api/orders dying in the row lock of InventoryService.reserveStock (MySQL error 1205)."""
    below_lock = [
        *_REPOSITORY_PROXY,
        f"jdk.proxy2/jdk.proxy2.{run.repository_proxy}.findBySkuForUpdate(Unknown Source)",
        sites["reserve_lock"].frame,
        *_through_tx_proxy(run, "com.acme.shop.inventory.application.InventoryService", "reserveStock"),
        sites["place_reserve"].frame,
        *_through_tx_proxy(run, "com.acme.shop.order.application.OrderApplicationService", "placeOrder"),
        sites["create_place"].frame,
        *_web(run, "POST", "OrderController.create", sites),
    ]
    outer = [
        "org.springframework.orm.jpa.vendor.HibernateJpaDialect.convertHibernateAccessException(HibernateJpaDialect.java:263)",
        "org.springframework.orm.jpa.vendor.HibernateJpaDialect.translateExceptionIfPossible(HibernateJpaDialect.java:241)",
        "org.springframework.orm.jpa.AbstractEntityManagerFactoryBean.translateExceptionIfPossible(AbstractEntityManagerFactoryBean.java:560)",
        "org.springframework.dao.support.ChainedPersistenceExceptionTranslator.translateExceptionIfPossible(ChainedPersistenceExceptionTranslator.java:61)",
        "org.springframework.dao.support.DataAccessUtils.translateIfNecessary(DataAccessUtils.java:343)",
        f"{_PETI}.invoke(PersistenceExceptionTranslationInterceptor.java:160)",
        *below_lock,
    ]
    hibernate = [
        "org.hibernate.dialect.MySQLDialect.lambda$buildSQLExceptionConversionDelegate$3(MySQLDialect.java:1308)",
        "org.hibernate.exception.internal.StandardSQLExceptionConverter.convert(StandardSQLExceptionConverter.java:58)",
        "org.hibernate.engine.jdbc.spi.SqlExceptionHelper.convert(SqlExceptionHelper.java:108)",
        "org.hibernate.sql.results.jdbc.internal.DeferredResultSetAccess.executeQuery(DeferredResultSetAccess.java:278)",
        "org.hibernate.sql.results.jdbc.internal.DeferredResultSetAccess.getResultSet(DeferredResultSetAccess.java:171)",
        "org.hibernate.sql.results.jdbc.internal.JdbcValuesResultSetImpl.advanceNext(JdbcValuesResultSetImpl.java:265)",
        "org.hibernate.sql.results.jdbc.internal.JdbcValuesResultSetImpl.processNext(JdbcValuesResultSetImpl.java:145)",
        "org.hibernate.sql.results.jdbc.internal.AbstractJdbcValues.next(AbstractJdbcValues.java:19)",
        "org.hibernate.sql.results.internal.RowProcessingStateStandardImpl.next(RowProcessingStateStandardImpl.java:67)",
        "org.hibernate.sql.results.spi.ListResultsConsumer.consume(ListResultsConsumer.java:204)",
        "org.hibernate.sql.results.spi.ListResultsConsumer.consume(ListResultsConsumer.java:33)",
        "org.hibernate.sql.exec.internal.JdbcSelectExecutorStandardImpl.doExecuteQuery(JdbcSelectExecutorStandardImpl.java:211)",
        "org.hibernate.sql.exec.internal.JdbcSelectExecutorStandardImpl.executeQuery(JdbcSelectExecutorStandardImpl.java:83)",
        "org.hibernate.sql.exec.spi.JdbcSelectExecutor.list(JdbcSelectExecutor.java:76)",
        "org.hibernate.sql.exec.spi.JdbcSelectExecutor.list(JdbcSelectExecutor.java:65)",
        "org.hibernate.query.sqm.internal.ConcreteSqmSelectQueryPlan.lambda$new$2(ConcreteSqmSelectQueryPlan.java:137)",
        "org.hibernate.query.sqm.internal.ConcreteSqmSelectQueryPlan.withCacheableSqmInterpretation(ConcreteSqmSelectQueryPlan.java:381)",
        "org.hibernate.query.sqm.internal.ConcreteSqmSelectQueryPlan.performList(ConcreteSqmSelectQueryPlan.java:303)",
        "org.hibernate.query.sqm.internal.QuerySqmImpl.doList(QuerySqmImpl.java:509)",
        "org.hibernate.query.spi.AbstractSelectionQuery.list(AbstractSelectionQuery.java:427)",
        "org.hibernate.query.spi.AbstractSelectionQuery.getSingleResult(AbstractSelectionQuery.java:559)",
        "org.springframework.data.jpa.repository.query.JpaQueryExecution$SingleEntityExecution.doExecute(JpaQueryExecution.java:223)",
        "org.springframework.data.jpa.repository.query.JpaQueryExecution.execute(JpaQueryExecution.java:92)",
        "org.springframework.data.jpa.repository.query.AbstractJpaQuery.doExecute(AbstractJpaQuery.java:149)",
        "org.springframework.data.jpa.repository.query.AbstractJpaQuery.execute(AbstractJpaQuery.java:137)",
        "org.springframework.data.repository.core.support.RepositoryMethodInvoker.doInvoke(RepositoryMethodInvoker.java:170)",
        "org.springframework.data.repository.core.support.RepositoryMethodInvoker.invoke(RepositoryMethodInvoker.java:158)",
        "org.springframework.data.repository.core.support.QueryExecutorMethodInterceptor.doInvoke(QueryExecutorMethodInterceptor.java:164)",
        "org.springframework.data.repository.core.support.QueryExecutorMethodInterceptor.invoke(QueryExecutorMethodInterceptor.java:143)",
        "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:184)",
        "org.springframework.data.projection.DefaultMethodInvokingMethodInterceptor.invoke(DefaultMethodInvokingMethodInterceptor.java:70)",
        "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:184)",
        "org.springframework.transaction.interceptor.TransactionInterceptor$1.proceedWithInvocation(TransactionInterceptor.java:123)",
        "org.springframework.transaction.interceptor.TransactionAspectSupport.invokeWithinTransaction(TransactionAspectSupport.java:392)",
        "org.springframework.transaction.interceptor.TransactionInterceptor.invoke(TransactionInterceptor.java:119)",
        "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:184)",
        f"{_PETI}.invoke(PersistenceExceptionTranslationInterceptor.java:137)",
        *below_lock,
    ]
    driver = [
        "com.mysql.cj.jdbc.exceptions.SQLError.createSQLException(SQLError.java:113)",
        "com.mysql.cj.jdbc.exceptions.SQLExceptionsMapping.translateException(SQLExceptionsMapping.java:114)",
        "com.mysql.cj.jdbc.ClientPreparedStatement.executeInternal(ClientPreparedStatement.java:990)",
        "com.mysql.cj.jdbc.ClientPreparedStatement.executeQuery(ClientPreparedStatement.java:1168)",
        "com.zaxxer.hikari.pool.ProxyPreparedStatement.executeQuery(ProxyPreparedStatement.java:52)",
        "com.zaxxer.hikari.pool.HikariProxyPreparedStatement.executeQuery(HikariProxyPreparedStatement.java)",
        "org.hibernate.sql.results.jdbc.internal.DeferredResultSetAccess.executeQuery(DeferredResultSetAccess.java:250)",
        *hibernate[4:],
    ]
    reason = "Lock wait timeout exceeded; try restarting transaction"
    message = f"JDBC exception executing SQL [{sql}] [{reason}] [n/a]"
    return [
        Throwable("org.springframework.dao.PessimisticLockingFailureException", message, tuple(outer)),
        Throwable("org.hibernate.PessimisticLockException", message, tuple(hibernate)),
        Throwable("com.mysql.cj.jdbc.exceptions.MySQLTransactionRollbackException", reason, tuple(driver)),
    ]


def pool_timeout_chain(run: JvmRun, sites: Mapping[str, CallSite], entry: str, hikari_message: str) -> list[Throwable]:
    """A transaction that cannot begin because HikariCP has no free connection.

    `entry` says where: "place_order", "pay", "get_order", "get_inventory" or "expiry_job".
    """
    if entry == "get_inventory":
        below_begin = [
            "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:184)",
            f"{_PETI}.invoke(PersistenceExceptionTranslationInterceptor.java:137)",
            *_REPOSITORY_PROXY,
            f"jdk.proxy2/jdk.proxy2.{run.repository_proxy}.findBySku(Unknown Source)",
            sites["inventory_get"].frame,
            *_web(run, "GET", "InventoryController.get", sites),
        ]
    else:
        proxied, site, bottom = {
            "place_order": ("com.acme.shop.order.application.OrderApplicationService.placeOrder", "create_place",
                            ("POST", "OrderController.create")),
            "get_order": ("com.acme.shop.order.application.OrderApplicationService.getOrder", "get_order",
                          ("GET", "OrderController.get")),
            "pay": ("com.acme.shop.payment.application.PaymentApplicationService.pay", "pay_controller",
                    ("POST", "PaymentController.pay")),
            "expiry_job": ("com.acme.shop.inventory.application.InventoryService.expireReservations", "job_expire",
                           None),
        }[entry]
        class_name, method = proxied.rsplit(".", 1)
        below_begin = [
            *_CGLIB_INTERCEPT,
            f"{class_name}$$SpringCGLIB$$0.{method}(<generated>)",
            sites[site].frame,
            *(_web(run, bottom[0], bottom[1], sites) if bottom else _scheduler(run, "ReservationExpiryJob.run")),
        ]
    outer = [*_TX_BEGIN, *below_begin]
    logical = "org.hibernate.resource.jdbc.internal.LogicalConnectionManagedImpl"
    hibernate = [
        "org.hibernate.exception.internal.SQLStateConversionDelegate.convert(SQLStateConversionDelegate.java:100)",
        "org.hibernate.exception.internal.StandardSQLExceptionConverter.convert(StandardSQLExceptionConverter.java:58)",
        "org.hibernate.engine.jdbc.spi.SqlExceptionHelper.convert(SqlExceptionHelper.java:108)",
        "org.hibernate.engine.jdbc.spi.SqlExceptionHelper.convert(SqlExceptionHelper.java:94)",
        f"{logical}.acquireConnectionIfNeeded(LogicalConnectionManagedImpl.java:116)",
        f"{logical}.getPhysicalConnection(LogicalConnectionManagedImpl.java:143)",
        f"{logical}.begin(LogicalConnectionManagedImpl.java:273)",
        "org.hibernate.resource.transaction.backend.jdbc.internal.JdbcResourceLocalTransactionCoordinatorImpl$TransactionDriverControlImpl.begin(JdbcResourceLocalTransactionCoordinatorImpl.java:232)",
        "org.hibernate.engine.transaction.internal.TransactionImpl.begin(TransactionImpl.java:83)",
        "org.springframework.orm.jpa.vendor.HibernateJpaDialect.beginTransaction(HibernateJpaDialect.java:176)",
        "org.springframework.orm.jpa.JpaTransactionManager.doBegin(JpaTransactionManager.java:420)",
        *outer[1:],
    ]
    hikari = [
        "com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:686)",
        "com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:179)",
        "com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:144)",
        "com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:127)",
        "org.hibernate.engine.jdbc.connections.internal.DatasourceConnectionProviderImpl.getConnection(DatasourceConnectionProviderImpl.java:122)",
        "org.hibernate.internal.NonContextualJdbcConnectionAccess.obtainConnection(NonContextualJdbcConnectionAccess.java:46)",
        f"{logical}.acquireConnectionIfNeeded(LogicalConnectionManagedImpl.java:113)",
        *hibernate[5:],
    ]
    return [
        Throwable("org.springframework.transaction.CannotCreateTransactionException",
                  "Could not open JPA EntityManager for transaction", tuple(outer)),
        Throwable("org.hibernate.exception.JDBCConnectionException",
                  f"Unable to acquire JDBC Connection [{hikari_message}] [n/a]", tuple(hibernate)),
        Throwable("java.sql.SQLTransientConnectionException", hikari_message, tuple(hikari)),
    ]


def gateway_timeout_chain(run: JvmRun, sites: Mapping[str, CallSite], timeout_ms: int) -> list[Throwable]:
    """PayGate read timeout during POST /api/payments (the sporadic, unrelated error)."""
    below_adapter = [
        sites["pay_charge"].frame,
        *_through_tx_proxy(run, "com.acme.shop.payment.application.PaymentApplicationService", "pay"),
        sites["pay_controller"].frame,
        *_web(run, "POST", "PaymentController.pay", sites),
    ]
    sdk = [
        "com.paygate.sdk.http.DefaultHttpTransport.execute(DefaultHttpTransport.java:97)",
        "com.paygate.sdk.PayGateClient.post(PayGateClient.java:188)",
        "com.paygate.sdk.PayGateClient.createCharge(PayGateClient.java:121)",
        sites["adapter_create_charge"].frame,
        *below_adapter,
    ]
    socket = [
        "java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)",
        "java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:314)",
        "java.base/sun.nio.ch.NioSocketImpl.read(NioSocketImpl.java:355)",
        "java.base/sun.nio.ch.NioSocketImpl$1.read(NioSocketImpl.java:808)",
        "java.base/java.net.Socket$SocketInputStream.read(Socket.java:966)",
        "java.base/sun.security.ssl.SSLSocketInputRecord.read(SSLSocketInputRecord.java:484)",
        "java.base/sun.security.ssl.SSLSocketInputRecord.readHeader(SSLSocketInputRecord.java:478)",
        "java.base/sun.security.ssl.SSLSocketInputRecord.bytesInCompleted(SSLSocketInputRecord.java:70)",
        "java.base/sun.security.ssl.SSLSocketImpl.readApplicationRecord(SSLSocketImpl.java:1465)",
        "java.base/sun.security.ssl.SSLSocketImpl$AppInputStream.read(SSLSocketImpl.java:1069)",
        "java.base/java.io.BufferedInputStream.fill(BufferedInputStream.java:244)",
        "java.base/java.io.BufferedInputStream.read1(BufferedInputStream.java:284)",
        "java.base/java.io.BufferedInputStream.read(BufferedInputStream.java:343)",
        "java.base/sun.net.www.http.HttpClient.parseHTTPHeader(HttpClient.java:791)",
        "java.base/sun.net.www.http.HttpClient.parseHTTP(HttpClient.java:726)",
        "java.base/sun.net.www.protocol.http.HttpURLConnection.getInputStream0(HttpURLConnection.java:1688)",
        "java.base/sun.net.www.protocol.http.HttpURLConnection.getInputStream(HttpURLConnection.java:1589)",
        "java.base/java.net.HttpURLConnection.getResponseCode(HttpURLConnection.java:529)",
        "java.base/sun.net.www.protocol.https.HttpsURLConnectionImpl.getResponseCode(HttpsURLConnectionImpl.java:308)",
        "com.paygate.sdk.http.DefaultHttpTransport.execute(DefaultHttpTransport.java:84)",
        *sdk[1:],
    ]
    return [
        Throwable("com.acme.shop.payment.application.PaymentGatewayException",
                  f"PayGate charge timed out after {timeout_ms} ms",
                  (sites["adapter_throw_timeout"].frame, *below_adapter)),
        Throwable("com.paygate.sdk.exception.PayGateTimeoutException",
                  f"POST https://api.paygate.example/v2/charges timed out after {timeout_ms} ms", tuple(sdk)),
        Throwable("java.net.SocketTimeoutException", "Read timed out", tuple(socket)),
    ]
