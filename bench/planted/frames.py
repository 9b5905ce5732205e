"""Framework frames as the real stacks show them.

petclinic: Spring Boot 4.0 (Spring Framework 7.0, Hibernate 7, Tomcat 11, HikariCP 7), Java 21.
mall: Spring Boot 2.7.5 (Spring Framework 5.3.23, Tomcat 9.0.68, MyBatis 3.5.10, mybatis-spring 2.0.7,
Druid 1.2.14, Spring Security 5.7), Java 8.
"""

from __future__ import annotations

# ------------------------------------------------------------------ petclinic (Java 21, jakarta)

J21_REFLECT = [
    "java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)",
    "java.base/java.lang.reflect.Method.invoke(Method.java:580)",
]

_PC_FILTERS = [
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:193)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:138)",
    "org.apache.tomcat.websocket.server.WsFilter.doFilter(WsFilter.java:51)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:162)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:138)",
    "org.springframework.samples.petclinic.system.RequestTimingFilter.doFilterInternal(RequestTimingFilter.java:{timing})",
    "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:162)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:138)",
    "org.springframework.web.filter.RequestContextFilter.doFilterInternal(RequestContextFilter.java:100)",
    "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:162)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:138)",
    "org.springframework.web.filter.FormContentFilter.doFilterInternal(FormContentFilter.java:93)",
    "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:162)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:138)",
    "org.springframework.web.filter.ServerHttpObservationFilter.doFilterInternal(ServerHttpObservationFilter.java:110)",
    "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:162)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:138)",
    "org.springframework.web.filter.CharacterEncodingFilter.doFilterInternal(CharacterEncodingFilter.java:199)",
    "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:162)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:138)",
    "org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:165)",
    "org.apache.catalina.core.StandardContextValve.invoke(StandardContextValve.java:77)",
    "org.apache.catalina.authenticator.AuthenticatorBase.invoke(AuthenticatorBase.java:482)",
    "org.apache.catalina.core.StandardHostValve.invoke(StandardHostValve.java:113)",
    "org.apache.catalina.valves.ErrorReportValve.invoke(ErrorReportValve.java:83)",
    "org.apache.catalina.core.StandardEngineValve.invoke(StandardEngineValve.java:72)",
    "org.apache.catalina.connector.CoyoteAdapter.service(CoyoteAdapter.java:341)",
    "org.apache.coyote.http11.Http11Processor.service(Http11Processor.java:397)",
    "org.apache.coyote.AbstractProcessorLight.process(AbstractProcessorLight.java:63)",
    "org.apache.coyote.AbstractProtocol$ConnectionHandler.process(AbstractProtocol.java:903)",
    "org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:1776)",
    "org.apache.tomcat.util.net.SocketProcessorBase.run(SocketProcessorBase.java:52)",
    "org.apache.tomcat.util.threads.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1189)",
    "org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:658)",
    "org.apache.tomcat.util.threads.TaskThread$WrappingRunnable.run(TaskThread.java:63)",
    "java.base/java.lang.Thread.run(Thread.java:1583)",
]


def pc_mvc(http: str, timing_line: int, model_attribute: bool = False) -> list[str]:
    """Frames below a petclinic handler method (or @ModelAttribute method) down to the Tomcat worker."""
    verb = {"GET": "doGet", "POST": "doPost"}[http]
    head = [*J21_REFLECT,
            "org.springframework.web.method.support.InvocableHandlerMethod.doInvoke(InvocableHandlerMethod.java:252)",
            "org.springframework.web.method.support.InvocableHandlerMethod.invokeForRequest(InvocableHandlerMethod.java:184)"]
    if model_attribute:
        head += ["org.springframework.web.method.annotation.ModelFactory.invokeModelAttributeMethods("
                 "ModelFactory.java:142)",
                 "org.springframework.web.method.annotation.ModelFactory.initModel(ModelFactory.java:111)",
                 "org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.invokeHandlerMethod(RequestMappingHandlerAdapter.java:958)"]
    else:
        head += ["org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod.invokeAndHandle("
                 "ServletInvocableHandlerMethod.java:117)",
                 "org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.invokeHandlerMethod(RequestMappingHandlerAdapter.java:976)"]
    head += [
        "org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.handleInternal(RequestMappingHandlerAdapter.java:886)",
        "org.springframework.web.servlet.mvc.method.AbstractHandlerMethodAdapter.handle(AbstractHandlerMethodAdapter.java:87)",
        "org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1086)",
        "org.springframework.web.servlet.DispatcherServlet.doService(DispatcherServlet.java:976)",
        "org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1011)",
        f"org.springframework.web.servlet.FrameworkServlet.{verb}("
        f"FrameworkServlet.java:{903 if http == 'GET' else 914})",
        f"jakarta.servlet.http.HttpServlet.service(HttpServlet.java:{564 if http == 'GET' else 653})",
        "org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)",
        "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:710)",
    ]
    return head + [f.replace("{timing}", str(timing_line)) for f in _PC_FILTERS]


def pc_repository(method: str, proxy: int = 142, tx: bool = True) -> list[str]:
    """Spring Data JPA repository proxy frames, from the interceptors up to the $Proxy call."""
    frames = []
    if tx:
        frames += [
            "org.springframework.transaction.interceptor.TransactionAspectSupport.invokeWithinTransaction(TransactionAspectSupport.java:380)",
            "org.springframework.transaction.interceptor.TransactionInterceptor.invoke(TransactionInterceptor.java:119)",
            "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:184)",
        ]
    frames += [
        "org.springframework.dao.support.PersistenceExceptionTranslationInterceptor.invoke(PersistenceExceptionTranslationInterceptor.java:135)",
        "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:184)",
        "org.springframework.data.jpa.repository.support.CrudMethodMetadataPostProcessor$CrudMethodMetadataPopulatingMethodInterceptor.invoke(CrudMethodMetadataPostProcessor.java:165)",
        "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:184)",
        "org.springframework.aop.framework.JdkDynamicAopProxy.invoke(JdkDynamicAopProxy.java:223)",
        f"jdk.proxy2/jdk.proxy2.$Proxy{proxy}.{method}(Unknown Source)",
    ]
    return frames


PC_TX_BEGIN = [
    "org.springframework.orm.jpa.vendor.HibernateJpaDialect.beginTransaction(HibernateJpaDialect.java:178)",
    "org.springframework.orm.jpa.JpaTransactionManager.doBegin(JpaTransactionManager.java:422)",
    "org.springframework.transaction.support.AbstractPlatformTransactionManager.startTransaction(AbstractPlatformTransactionManager.java:532)",
    "org.springframework.transaction.support.AbstractPlatformTransactionManager.getTransaction(AbstractPlatformTransactionManager.java:405)",
    "org.springframework.transaction.interceptor.TransactionAspectSupport.createTransactionIfNecessary(TransactionAspectSupport.java:610)",
]

PC_HIKARI_FROM_TX = [
    "com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:719)",
    "com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:182)",
    "com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:147)",
    "com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:101)",
    "org.hibernate.engine.jdbc.connections.internal.DataSourceConnectionProvider.getConnection(DataSourceConnectionProvider.java:126)",
    "org.hibernate.internal.NonContextualJdbcConnectionAccess.obtainConnection(NonContextualJdbcConnectionAccess.java:46)",
    "org.hibernate.resource.jdbc.internal.LogicalConnectionManagedImpl.acquireConnectionIfNeeded(LogicalConnectionManagedImpl.java:126)",
    "org.hibernate.resource.jdbc.internal.LogicalConnectionManagedImpl.getPhysicalConnection(LogicalConnectionManagedImpl.java:156)",
    "org.hibernate.resource.jdbc.internal.LogicalConnectionManagedImpl.getConnectionForTransactionManagement(LogicalConnectionManagedImpl.java:286)",
    "org.hibernate.resource.jdbc.internal.LogicalConnectionManagedImpl.begin(LogicalConnectionManagedImpl.java:294)",
    "org.hibernate.resource.transaction.backend.jdbc.internal.JdbcResourceLocalTransactionCoordinatorImpl$TransactionDriverControlImpl.begin(JdbcResourceLocalTransactionCoordinatorImpl.java:235)",
    "org.hibernate.engine.transaction.internal.TransactionImpl.begin(TransactionImpl.java:83)",
]

# ------------------------------------------------------------------ mall (Java 8, javax)

J8_REFLECT = [
    "sun.reflect.NativeMethodAccessorImpl.invoke0(Native Method)",
    "sun.reflect.NativeMethodAccessorImpl.invoke(NativeMethodAccessorImpl.java:62)",
    "sun.reflect.DelegatingMethodAccessorImpl.invoke(DelegatingMethodAccessorImpl.java:43)",
    "java.lang.reflect.Method.invoke(Method.java:498)",
]

_MALL_TAIL = [
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
    "org.springframework.web.filter.CharacterEncodingFilter.doFilterInternal(CharacterEncodingFilter.java:201)",
    "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:189)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:162)",
    "org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:197)",
    "org.apache.catalina.core.StandardContextValve.invoke(StandardContextValve.java:97)",
    "org.apache.catalina.authenticator.AuthenticatorBase.invoke(AuthenticatorBase.java:541)",
    "org.apache.catalina.core.StandardHostValve.invoke(StandardHostValve.java:135)",
    "org.apache.catalina.valves.ErrorReportValve.invoke(ErrorReportValve.java:92)",
    "org.apache.catalina.core.StandardEngineValve.invoke(StandardEngineValve.java:78)",
    "org.apache.catalina.connector.CoyoteAdapter.service(CoyoteAdapter.java:360)",
    "org.apache.coyote.http11.Http11Processor.service(Http11Processor.java:399)",
    "org.apache.coyote.AbstractProcessorLight.process(AbstractProcessorLight.java:65)",
    "org.apache.coyote.AbstractProtocol$ConnectionHandler.process(AbstractProtocol.java:890)",
    "org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:1789)",
    "org.apache.tomcat.util.net.SocketProcessorBase.run(SocketProcessorBase.java:49)",
    "org.apache.tomcat.util.threads.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1191)",
    "org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:659)",
    "org.apache.tomcat.util.threads.TaskThread$WrappingRunnable.run(TaskThread.java:61)",
    "java.lang.Thread.run(Thread.java:750)",
]


def mall_security(jwt_line: int) -> list[str]:
    """Spring Security's chain around mall's JwtAuthenticationTokenFilter; jwt_line: the line in the filter."""
    chain = "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:346)"
    return [
        f"com.macro.mall.security.component.JwtAuthenticationTokenFilter.doFilterInternal(JwtAuthenticationTokenFilter.java:{jwt_line})",
        "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
        chain,
        "org.springframework.security.web.authentication.logout.LogoutFilter.doFilter(LogoutFilter.java:103)",
        "org.springframework.security.web.authentication.logout.LogoutFilter.doFilter(LogoutFilter.java:89)",
        chain,
        "org.springframework.web.filter.CorsFilter.doFilterInternal(CorsFilter.java:91)",
        "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
        chain,
        "org.springframework.security.web.header.HeaderWriterFilter.doHeadersAfter(HeaderWriterFilter.java:90)",
        "org.springframework.security.web.header.HeaderWriterFilter.doFilterInternal(HeaderWriterFilter.java:75)",
        "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
        chain,
        "org.springframework.security.web.context.SecurityContextPersistenceFilter.doFilter(SecurityContextPersistenceFilter.java:112)",
        "org.springframework.security.web.context.SecurityContextPersistenceFilter.doFilter(SecurityContextPersistenceFilter.java:82)",
        chain,
        "org.springframework.security.web.context.request.async.WebAsyncManagerIntegrationFilter.doFilterInternal(WebAsyncManagerIntegrationFilter.java:55)",
        "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
        chain,
        "org.springframework.security.web.FilterChainProxy.doFilterInternal(FilterChainProxy.java:221)",
        "org.springframework.security.web.FilterChainProxy.doFilter(FilterChainProxy.java:186)",
        "org.springframework.web.filter.DelegatingFilterProxy.invokeDelegate(DelegatingFilterProxy.java:354)",
        "org.springframework.web.filter.DelegatingFilterProxy.doFilter(DelegatingFilterProxy.java:267)",
        *_MALL_TAIL,
    ]


def mall_mvc(controller: str, method: str, http: str, weblog_line: int, jwt_line: int, enhancer: str) -> list[str]:
    """Frames below a mall controller method (proxied by WebLogAspect) down to the Tomcat worker."""
    verb = {"GET": "doGet", "POST": "doPost"}[http]
    simple = controller.rsplit(".", 1)[1]
    chain = [
        f"{controller}$$FastClassBySpringCGLIB$${enhancer[:8]}.invoke(<generated>)",
        "org.springframework.cglib.proxy.MethodProxy.invoke(MethodProxy.java:218)",
        "org.springframework.aop.framework.CglibAopProxy$CglibMethodInvocation.invokeJoinpoint(CglibAopProxy.java:793)",
        "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:163)",
        "org.springframework.aop.framework.CglibAopProxy$CglibMethodInvocation.proceed(CglibAopProxy.java:763)",
        "org.springframework.aop.aspectj.MethodInvocationProceedingJoinPoint.proceed(MethodInvocationProceedingJoinPoint.java:89)",
        f"com.macro.mall.common.log.WebLogAspect.doAround(WebLogAspect.java:{weblog_line})",
        *J8_REFLECT,
        "org.springframework.aop.aspectj.AbstractAspectJAdvice.invokeAdviceMethodWithGivenArgs(AbstractAspectJAdvice.java:634)",
        "org.springframework.aop.aspectj.AbstractAspectJAdvice.invokeAdviceMethod(AbstractAspectJAdvice.java:624)",
        "org.springframework.aop.aspectj.AspectJAroundAdvice.invoke(AspectJAroundAdvice.java:72)",
        "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:175)",
        "org.springframework.aop.framework.CglibAopProxy$CglibMethodInvocation.proceed(CglibAopProxy.java:763)",
        "org.springframework.aop.interceptor.ExposeInvocationInterceptor.invoke(ExposeInvocationInterceptor.java:97)",
        "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:186)",
        "org.springframework.aop.framework.CglibAopProxy$CglibMethodInvocation.proceed(CglibAopProxy.java:763)",
        "org.springframework.aop.framework.CglibAopProxy$DynamicAdvisedInterceptor.intercept(CglibAopProxy.java:708)",
        f"{controller}$$EnhancerBySpringCGLIB$${enhancer}.{method}(<generated>)",
        *J8_REFLECT,
        "org.springframework.web.method.support.InvocableHandlerMethod.doInvoke(InvocableHandlerMethod.java:205)",
        "org.springframework.web.method.support.InvocableHandlerMethod.invokeForRequest(InvocableHandlerMethod.java:150)",
        "org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod.invokeAndHandle(ServletInvocableHandlerMethod.java:117)",
        "org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.invokeHandlerMethod(RequestMappingHandlerAdapter.java:895)",
        "org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.handleInternal(RequestMappingHandlerAdapter.java:808)",
        "org.springframework.web.servlet.mvc.method.AbstractHandlerMethodAdapter.handle(AbstractHandlerMethodAdapter.java:87)",
        "org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1071)",
        "org.springframework.web.servlet.DispatcherServlet.doService(DispatcherServlet.java:964)",
        "org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1006)",
        f"org.springframework.web.servlet.FrameworkServlet.{verb}("
        f"FrameworkServlet.java:{898 if http == 'GET' else 909})",
        f"javax.servlet.http.HttpServlet.service(HttpServlet.java:{655 if http == 'GET' else 696})",
        "org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:883)",
        "javax.servlet.http.HttpServlet.service(HttpServlet.java:764)",
        "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:227)",
        "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:162)",
        "org.apache.tomcat.websocket.server.WsFilter.doFilter(WsFilter.java:53)",
        "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:189)",
        "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:162)",
    ]
    del simple
    return chain + mall_security(jwt_line)


def mall_mapper(mapper: str, method: str, proxy: int, many: bool = True, pagehelper: bool = False) -> list[str]:
    """MyBatis frames from the executor up to the mapper proxy call (mapper: FQN of the Mapper/Dao interface)."""
    frames = []
    if pagehelper:
        frames += ["com.github.pagehelper.PageInterceptor.intercept(PageInterceptor.java:108)"]
    else:
        frames += ["org.apache.ibatis.executor.CachingExecutor.query(CachingExecutor.java:109)",
                   "com.github.pagehelper.PageInterceptor.intercept(PageInterceptor.java:151)"]
    frames += [
        "org.apache.ibatis.plugin.Plugin.invoke(Plugin.java:62)",
        "com.sun.proxy.$Proxy231.query(Unknown Source)",
        "org.apache.ibatis.session.defaults.DefaultSqlSession.selectList(DefaultSqlSession.java:151)",
        "org.apache.ibatis.session.defaults.DefaultSqlSession.selectList(DefaultSqlSession.java:145)",
        "org.apache.ibatis.session.defaults.DefaultSqlSession.selectList(DefaultSqlSession.java:140)",
        "sun.reflect.GeneratedMethodAccessor412.invoke(Unknown Source)",
        "sun.reflect.DelegatingMethodAccessorImpl.invoke(DelegatingMethodAccessorImpl.java:43)",
        "java.lang.reflect.Method.invoke(Method.java:498)",
        "org.mybatis.spring.SqlSessionTemplate$SqlSessionInterceptor.invoke(SqlSessionTemplate.java:427)",
        "com.sun.proxy.$Proxy118.selectList(Unknown Source)",
        "org.mybatis.spring.SqlSessionTemplate.selectList(SqlSessionTemplate.java:224)",
        f"org.apache.ibatis.binding.MapperMethod.{'executeForMany' if many else 'execute'}("
        f"MapperMethod.java:{166 if many else 87})",
    ]
    if many:
        frames.append("org.apache.ibatis.binding.MapperMethod.execute(MapperMethod.java:77)")
    frames += [
        "org.apache.ibatis.binding.MapperProxy$PlainMethodInvoker.invoke(MapperProxy.java:145)",
        "org.apache.ibatis.binding.MapperProxy.invoke(MapperProxy.java:86)",
        f"com.sun.proxy.$Proxy{proxy}.{method}(Unknown Source)",
    ]
    return frames


MALL_DRUID_GET = [
    "com.alibaba.druid.pool.DruidDataSource.getConnectionInternal(DruidDataSource.java:1722)",
    "com.alibaba.druid.pool.DruidDataSource.getConnectionDirect(DruidDataSource.java:1402)",
    "com.alibaba.druid.filter.FilterChainImpl.dataSource_connect(FilterChainImpl.java:5059)",
    "com.alibaba.druid.filter.stat.StatFilter.dataSource_getConnection(StatFilter.java:680)",
    "com.alibaba.druid.filter.FilterChainImpl.dataSource_connect(FilterChainImpl.java:5055)",
    "com.alibaba.druid.pool.DruidDataSource.getConnection(DruidDataSource.java:1380)",
    "com.alibaba.druid.pool.DruidDataSource.getConnection(DruidDataSource.java:1372)",
    "com.alibaba.druid.pool.DruidDataSource.getConnection(DruidDataSource.java:109)",
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
