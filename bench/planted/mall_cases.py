"""The mall cases (mall-portal, Asia/Shanghai)."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

from . import frames as F
from .gitrepo import Commit, Edit
from .kit import CST, Case
from .mall import (
    ADMIN,
    PORTAL,
    PP,
    A,
    BootLog,
    Ctx,
    background_reports,
    build_case,
    decoys,
    design,
    history,
    run_runtime,
    scenario,
    tomcat_error,
)
from .runtime import AppLog, Exc, Request


def _guilty(author: str, when: datetime, message: str, edits: list[Edit]) -> Commit:
    return Commit(A[author], when, message, edits, key="guilty")


def _release(when: datetime, tag: str) -> Commit:
    return Commit(A["zhao"], when, f"发布 {tag}", [], tag=tag)


def _member_frames(ctx: Ctx, top: list[str]) -> list[str]:
    """From UmsMemberCacheServiceImpl.getMember (through its CGLIB proxy) down to the JWT filter and Tomcat."""
    cache = "com.macro.mall.portal.service.impl.UmsMemberCacheServiceImpl"
    return [*top,
            ctx.portal("service.impl.UmsMemberCacheServiceImpl", "getMember",
                       "return (UmsMember) redisService.get(key);"),
            f"{cache}$$FastClassBySpringCGLIB$$5f0c2a1e.invoke(<generated>)",
            "org.springframework.cglib.proxy.MethodProxy.invoke(MethodProxy.java:218)",
            "org.springframework.aop.framework.CglibAopProxy$DynamicAdvisedInterceptor.intercept(CglibAopProxy.java:689)",
            f"{cache}$$EnhancerBySpringCGLIB$$9b1d3e47.getMember(<generated>)",
            ctx.portal("service.impl.UmsMemberServiceImpl", "getByUsername",
                       "UmsMember member = memberCacheService.getMember(username);"),
            ctx.portal("service.impl.UmsMemberServiceImpl", "loadUserByUsername",
                       "UmsMember member = getByUsername(username);"),
            ctx.portal("config.MallSecurityConfig", "lambda$userDetailsService$0",
                       "return username -> memberService.loadUserByUsername(username);"),
            *F.mall_security(ctx.jwt(
                "UserDetails userDetails = this.userDetailsService.loadUserByUsername(username);"))]


# ------------------------------------------------------------------ 1. serialization: class cast from the Redis cache


def member_cache_classcast(mirror: Path, out: Path) -> Case:
    onset = datetime(2026, 11, 17, 10, 26, 0, tzinfo=CST)
    deploy = onset - timedelta(minutes=3)
    day = onset.replace(hour=12, minute=0)
    cfg = "mall-common/src/main/java/com/macro/mall/common/config/BaseRedisConfig.java"
    guilty = _guilty("zhao", deploy - timedelta(hours=21, minutes=17),
                     "安全加固：Redis 序列化关闭 activateDefaultTyping\n\n"
                     "LaissezFaireSubTypeValidator + DefaultTyping 允许反序列化任意类型，"
                     "存在 Jackson gadget 风险（安全扫描 SEC-2291）。",
                     [Edit(cfg, "        //必须设置，否则无法将JSON转化为对象，会转化成Map类型\n"
                                "        objectMapper.activateDefaultTyping(LaissezFaireSubTypeValidator.instance,"
                                "ObjectMapper.DefaultTyping.NON_FINAL);\n",
                           "")])
    items = [*decoys(day, "home_comment", "fullreduction", "yml_comment"), guilty, *decoys(day, "test"),
             _release(deploy - timedelta(minutes=22), "release-20261117.1"), *decoys(day + timedelta(days=1), "readme")]
    items[-1].when = deploy + timedelta(minutes=9)
    case = Case("mall-member-cache-classcast", "mall", "serialization_class_cast", "zh", False, True,
                [cfg], ["com.macro.mall.common.config.BaseRedisConfig.redisSerializer"],
                "去掉 activateDefaultTyping 后 Redis 里的会员缓存不再带类型信息：读回来是 LinkedHashMap（新写入）或 "
                "ArrayList（旧的带类型数组），UmsMemberCacheServiceImpl.getMember 强转 UmsMember 抛 "
                "ClassCastException，所有登录后的请求在 JWT 过滤器里失败。",
                {"zh": "登录用户所有接口报 500", "en": "Every signed-in request fails"}, "critical", onset,
                "mall-portal",
                {"zh": "10:25 起 App 端登录后的页面全部报错（购物车、订单、我的），未登录的首页、商品详情正常。",
                 "en": "Since 10:25 all signed-in pages fail; anonymous pages work."},
                history(day, items), design())
    dep = deploy.timestamp()

    def shape(r: Request, rng: random.Random) -> None:
        if r.route.auth and r.arrival >= dep:
            r.fail = "cast"
            r.extra["auth_failed"] = True
            r.extra["old"] = rng.random() < 0.35
            r.hold = 0.0
            r.post = 0.002

    def errors(log: AppLog, r: Request) -> None:
        ctx = CTX[0]
        kind = "java.util.ArrayList" if r.extra["old"] else "java.util.LinkedHashMap"
        chain = [Exc("java.lang.ClassCastException", f"{kind} cannot be cast to com.macro.mall.model.UmsMember",
                     _member_frames(ctx, []))]
        tomcat_error(log, r, chain, wrapped=False)

    CTX: list[Ctx] = []

    def runtime(ctx: Ctx) -> None:
        CTX.append(ctx)
        sc = scenario(case.id, onset, deploy, shape, before="1.0.41", after="1.0.42")
        run_runtime(case, out, sc, ctx, errors, error_of=lambda r: (
            ("java.lang.ClassCastException", "java.util.LinkedHashMap cannot be cast to com.macro.mall.model.UmsMember")
            if r.fail else None))

    build_case(case, mirror, out, "release-20261117.1", runtime)
    return case


# ------------------------------------------------------------------ 2. upstream data corruption (mall-admin -> portal)


def _admin_log(path: Path, zone, events: list[tuple[float, str, str, str, dict]]) -> None:
    log = BootLog(zone, port=8080)
    base = "http://mall-admin.mall.svc:8080"
    for t, method, uri, desc, param in events:
        thread = f"http-nio-8080-exec-{int(t) % 9 + 1}"
        log.add(t - 0.05, "INFO", thread, None, "com.macro.mall.security.component.JwtAuthenticationTokenFilter",
                "checking username:ops_wangfang")
        log.add(t - 0.049, "INFO", thread, None, "com.macro.mall.security.component.JwtAuthenticationTokenFilter",
                "authenticated user:ops_wangfang")
        weblog = {"basePath": base, "description": desc, "method": method, "parameter": param,
                  "result": {"code": 200, "data": 1, "message": "操作成功"}, "spendTime": 41,
                  "startTime": int((t - 0.045) * 1000), "uri": uri, "url": base + uri, "username": "ops_wangfang"}
        log.add(t, "INFO", thread, None, "com.macro.mall.common.log.WebLogAspect",
                json.dumps(weblog, ensure_ascii=False, separators=(",", ":")))
    log.write(path)


def sku_price_null(mirror: Path, out: Path) -> Case:
    onset = datetime(2026, 11, 20, 15, 12, 0, tzinfo=CST)
    deploy = onset - timedelta(hours=4, minutes=5)
    day = onset.replace(hour=12, minute=0)
    svc = f"{ADMIN}/service/impl/PmsSkuStockServiceImpl.java"
    guilty = _guilty("wang", deploy - timedelta(hours=19, minutes=40),
                     "SKU 库存快速编辑：新增 /sku/updateStock/{pid}\n\n"
                     "运营大促前批量改库存，前端只提交 id、productId、stock，复用批量 replace 写入。",
                     [Edit(f"{ADMIN}/service/PmsSkuStockService.java",
                           "    int update(Long pid, List<PmsSkuStock> skuStockList);\n",
                           "    int update(Long pid, List<PmsSkuStock> skuStockList);\n\n    /**\n"
                           "     * 只更新库存数量\n     */\n"
                           "    int updateStock(Long pid, List<PmsSkuStock> skuStockList);\n"),
                      Edit(svc, "        return skuStockDao.replaceList(filterSkuList);\n    }\n",
                           "        return skuStockDao.replaceList(filterSkuList);\n    }\n\n    @Override\n"
                           "    public int updateStock(Long pid, List<PmsSkuStock> skuStockList) {\n"
                           "        //只改库存：前端仅回传 id、productId、stock，直接复用批量 replace\n"
                           "        List<PmsSkuStock> stockList = skuStockList.stream()\n"
                           "                .filter(item -> pid.equals(item.getProductId()) && item.getId() != null)\n"
                           "                .collect(Collectors.toList());\n"
                           "        return skuStockDao.replaceList(stockList);\n    }\n"),
                      Edit(f"{ADMIN}/controller/PmsSkuStockController.java",
                           "            return CommonResult.failed();\n        }\n    }\n}",
                           "            return CommonResult.failed();\n        }\n    }\n\n"
                           "    @ApiOperation(\"批量更新sku库存数量\")\n"
                           "    @RequestMapping(value =\"/updateStock/{pid}\",method = RequestMethod.POST)\n"
                           "    @ResponseBody\n"
                           "    public CommonResult updateStock(@PathVariable Long pid,@RequestBody List<PmsSkuStock> "
                           "skuStockList){\n"
                           "        int count = skuStockService.updateStock(pid,skuStockList);\n"
                           "        return CommonResult.success(count);\n    }\n}")])
    items = [*decoys(day, "cache_doc", "redis_doc", "home_comment"), guilty, *decoys(day, "yml_comment", "test"),
             _release(deploy - timedelta(minutes=20), "release-20261120.1")]
    case = Case("mall-sku-price-null", "mall", "upstream_data_corruption", "zh", False, True,
                [svc], ["com.macro.mall.service.impl.PmsSkuStockServiceImpl.updateStock"],
                "后台新增的“只改库存”接口把只含 id/productId/stock 的对象交给 REPLACE "
                "INTO：整行被替换，price、sku_code 等列被写成 NULL。运营 15:04 起批量改库存后，门户购物车促销计算 "
                "OmsPromotionServiceImpl.calcCartPromotion 对这些 "
                "SKU 的 price 做 subtract 抛 NullPointerException；出错的组件（portal 促销）不是错误的来源（admin "
                "写入）。",
                {"zh": "购物车和确认下单接口部分报错", "en": "Cart and checkout fail for some products"}, "high", onset,
                "mall-portal",
                {"zh": "15:10 左右开始，部分用户购物车列表、去结算报“系统繁忙”，集中在双12预热的几个单品促销商品。",
                 "en": "From about 15:10 cart and checkout fail for some users, around a few promoted products."},
                history(day, items), design())
    on = onset.timestamp()

    def shape(r: Request, rng: random.Random) -> None:
        if r.route.name in ("promotion", "confirm") and r.arrival >= on and rng.random() < 0.4:
            r.fail = "npe"
            r.post = 0.003

    def errors(log: AppLog, r: Request) -> None:
        ctx = CTX[0]
        frames = [ctx.portal("service.impl.OmsPromotionServiceImpl", "calcCartPromotion",
                             "cartPromotionItem.setReduceAmount(originalPrice.subtract(skuStock.getPromotionPrice()));"),
                  ctx.portal("service.impl.OmsCartItemServiceImpl", "listPromotion",
                             "cartPromotionItemList = promotionService.calcCartPromotion(cartItemList);")]
        if r.route.name == "confirm":
            frames.append(ctx.portal("service.impl.OmsPortalOrderServiceImpl", "generateConfirmOrder",
                                     "List<CartPromotionItem> cartPromotionItemList = "
                                     "cartItemService.listPromotion(currentMember.getId(),cartIds);"))
        frames += [ctx.controller_frame(r.route), *ctx.mvc(r.route)]
        tomcat_error(log, r, [Exc("java.lang.NullPointerException", "null", frames)])

    CTX: list[Ctx] = []

    def runtime(ctx: Ctx) -> None:
        CTX.append(ctx)
        def w(t, route):
            return route.weight * (2.5 if route.name in ("promotion", "confirm") else 1)
        sc = scenario(case.id, onset, deploy, shape, weights=w, before="1.0.44", after="1.0.45")
        run_runtime(case, out, sc, ctx, errors, error_of=lambda r: (
            ("java.lang.NullPointerException", "null") if r.fail else None))
        rng = random.Random(f"{case.id}-admin")
        events = []
        t = on - 480
        for pid in (37, 38, 39, 41, 44, 45, 26, 27, 28, 29):
            t += rng.uniform(20, 60)
            stock = [{"id": pid * 10 + k, "productId": pid, "stock": rng.randint(200, 900)} for k in range(3)]
            events.append((t, "POST", f"/sku/updateStock/{pid}", "批量更新sku库存数量", stock))
        events.insert(0, (on - 3000, "GET", "/sku/37", "根据商品ID及sku编码模糊搜索sku库存", [{"keyword": ""}]))
        _admin_log(out / "runtime" / "mall-admin.log", CST, events)

    build_case(case, mirror, out, "release-20261120.1", runtime)
    return case


# ------------------------------------------------------------------ 3. dependency upgrade (en)


def pagehelper_upgrade(mirror: Path, out: Path) -> Case:
    onset = datetime(2026, 11, 26, 20, 41, 0, tzinfo=CST)
    deploy = onset - timedelta(minutes=2)
    day = onset.replace(hour=12, minute=0)
    guilty = _guilty("liu", deploy - timedelta(hours=26, minutes=3),
                     "Bump pagehelper to 6.1.0\n\nFixes the count query for ORDER BY inside sub-selects "
                     "(pagehelper#791); no API change on our side, PageHelper.startPage stays the same.",
                     [Edit("pom.xml", "<pagehelper.version>5.3.2</pagehelper.version>",
                           "<pagehelper.version>6.1.0</pagehelper.version>")])
    items = [*decoys(day, "home_comment", "cache_doc"), guilty, *decoys(day, "fullreduction", "test", "yml_comment"),
             _release(deploy - timedelta(minutes=19), "release-20261126.2")]
    case = Case("mall-pagehelper-upgrade", "mall", "dependency_upgrade", "en", False, True,
                ["pom.xml"], [],
                "pagehelper 6.1.0 is compiled against jsqlparser 4.7 (Select.getPlainSelect()), but "
                "pagehelper-spring-boot-starter 1.4.5 keeps jsqlparser 4.5 on the classpath; every paginated query's "
                "count fails with NoSuchMethodError (recommendations, search, order list).",
                {"zh": "商品搜索、订单列表全部报错", "en": "Product search and order list fail"}, "high", onset,
                "mall-portal",
                {"zh": "20:40 发布后，搜索、推荐商品、订单列表接口全部 500；首页和商品详情正常。",
                 "en": "Right after the 20:39 release, product search, recommendations and the order list return 500. "
                       "Home page and product detail work."},
                history(day, items), design())
    dep = deploy.timestamp()

    def shape(r: Request, rng: random.Random) -> None:
        if r.route.name in ("recommend", "search", "orders") and r.arrival >= dep:
            r.fail = "nsme"
            r.post = 0.004

    def errors(log: AppLog, r: Request) -> None:
        ctx = CTX[0]
        service, mapper, method, proxy, _ = ctx.data_access(r.route)
        mapper_frames = F.mall_mapper(mapper, method, proxy, pagehelper=True)[1:]
        frames = ["com.github.pagehelper.parser.defaults.DefaultCountSqlParser.getSmartCountSql("
                  "DefaultCountSqlParser.java:98)",
                  "com.github.pagehelper.parser.defaults.DefaultCountSqlParser.getSmartCountSql(DefaultCountSqlParser.java:68)",
                  "com.github.pagehelper.dialect.AbstractHelperDialect.getCountSql(AbstractHelperDialect.java:90)",
                  "com.github.pagehelper.util.ExecutorUtil.executeAutoCount(ExecutorUtil.java:169)",
                  "com.github.pagehelper.PageInterceptor.count(PageInterceptor.java:231)",
                  "com.github.pagehelper.PageInterceptor.intercept(PageInterceptor.java:127)",
                  *mapper_frames, *service, ctx.controller_frame(r.route), *ctx.mvc(r.route)]
        tomcat_error(log, r, [Exc("java.lang.NoSuchMethodError",
                                  "net.sf.jsqlparser.statement.select.Select.getPlainSelect()"
                                  "Lnet/sf/jsqlparser/statement/select/PlainSelect;", frames)],
                     dispatch="Handler dispatch failed")

    CTX: list[Ctx] = []

    def runtime(ctx: Ctx) -> None:
        CTX.append(ctx)
        sc = scenario(case.id, onset, deploy, shape, before="1.0.47", after="1.0.48")
        run_runtime(case, out, sc, ctx, errors, error_of=lambda r: (
            ("java.lang.NoSuchMethodError",
             "net.sf.jsqlparser.statement.select.Select.getPlainSelect()") if r.fail else None))

    build_case(case, mirror, out, "release-20261126.2", runtime)
    return case


# ------------------------------------------------------------- 4. changed MyBatis query -> full scan -> Druid exhausted


HOT_OLD = """            sms_home_recommend_product hp
            LEFT JOIN pms_product p ON hp.product_id = p.id
        WHERE
            hp.recommend_status = 1
            AND p.publish_status = 1
        ORDER BY
            hp.sort DESC"""
HOT_NEW = """            sms_home_recommend_product hp
            LEFT JOIN pms_product p ON hp.product_id = p.id
            LEFT JOIN (
                SELECT oi.product_id, SUM(oi.product_quantity) AS sale_30d
                FROM oms_order_item oi
                JOIN oms_order o ON o.id = oi.order_id
                WHERE DATE_FORMAT(o.create_time, '%Y-%m-%d') &gt;= DATE_FORMAT(DATE_SUB(NOW(), INTERVAL 30 DAY), '%Y-%m-%d')
                GROUP BY oi.product_id
            ) s ON s.product_id = p.id
        WHERE
            hp.recommend_status = 1
            AND p.publish_status = 1
        ORDER BY
            s.sale_30d DESC, hp.sort DESC"""  # noqa: E501 (mapper XML planted verbatim)


def home_hot_scan(mirror: Path, out: Path) -> Case:
    onset = datetime(2026, 11, 21, 11, 34, 0, tzinfo=CST)
    deploy = onset - timedelta(minutes=6)
    day = onset.replace(hour=12, minute=0)
    xml = "mall-portal/src/main/resources/dao/HomeDao.xml"
    guilty = _guilty("liu", deploy - timedelta(hours=22, minutes=48),
                     "首页人气推荐按近30天销量排序\n\n运营反馈人气推荐长期不变，改为按近30天销量排序，销量相同再按后台排序。",
                     [Edit(xml, HOT_OLD, HOT_NEW)])
    items = [*decoys(day, "cache_doc", "redis_doc"), guilty, *decoys(day, "fullreduction", "home_comment", "test"),
             _release(deploy - timedelta(minutes=21), "release-20261121.1")]
    case = Case("mall-home-hot-scan", "mall", "slow_query_full_scan", "zh", False, True,
                [xml], ["com.macro.mall.portal.dao.HomeDao.getHotProductList"],
                "人气推荐 SQL 改为关联近30天订单销量，WHERE DATE_FORMAT(o.create_time, ...) 使 create_time "
                "索引失效，每次首页请求全表扫描 oms_order/oms_order_item（约 2600 万行、8–15 秒）；首页流量把 Druid "
                "连接池（20）占满，购物车、订单、搜索等其他接口 3 秒拿不到连接报 GetConnectionTimeoutException。",
                {"zh": "首页打不开，购物车和订单接口大量超时", "en": "Home page hangs, cart and orders time out"},
                "critical",
                onset, "mall-portal",
                {"zh": "11:30 之后首页加载非常慢，随后购物车、订单列表、搜索大量报错，数据库 CPU 打满。",
                 "en": "After 11:30 the home page is very slow, then cart, orders and search fail; DB CPU is pegged."},
                history(day, items), design())
    dep = deploy.timestamp()
    stmt = ("SELECT p.*\n        FROM\n            sms_home_recommend_product hp\n"
            "            LEFT JOIN pms_product p ON hp.product_id = p.id\n            LEFT JOIN (\n"
            "                SELECT oi.product_id, SUM(oi.product_quantity) AS "
            "sale_30d\n                FROM oms_order_item oi\n                JOIN oms_order o ON o.id = oi.order_id\n"
            "                WHERE DATE_FORMAT(o.create_time, '%Y-%m-%d') >= DATE_FORMAT(DATE_SUB(NOW(), INTERVAL 30 "
            "DAY), '%Y-%m-%d')\n                GROUP BY oi.product_id\n            ) s ON s.product_id = p.id\n"
            "        WHERE\n"
            "            hp.recommend_status = 1\n            AND p.publish_status = 1\n        ORDER BY\n"
            "            s.sale_30d DESC, hp.sort DESC\n        LIMIT 0, 4")

    def shape(r: Request, rng: random.Random) -> None:
        if r.route.name == "home" and r.arrival >= dep:
            took = rng.uniform(8.0, 15.0) * (1.0 + min(1.0, (r.arrival - dep) / 600))
            r.hold = took + 0.03
            r.slow_sql = (stmt, 25_914_337 + rng.randint(0, 9000), 4)
            r.extra["sql_s"] = took

    def runtime(ctx: Ctx) -> None:
        sc = scenario(case.id, onset, deploy, shape, rate=lambda t: 4.5, before="1.0.45", after="1.0.46")
        run_runtime(case, out, sc, ctx, lambda log, r: None, slow=True, background_slow=background_reports(sc))

    build_case(case, mirror, out, "release-20261121.1", runtime)
    return case


# ------------------------------------------------------------- 5. downstream slowdown amplified by a timeout change


def alipay_timeout(mirror: Path, out: Path) -> Case:
    onset = datetime(2026, 11, 28, 20, 8, 0, tzinfo=CST)
    deploy = onset - timedelta(hours=5, minutes=40)
    day = onset.replace(hour=12, minute=0)
    cfg = f"{PORTAL}/config/AlipayClientConfig.java"
    guilty = _guilty("chen", deploy - timedelta(hours=18, minutes=26),
                     "支付宝客户端：放宽连接/读超时\n\n大促期间支付宝网关偶发慢响应，查询接口 15s "
                     "读超时会让前端判定支付失败（掉单投诉），读超时放宽到 60s。",
                     [Edit(cfg, "    public AlipayClient alipayClient(AlipayConfig config){\n"
                                "        return new DefaultAlipayClient(config.getGatewayUrl(),config.getAppId(),"
                                "config.getAppPrivateKey(), config.getFormat(),config.getCharset(),config."
                                "getAlipayPublicKey(),config.getSignType());\n",
                           "    public AlipayClient alipayClient(AlipayConfig config) throws "
                           "com.alipay.api.AlipayApiException {\n"
                           "        com.alipay.api.AlipayConfig clientConfig = new com.alipay.api.AlipayConfig();\n"
                           "        clientConfig.setServerUrl(config.getGatewayUrl());\n"
                           "        clientConfig.setAppId(config.getAppId());\n"
                           "        clientConfig.setPrivateKey(config.getAppPrivateKey());\n"
                           "        clientConfig.setFormat(config.getFormat());\n"
                           "        clientConfig.setCharset(config.getCharset());\n"
                           "        clientConfig.setAlipayPublicKey(config.getAlipayPublicKey());\n"
                           "        clientConfig.setSignType(config.getSignType());\n"
                           "        //大促期间支付宝网关偶发慢响应，放宽超时，避免查询失败导致掉单\n"
                           "        clientConfig.setConnectTimeout(10000);\n"
                           "        clientConfig.setReadTimeout(60000);\n"
                           "        return new DefaultAlipayClient(clientConfig);\n")])
    items = [*decoys(day, "home_comment", "cache_doc", "redis_doc"), guilty, *decoys(day, "test"),
             _release(deploy - timedelta(minutes=22), "release-20261128.1"), *decoys(day, "readme")]
    items[-1].when = onset - timedelta(hours=1)
    case = Case("mall-alipay-timeout", "mall", "downstream_timeout_change", "zh", False, True,
                [cfg], ["com.macro.mall.portal.config.AlipayClientConfig.alipayClient"],
                "支付宝网关 20:05 起变慢（20–60 秒）。新版本把 SDK 读超时从默认 15s 放宽到 60s，前端每 2 秒轮询 "
                "/alipay/query，每个查询占住一个 Tomcat 线程直到 60 秒，200 个工作线程被占满，所有接口在 ingress 超时 "
                "504；慢的是下游，把它放大成全站故障的是超时改动。",
                {"zh": "大促晚高峰全站超时", "en": "Site-wide timeouts at the evening peak"}, "critical", onset,
                "mall-portal",
                {"zh": "20:08 起 App 几乎所有页面转圈后报网络超时（504），支付结果页一直在查询中。",
                 "en": "From 20:08 almost every page times out (504); the payment result page keeps polling."},
                history(day, items), design())
    on = onset.timestamp()

    def shape(r: Request, rng: random.Random) -> None:
        r.hold = r.pre + r.post + r.hold  # the simulated pool is Tomcat's worker pool
        r.pre = r.post = 0.0005
        if r.route.name == "query":
            if r.arrival >= on - 60:
                took = rng.uniform(18.0, 75.0)
                if took >= 60.0:
                    took = 60.0 + rng.uniform(0.001, 0.02)
                    r.fail = "read_timeout"
                r.remote = [{"url": "https://openapi.alipay.com/gateway.do", "method": "POST", "took": took,
                             "status": None if r.fail else 200,
                             "error": "java.net.SocketTimeoutException: Read timed out" if r.fail else None}]
                r.hold += took
            else:
                took = rng.uniform(0.15, 0.6)
                r.remote = [{"url": "https://openapi.alipay.com/gateway.do", "method": "POST", "took": took,
                             "status": 200}]
                r.hold += took

    def errors(log: AppLog, r: Request) -> None:
        ctx = CTX[0]
        call = ctx.portal("service.impl.AlipayServiceImpl", "query", "response = alipayClient.execute(request);")
        npe_line = ctx.portal("service.impl.AlipayServiceImpl", "query", "if(response.isSuccess()){")
        below = [ctx.controller_frame(r.route), *ctx.mvc(r.route)]
        sdk = ["com.alipay.api.AbstractAlipayClient.doPost(AbstractAlipayClient.java:1030)",
               "com.alipay.api.AbstractAlipayClient._execute(AbstractAlipayClient.java:852)",
               "com.alipay.api.AbstractAlipayClient.execute(AbstractAlipayClient.java:344)",
               "com.alipay.api.AbstractAlipayClient.execute(AbstractAlipayClient.java:326)",
               "com.alipay.api.AbstractAlipayClient.execute(AbstractAlipayClient.java:320)",
               "com.alipay.api.AbstractAlipayClient.execute(AbstractAlipayClient.java:314)", call, *below]
        socket = ["java.net.SocketInputStream.socketRead0(Native Method)",
                  "java.net.SocketInputStream.socketRead(SocketInputStream.java:116)",
                  "java.net.SocketInputStream.read(SocketInputStream.java:171)",
                  "java.net.SocketInputStream.read(SocketInputStream.java:141)",
                  "sun.security.ssl.SSLSocketInputRecord.read(SSLSocketInputRecord.java:464)",
                  "sun.security.ssl.SSLSocketInputRecord.readHeader(SSLSocketInputRecord.java:457)",
                  "sun.security.ssl.SSLSocketInputRecord.decode(SSLSocketInputRecord.java:165)",
                  "sun.security.ssl.SSLTransport.decode(SSLTransport.java:109)",
                  "sun.security.ssl.SSLSocketImpl.decode(SSLSocketImpl.java:1392)",
                  "sun.security.ssl.SSLSocketImpl.readApplicationRecord(SSLSocketImpl.java:1355)",
                  "sun.security.ssl.SSLSocketImpl$AppInputStream.read(SSLSocketImpl.java:963)",
                  "java.io.BufferedInputStream.fill(BufferedInputStream.java:246)",
                  "java.io.BufferedInputStream.read1(BufferedInputStream.java:286)",
                  "java.io.BufferedInputStream.read(BufferedInputStream.java:345)",
                  "sun.net.www.http.HttpClient.parseHTTPHeader(HttpClient.java:754)",
                  "sun.net.www.http.HttpClient.parseHTTP(HttpClient.java:689)",
                  "sun.net.www.protocol.http.HttpURLConnection.getInputStream0(HttpURLConnection.java:1615)",
                  "sun.net.www.protocol.http.HttpURLConnection.getInputStream(HttpURLConnection.java:1520)",
                  "java.net.HttpURLConnection.getResponseCode(HttpURLConnection.java:527)",
                  "sun.net.www.protocol.https.HttpsURLConnectionImpl.getResponseCode(HttpsURLConnectionImpl.java:334)",
                  "com.alipay.api.internal.util.WebUtils.getResponseAsString(WebUtils.java:469)",
                  "com.alipay.api.internal.util.WebUtils.doPost(WebUtils.java:152)",
                  "com.alipay.api.AbstractAlipayClient.doPost(AbstractAlipayClient.java:1016)", *sdk[1:]]
        log.add(r.end - 0.004, "ERROR", r.thread, r.trace_id, f"{PP}.service.impl.AlipayServiceImpl",
                "查询支付宝账单异常！",
                [Exc("com.alipay.api.AlipayApiException", "java.net.SocketTimeoutException: Read timed out", sdk),
                 Exc("java.net.SocketTimeoutException", "Read timed out", socket)])
        tomcat_error(log, r, [Exc("java.lang.NullPointerException", "null", [npe_line, *below])])

    def extra(log: AppLog, requests: list[Request]) -> None:
        for r in requests:
            if r.route.name == "query" and not r.fail and not r.pool_timeout and r.remote:
                log.add(r.end - 0.003, "INFO", r.thread, r.trace_id, f"{PP}.service.impl.AlipayServiceImpl",
                        "查询支付宝账单成功！")

    CTX: list[Ctx] = []

    def runtime(ctx: Ctx) -> None:
        CTX.append(ctx)
        def rate(t):
            return 4.0 if t < on - 60 else 4.0 + 8.0 * min(1.0, (t - on + 60) / 300)

        def w(t, route):
            return route.weight * (60 if route.name == "query" and t >= on - 60 else 1)
        sc = scenario(case.id, onset, deploy, shape, rate=rate, weights=w, pool=lambda t: 200,
                      timeout=lambda t: 60.0, before="1.0.48", after="1.0.49")
        sc.pool_is_threads = True
        run_runtime(case, out, sc, ctx, errors, extra, error_of=lambda r: (
            ("java.lang.NullPointerException", "null") if r.fail else None))

    build_case(case, mirror, out, "release-20261128.1", runtime)
    return case


# ------------------------------------------------------------------ 6. downstream outage: Redis, no change guilty


def redis_outage(mirror: Path, out: Path) -> Case:
    onset = datetime(2026, 11, 30, 14, 47, 0, tzinfo=CST)
    deploy = onset - timedelta(days=1, hours=2)
    day = onset.replace(hour=12, minute=0)
    items = [*decoys(day - timedelta(days=1), "home_comment", "fullreduction", "test"),
             _release(deploy - timedelta(minutes=20), "release-20261129.1"),
             *decoys(day + timedelta(days=2), "cache_doc", "redis_doc")]
    items[-2].when = onset - timedelta(hours=6)
    items[-1].when = onset - timedelta(hours=3)  # merged today, not deployed
    case = Case("mall-redis-outage", "mall", "downstream_outage", "zh", False, False, [], [],
                "没有代码变更导致故障：redis-master 节点 14:46 宕机并发生主从切换，约 9 分钟不可达；JWT "
                "过滤器每个请求都从 Redis 读会员缓存，登录后的请求全部 "
                "500。最近一次发布在前一天，今天合并的两个提交（注释）尚未发布。",
                {"zh": "登录后接口大面积 500", "en": "Signed-in requests fail"}, "critical", onset, "mall-portal",
                {"zh": "14:47 起登录后的接口大量报错，首页和商品详情正常，14:56 左右自动恢复。",
                 "en": "From 14:47 signed-in requests fail; recovered around 14:56."},
                history(day, items), design())
    on, back = onset.timestamp(), onset.timestamp() + 540

    def shape(r: Request, rng: random.Random) -> None:
        if r.route.auth and on <= r.arrival < back:
            r.fail = "redis"
            r.extra["auth_failed"] = True
            r.extra["timeout"] = r.arrival < on + 20 or rng.random() < 0.2
            r.hold = 0.0
            r.pre = 0.3 if r.extra["timeout"] else 0.01
            r.post = 0.002

    def errors(log: AppLog, r: Request) -> None:
        ctx = CTX[0]
        redis_get = "com.macro.mall.common.service.impl.RedisServiceImpl.get(RedisServiceImpl.java:{})".format(
            ctx.frame("x", "y", "mall-common/src/main/java/com/macro/mall/common/service/impl/RedisServiceImpl.java",
                      "return redisTemplate.opsForValue().get(key);").rsplit(":", 1)[1].rstrip(")"))
        template = ["org.springframework.data.redis.core.RedisTemplate.execute(RedisTemplate.java:211)",
                    "org.springframework.data.redis.core.RedisTemplate.execute(RedisTemplate.java:191)",
                    "org.springframework.data.redis.core.AbstractOperations.execute(AbstractOperations.java:97)",
                    "org.springframework.data.redis.core.DefaultValueOperations.get(DefaultValueOperations.java:54)",
                    redis_get]
        below = _member_frames(ctx, [])
        if r.extra["timeout"]:
            chain = [Exc("org.springframework.dao.QueryTimeoutException",
                         "Redis command timed out; nested exception is io.lettuce.core.RedisCommandTimeoutException: "
                         "Command timed out after 300 millisecond(s)",
                         ["org.springframework.data.redis.connection.lettuce.LettuceExceptionConverter.convert(LettuceExceptionConverter.java:70)",
                          "org.springframework.data.redis.connection.lettuce.LettuceExceptionConverter.convert(LettuceExceptionConverter.java:41)",
                          "org.springframework.data.redis.PassThroughExceptionTranslationStrategy.translate(PassThroughExceptionTranslationStrategy.java:44)",
                          "org.springframework.data.redis.FallbackExceptionTranslationStrategy.translate(FallbackExceptionTranslationStrategy.java:42)",
                          "org.springframework.data.redis.connection.lettuce.LettuceConnection.convertLettuceAccessException(LettuceConnection.java:277)",
                          "org.springframework.data.redis.connection.lettuce.LettuceConnection.await(LettuceConnection.java:1085)",
                          "org.springframework.data.redis.connection.lettuce.LettuceConnection.lambda$doInvoke$4(LettuceConnection.java:938)",
                          "org.springframework.data.redis.connection.lettuce.LettuceInvoker$Synchronizer.invoke(LettuceInvoker.java:673)",
                          "org.springframework.data.redis.connection.lettuce.LettuceInvoker.just(LettuceInvoker.java:94)",
                          "org.springframework.data.redis.connection.lettuce.LettuceStringCommands.get(LettuceStringCommands.java:53)",
                          "org.springframework.data.redis.connection.DefaultedRedisConnection.get(DefaultedRedisConnection.java:296)",
                          "org.springframework.data.redis.core.DefaultValueOperations$1.inRedis(DefaultValueOperations.java:57)",
                          "org.springframework.data.redis.core.AbstractOperations$ValueDeserializingRedisCallback.doInRedis(AbstractOperations.java:61)",
                          "org.springframework.data.redis.core.RedisTemplate.execute(RedisTemplate.java:224)",
                          *template, *below]),
                     Exc("io.lettuce.core.RedisCommandTimeoutException", "Command timed out after 300 millisecond(s)",
                         ["io.lettuce.core.internal.ExceptionFactory.createTimeoutException(ExceptionFactory.java:59)",
                          "io.lettuce.core.internal.Futures.awaitOrCancel(Futures.java:246)",
                          "io.lettuce.core.LettuceFutures.awaitOrCancel(LettuceFutures.java:74)",
                          "org.springframework.data.redis.connection.lettuce.LettuceConnection.await(LettuceConnection.java:1083)",
                          "org.springframework.data.redis.connection.lettuce.LettuceConnection.lambda$doInvoke$4(LettuceConnection.java:938)",
                          "org.springframework.data.redis.connection.lettuce.LettuceInvoker$Synchronizer.invoke(LettuceInvoker.java:673)",
                          "org.springframework.data.redis.connection.lettuce.LettuceInvoker.just(LettuceInvoker.java:94)",
                          "org.springframework.data.redis.connection.lettuce.LettuceStringCommands.get(LettuceStringCommands.java:53)",
                          "org.springframework.data.redis.connection.DefaultedRedisConnection.get(DefaultedRedisConnection.java:296)",
                          "org.springframework.data.redis.core.DefaultValueOperations$1.inRedis(DefaultValueOperations.java:57)",
                          "org.springframework.data.redis.core.AbstractOperations$ValueDeserializingRedisCallback.doInRedis(AbstractOperations.java:61)",
                          "org.springframework.data.redis.core.RedisTemplate.execute(RedisTemplate.java:224)",
                          *template, *below])]
        else:
            factory = "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory"
            chain = [Exc("org.springframework.data.redis.RedisConnectionFailureException",
                         "Unable to connect to Redis; nested exception is io.lettuce.core.RedisConnectionException: "
                         "Unable to connect to redis-master.mall.svc:6379",
                         [f"{factory}$ExceptionTranslatingConnectionProvider.translateException(LettuceConnectionFactory.java:1689)",
                          f"{factory}$ExceptionTranslatingConnectionProvider.getConnection(LettuceConnectionFactory.java:1597)",
                          f"{factory}$SharedConnection.getNativeConnection(LettuceConnectionFactory.java:1383)",
                          f"{factory}$SharedConnection.getConnection(LettuceConnectionFactory.java:1366)",
                          f"{factory}.getSharedConnection(LettuceConnectionFactory.java:1093)",
                          f"{factory}.getConnection(LettuceConnectionFactory.java:421)",
                          "org.springframework.data.redis.core.RedisConnectionUtils.fetchConnection(RedisConnectionUtils.java:193)",
                          "org.springframework.data.redis.core.RedisConnectionUtils.doGetConnection(RedisConnectionUtils.java:144)",
                          "org.springframework.data.redis.core.RedisConnectionUtils.getConnection(RedisConnectionUtils.java:105)",
                          *template, *below]),
                     Exc("io.lettuce.core.RedisConnectionException", "Unable to connect to redis-master.mall.svc:6379",
                         ["io.lettuce.core.RedisConnectionException.create(RedisConnectionException.java:78)",
                          "io.lettuce.core.RedisConnectionException.create(RedisConnectionException.java:56)",
                          "io.lettuce.core.AbstractRedisClient.getConnection(AbstractRedisClient.java:330)",
                          "io.lettuce.core.RedisClient.connect(RedisClient.java:216)",
                          "org.springframework.data.redis.connection.lettuce.StandaloneConnectionProvider.lambda$getConnection$1(StandaloneConnectionProvider.java:115)",
                          "java.util.Optional.orElseGet(Optional.java:267)",
                          "org.springframework.data.redis.connection.lettuce.StandaloneConnectionProvider.getConnection(StandaloneConnectionProvider.java:115)",
                          f"{factory}$ExceptionTranslatingConnectionProvider.getConnection(LettuceConnectionFactory.java:1595)",
                          f"{factory}$SharedConnection.getNativeConnection(LettuceConnectionFactory.java:1383)",
                          f"{factory}$SharedConnection.getConnection(LettuceConnectionFactory.java:1366)",
                          f"{factory}.getSharedConnection(LettuceConnectionFactory.java:1093)",
                          f"{factory}.getConnection(LettuceConnectionFactory.java:421)",
                          "org.springframework.data.redis.core.RedisConnectionUtils.fetchConnection(RedisConnectionUtils.java:193)",
                          "org.springframework.data.redis.core.RedisConnectionUtils.doGetConnection(RedisConnectionUtils.java:144)",
                          "org.springframework.data.redis.core.RedisConnectionUtils.getConnection(RedisConnectionUtils.java:105)",
                          *template, *below]),
                     Exc("io.netty.channel.ConnectTimeoutException",
                         "connection timed out: redis-master.mall.svc/10.43.12.7:6379",
                         ["io.netty.channel.nio.AbstractNioChannel$AbstractNioUnsafe$1.run(AbstractNioChannel.java:261)",
                          "io.netty.util.concurrent.PromiseTask.runTask(PromiseTask.java:98)",
                          "io.netty.util.concurrent.ScheduledFutureTask.run(ScheduledFutureTask.java:153)",
                          "io.netty.util.concurrent.AbstractEventExecutor.runTask(AbstractEventExecutor.java:174)",
                          "io.netty.util.concurrent.AbstractEventExecutor.safeExecute(AbstractEventExecutor.java:167)",
                          "io.netty.util.concurrent.SingleThreadEventExecutor.runAllTasks(SingleThreadEventExecutor.java:470)",
                          "io.netty.channel.nio.NioEventLoop.run(NioEventLoop.java:569)",
                          "io.netty.util.concurrent.SingleThreadEventExecutor$4.run(SingleThreadEventExecutor.java:997)",
                          "io.netty.util.internal.ThreadExecutorMap$2.run(ThreadExecutorMap.java:74)",
                          "io.netty.util.concurrent.FastThreadLocalRunnable.run(FastThreadLocalRunnable.java:30)",
                          "java.lang.Thread.run(Thread.java:750)"])]
        tomcat_error(log, r, chain, wrapped=False)

    def extra(log: AppLog, requests: list[Request]) -> None:
        t, delay = on + 0.4, 1.0
        log.add(on + 0.2, "INFO", "lettuce-eventExecutorLoop-1-2", None, "io.lettuce.core.protocol.ConnectionWatchdog",
                "Reconnecting, last destination was redis-master.mall.svc/10.43.12.7:6379")
        while t < back:
            log.add(t + 10.0, "WARN", "lettuce-nioEventLoop-4-3", None, "io.lettuce.core.protocol.ConnectionWatchdog",
                    "Cannot reconnect to [redis-master.mall.svc/<unresolved>:6379]: connection timed out: "
                    "redis-master.mall.svc/10.43.12.7:6379")
            t += 10.0 + delay
            delay = min(30.0, delay * 2)
            log.add(t, "INFO", "lettuce-eventExecutorLoop-1-2", None, "io.lettuce.core.protocol.ConnectionWatchdog",
                    "Reconnecting, last destination was redis-master.mall.svc/10.43.12.7:6379")
        log.add(back + 0.8, "INFO", "lettuce-nioEventLoop-4-1", None, "io.lettuce.core.protocol.ReconnectionHandler",
                "Reconnected to redis-master.mall.svc/<unresolved>:6379")

    CTX: list[Ctx] = []

    def runtime(ctx: Ctx) -> None:
        CTX.append(ctx)
        sc = scenario(case.id, onset, deploy, shape, before="1.0.49", after="1.0.49", end_min=14)
        run_runtime(case, out, sc, ctx, errors, extra, error_of=lambda r: (
            ("org.springframework.data.redis.RedisConnectionFailureException", "Unable to connect to Redis")
            if r.fail else None))

    build_case(case, mirror, out, "release-20261129.1", runtime)
    return case


# ------------------------------------------------------------------ 7. bad input data, no change guilty


def ladder_discount_null(mirror: Path, out: Path) -> Case:
    onset = datetime(2026, 12, 1, 16, 23, 0, tzinfo=CST)
    deploy = onset - timedelta(days=1, hours=5)
    day = onset.replace(hour=12, minute=0)
    items = [*decoys(day - timedelta(days=1), "cache_doc", "home_comment", "test"),
             _release(deploy - timedelta(minutes=20), "release-20261130.2"),
             *decoys(day, "fullreduction", "yml_comment")]
    items[-2].when = onset - timedelta(hours=5)   # touches the same class, another method; not deployed
    items[-1].when = onset - timedelta(hours=2)
    promo = f"{PORTAL}/service/impl/OmsPromotionServiceImpl.java"
    case = Case("mall-ladder-discount-null", "mall", "bad_input_data", "zh", True, False,
                [promo], [f"{PP}.service.impl.OmsPromotionServiceImpl.getLadderPromotionMessage"],
                "没有代码变更导致故障：运营 16:18 在后台编辑商品“打折优惠”阶梯时第二档折扣留空，pms_product_ladder."
                "discount 为 NULL；购物车数量达到该档的用户计算促销文案时 getLadderPromotionMessage 对 null 调 "
                "multiply 抛 NPE。修复点是数据与入参校验（后台阶梯折扣必填、促销计算防御空值），不是回滚。",
                {"zh": "部分用户购物车结算报错", "en": "Checkout fails for some carts"}, "medium", onset, "mall-portal",
                {"zh": "16:20 之后部分用户购物车去结算报系统错误，集中在一款打折商品，买 3 件以上必现。",
                 "en": "After 16:20 checkout fails for some carts, around one discounted product "
                       "when buying 3 or more."},
                history(day, items), design())
    on = onset.timestamp()

    def shape(r: Request, rng: random.Random) -> None:
        if r.route.name in ("promotion", "confirm") and r.arrival >= on and rng.random() < 0.18:
            r.fail = "npe"
            r.post = 0.003

    def errors(log: AppLog, r: Request) -> None:
        ctx = CTX[0]
        frames = [ctx.portal("service.impl.OmsPromotionServiceImpl", "getLadderPromotionMessage",
                              "sb.append(ladder.getDiscount().multiply(new BigDecimal(10)));"),
                   ctx.portal("service.impl.OmsPromotionServiceImpl", "calcCartPromotion",
                              "String message = getLadderPromotionMessage(ladder);"),
                   ctx.portal("service.impl.OmsCartItemServiceImpl", "listPromotion",
                              "cartPromotionItemList = promotionService.calcCartPromotion(cartItemList);")]
        if r.route.name == "confirm":
            frames.append(ctx.portal("service.impl.OmsPortalOrderServiceImpl", "generateConfirmOrder",
                                     "List<CartPromotionItem> cartPromotionItemList = "
                                     "cartItemService.listPromotion(currentMember.getId(),cartIds);"))
        frames += [ctx.controller_frame(r.route), *ctx.mvc(r.route)]
        tomcat_error(log, r, [Exc("java.lang.NullPointerException", "null", frames)])

    CTX: list[Ctx] = []

    def runtime(ctx: Ctx) -> None:
        CTX.append(ctx)
        sc = scenario(case.id, onset, deploy, shape, before="1.0.50", after="1.0.50")
        run_runtime(case, out, sc, ctx, errors, error_of=lambda r: (
            ("java.lang.NullPointerException", "null") if r.fail else None))
        ladder = {"productId": 41, "promotionType": 3, "productLadderList": [
            {"count": 2, "discount": 0.9, "price": 0}, {"count": 3, "discount": None, "price": 0}]}
        _admin_log(out / "runtime" / "mall-admin.log", CST, [
            (on - 2400, "GET", "/product/updateInfo/41", "根据商品id获取商品编辑信息", None),
            (on - 300, "POST", "/product/update/41", "更新商品", [41, ladder]),
            (on - 280, "GET", "/product/list", "查询商品", [{"pageSize": 10}, {"pageNum": 1}])])

    build_case(case, mirror, out, "release-20261130.2", runtime)
    return case


CASES = [member_cache_classcast, sku_price_null, pagehelper_upgrade, home_hot_scan, alipay_timeout, redis_outage,
         ladder_discount_null]
