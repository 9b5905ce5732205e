"""Planted incidents on macrozheng/mall (Spring Boot 2.7, MyBatis + PageHelper, Druid, Redis, Java 8)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from . import frames as F
from .gitrepo import Commit, Edit, History, line_of
from .kit import CST, Case, build_repo, write_bundle_head
from .runtime import (
    DRUID,
    AppLog,
    Exc,
    Request,
    Route,
    Scenario,
    TraceSpec,
    abbreviate,
    simulate,
    stamp,
    write_ingress_log,
    write_metrics,
    write_slow_log,
    write_traces,
)

MIRROR = "macrozheng+mall"
BASE = "74eebe067d4f17b2d0b61691bef2748e3a7daf80"
PORTAL = "mall-portal/src/main/java/com/macro/mall/portal"
ADMIN = "mall-admin/src/main/java/com/macro/mall"
PP = "com.macro.mall.portal"

A = {
    "zhang": ("张伟", "zhangwei@mall-team.example.cn"),
    "li": ("李娜", "lina@mall-team.example.cn"),
    "wang": ("王磊", "wanglei@mall-team.example.cn"),
    "chen": ("陈静", "chenjing@mall-team.example.cn"),
    "liu": ("刘洋", "liuyang@mall-team.example.cn"),
    "zhao": ("赵敏", "zhaomin@mall-team.example.cn"),
}

CODEOWNERS = """# 代码归属（评审自动分配到负责团队）
*                                   @mall/platform
/mall-portal/                       @mall/portal-trade
/mall-portal/src/main/java/com/macro/mall/portal/service/impl/OmsPromotionServiceImpl.java  @mall/promotion
/mall-portal/src/main/java/com/macro/mall/portal/service/impl/AlipayServiceImpl.java        @mall/payment
/mall-portal/src/main/java/com/macro/mall/portal/config/AlipayClientConfig.java             @mall/payment
/mall-portal/src/main/java/com/macro/mall/portal/service/impl/HomeServiceImpl.java          @mall/portal-home
/mall-portal/src/main/resources/dao/HomeDao.xml                                              @mall/portal-home
/mall-admin/                        @mall/merchant-ops
/mall-common/                       @mall/platform
/mall-security/                     @mall/platform
/mall-mbg/                          @mall/platform
/pom.xml                            @mall/platform
"""

ONCALL = """# mall 线上值班手册

- mall-portal 部署在 `mall` 命名空间（2 副本，ingress-nginx，proxy-read-timeout 60s），数据库 mysql-master，缓存 redis-master。
- 发布以 `release-YYYYMMDD.N` 打 tag，流水线在 tag 后约 20 分钟内完成滚动发布。
- Druid 连接池：max-active 20，max-wait 3000ms（见 application-prod.yml）。
- 已知噪声：Druid `discard long time none received connection`（数据库代理空闲断开），
  过期 token 触发的 `JWT格式验证失败`，支付宝沙箱回调的签名校验异常。
"""  # noqa: E501 (a runbook file planted verbatim)

DOMAIN = """# mall 领域模型

数据规模：oms_order 约 680 万行，oms_order_item 约 1900 万行，pms_product 约 3.2 万行，pms_sku_stock 约 21 万行。
连接池 Druid（max-active 20，max-wait 3000ms），会员缓存 Redis，支付对接支付宝 SDK。

## 限界上下文：交易

团队 @mall/portal-trade，接口 `/cart/**`、`/order/**`（mall-portal）。

### 聚合：OmsOrder（聚合根）

订单 `OmsOrder` 及其订单项 `OmsOrderItem`；购物车 `OmsCartItem` 按会员保存。下单时按 SKU 锁定库存
（`pms_sku_stock.lock_stock`），超时未支付订单取消并释放库存。

#### 不变量

- 订单应付金额 = 商品合计 - 促销优惠 - 优惠券 - 积分抵扣，且不小于 0。
- 锁定库存不超过实际库存。

## 限界上下文：促销

团队 @mall/promotion。`OmsPromotionServiceImpl.calcCartPromotion` 按商品促销类型计算优惠：
1 单品促销（SKU 的 `promotion_price`）、3 打折（阶梯 `pms_product_ladder`：满 count 件打 discount 折）、
4 满减（`pms_product_full_reduction`）。

#### 不变量

- SKU 价格 `price` 非空且大于 0。
- 阶梯折扣 0 < discount ≤ 1。

## 限界上下文：商品

团队 @mall/merchant-ops（mall-admin）。商品 `PmsProduct`、SKU 库存 `PmsSkuStock`、阶梯价在后台维护
（`/product/**`、`/sku/**`），SKU 批量保存使用 `PmsSkuStockDao.replaceList`（REPLACE INTO）。

## 限界上下文：首页

团队 @mall/portal-home。`/home/content` 汇总广告、品牌、秒杀、新品、人气推荐（`HomeDao.xml`）。

## 限界上下文：会员与认证

团队 @mall/platform。JWT 过滤器 `JwtAuthenticationTokenFilter` 每个请求按用户名加载会员，会员信息缓存在
Redis（`UmsMemberCacheServiceImpl`，key `mall:ums:member:{username}`，序列化器见 `BaseRedisConfig`）。

## 限界上下文：支付

团队 @mall/payment。支付宝 SDK（`AlipayClientConfig`、`AlipayServiceImpl`），前端支付后每 2 秒轮询 `/alipay/query`。

## 术语

- **SKU**：商品的一个规格组合，带价格与库存。
- **阶梯价**：按购买件数打折的促销方式。
"""

OWNERSHIP = """# 团队

| 团队 | 负责 | 值班群 |
|---|---|---|
| @mall/portal-trade | 购物车、订单（mall-portal） | 交易值班 |
| @mall/promotion | 促销计算 | 促销值班 |
| @mall/portal-home | 首页内容与推荐 | 首页值班 |
| @mall/payment | 支付宝对接 | 支付值班 |
| @mall/merchant-ops | 商家后台（mall-admin） | 后台值班 |
| @mall/platform | 公共模块、安全、依赖与配置 | 平台值班 |
"""


def design() -> dict[str, str]:
    return {"domain.md": DOMAIN, "ownership.md": OWNERSHIP, "CODEOWNERS": CODEOWNERS}


def _platform(day: datetime) -> list[Commit]:
    return [
        Commit(A["zhao"], day - timedelta(days=24, hours=-2), "新增 CODEOWNERS，评审自动分配到负责团队",
               [Edit(".github/CODEOWNERS", None, CODEOWNERS)]),
        Commit(A["zhao"], day - timedelta(days=21, hours=-4),
               "生产环境 Druid 增加 max-wait，拿不到连接时快速失败\n\n默认 maxWait=-1 "
               "会无限等待，线程全部卡死后只能重启。",
               [Edit("mall-portal/src/main/resources/application-prod.yml", "      max-active: 20 #最大连接数\n",
                     "      max-active: 20 #最大连接数\n      max-wait: 3000 #获取连接等待超时（毫秒）\n")]),
        Commit(A["chen"], day - timedelta(days=18, hours=-6), "docs: 线上值班手册",
               [Edit("document/reference/oncall.md", None, ONCALL)]),
    ]


def _decoys(day: datetime) -> dict[str, Commit]:
    return {
        "home_comment": Commit(A["liu"], day - timedelta(days=6, hours=-3), "首页推荐商品：更新过期的 TODO 注释",
                               [Edit(f"{PORTAL}/service/impl/HomeServiceImpl.java",
                                     "        // TODO: 2019/1/29 暂时默认推荐所有商品\n",
                                     "        // 推荐商品：暂按上架商品分页返回，推荐服务接入前保持不变\n")]),
        "cache_doc": Commit(A["wang"], day - timedelta(days=5, hours=-5), "会员缓存实现类补充注释",
                            [Edit(f"{PORTAL}/service/impl/UmsMemberCacheServiceImpl.java",
                                  " * UmsMemberCacheService实现类\n",
                                  " * UmsMemberCacheService实现类：会员信息与验证码缓存在 Redis\n")]),
        "redis_doc": Commit(A["zhao"], day - timedelta(days=4, hours=-2), "RedisServiceImpl 注释补充过期时间单位",
                            [Edit("mall-common/src/main/java/com/macro/mall/common/service/impl/RedisServiceImpl.java",
                                  " * Redis操作Service实现类\n", " * Redis操作Service实现类（过期时间单位均为秒）\n")]),
        "fullreduction": Commit(A["chen"], day - timedelta(days=3, hours=-6), "满减文案：去掉多余的逗号",
                                [Edit(f"{PORTAL}/service/impl/OmsPromotionServiceImpl.java",
                                      '        sb.append(fullReduction.getFullPrice());\n        sb.append("元，");\n',
                                      '        sb.append(fullReduction.getFullPrice());\n        sb.append("元");\n')]),
        "yml_comment": Commit(A["zhao"], day - timedelta(days=2, hours=-4),
                              "application.yml：验证码过期时间注释写明单位",
                              [Edit("mall-portal/src/main/resources/application.yml",
                                    "    authCode: 90 # 验证码超期时间\n",
                                    "    authCode: 90 # 验证码超期时间（秒）\n")]),
        "test": Commit(A["li"], day - timedelta(days=1, hours=-3), "补充购物车促销计算的单元测试数据说明",
                       [Edit("mall-portal/src/test/java/com/macro/mall/portal/PromotionFixtures.md", None,
                             "# 促销计算测试数据\n\n- 单品促销：SKU price=99.00，promotion_price=79.00\n"
                             "- 打折：满 2 件 0.90，满 3 件 0.80\n- 满减：满 200 减 20\n")]),
        "readme": Commit(A["chen"], day - timedelta(hours=20), "docs: 发布流程补充回滚步骤",
                         [Edit("document/reference/oncall.md", "- 已知噪声：",
                               "- 回滚：对上一个 release tag 重新触发流水线，约 10 分钟。\n- 已知噪声：")]),
    }


def decoys(day: datetime, *names: str) -> list[Commit]:
    table = _decoys(day)
    return [table[n] for n in names]


def history(day: datetime, items: list[Commit]) -> History:
    return History(commits=sorted([*_platform(day), *items], key=lambda c: c.when))


# ------------------------------------------------------------------ runtime


def _routes() -> dict[str, Route]:
    def pid(r: random.Random) -> int:
        return int(r.paretovariate(1.1) * 30) % 32000 + 26

    home_sql = [("SELECT", "sms_home_advertise",
                 ("select id, name, type, pic, start_time, end_time, status, click_count, "
                 "order_count, url, note, sort from sms_home_advertise WHERE ( type = ? and status = ? ) order by sort "
                 "desc")),
                ("SELECT", "pms_brand",
                 ("SELECT b.* FROM sms_home_brand hb LEFT JOIN pms_brand b ON hb.brand_id = b.id "
                 "WHERE hb.recommend_status = 1 AND b.show_status = 1 ORDER BY hb.sort DESC LIMIT ?, ?")),
                ("SELECT", "pms_product", ("SELECT p.* FROM sms_home_recommend_product hp LEFT JOIN pms_product p ON "
                 "hp.product_id = p.id WHERE hp.recommend_status = 1 AND p.publish_status = 1 ORDER BY hp.sort DESC "
                 "LIMIT ?, ?"))]
    cart_sql = [("SELECT", "oms_cart_item", ("select id, product_id, product_sku_id, member_id, quantity, price, "
                 "product_pic, product_name, product_sub_title, product_sku_code, member_nickname, create_date, "
                 "modify_date, delete_status, product_category_id, product_brand, product_sn, product_attr from "
                 "oms_cart_item WHERE ( delete_status = ? and member_id = ? )"))]
    promo_sql = [*cart_sql, ("SELECT", "pms_sku_stock", ("SELECT p.id, p.name, p.promotion_type, p.gift_growth, "
                             "p.gift_point, sku.id sku_id, sku.price sku_price, sku.sku_code sku_sku_code, "
                             "sku.promotion_price sku_promotion_price, sku.stock sku_stock, sku.lock_stock "
                             "sku_lock_stock, ladder.id ladder_id, ladder.count ladder_count, ladder.discount "
                             "ladder_discount FROM pms_product p LEFT JOIN pms_sku_stock sku ON p.id = sku.product_id "
                             "LEFT JOIN pms_product_ladder ladder ON p.id = ladder.product_id WHERE p.id IN (?, ?)"))]
    return {
        "home": Route("home", "GET", "/home/content", lambda r: "/home/content", 16, f"{PP}.controller.HomeController",
                      "content", 8, 30, home_sql, 18500, "首页内容信息展示"),
        "recommend": Route("recommend", "GET", "/home/recommendProductList",
                           lambda r: f"/home/recommendProductList?pageNum={r.randint(1, 6)}&pageSize=4", 6,
                           f"{PP}.controller.HomeController", "recommendProductList", 6, 14,
                           [("SELECT", "pms_product", ("select count(0) from pms_product WHERE ( delete_status = ? and "
                             "publish_status = ? )"))], 6200, "分页获取推荐商品"),
        "detail": Route("detail", "GET", "/product/detail/{id}", lambda r: f"/product/detail/{pid(r)}", 14,
                        f"{PP}.controller.PmsPortalProductController", "detail", 9, 22,
                        [("SELECT", "pms_product", "select * from pms_product where id = ?"),
                         ("SELECT", "pms_sku_stock", "select * from pms_sku_stock WHERE ( product_id = ? )")], 9400,
                        "获取前台商品详情"),
        "search": Route("search", "GET", "/product/search", lambda r: "/product/search?keyword=" + r.choice(
            ["%E6%89%8B%E6%9C%BA", "%E5%B0%8F%E7%B1%B3", "%E8%80%B3%E6%9C%BA", "T%E6%81%A4", "%E5%8D%8E%E4%B8%BA",
             "%E8%BF%90%E5%8A%A8%E9%9E%8B"]) + f"&pageNum=1&pageSize={r.choice([5, 10])}", 8,
            f"{PP}.controller.PmsPortalProductController", "search", 9, 28,
            [("SELECT", "pms_product",
              ("SELECT count(0) FROM pms_product WHERE (delete_status = ? AND publish_status = "
              "? AND name LIKE ?)"))], 7800, "综合搜索、筛选、排序"),
        "cart": Route("cart", "GET", "/cart/list", lambda r: "/cart/list", 9, f"{PP}.controller.OmsCartItemController",
                      "list", 6, 10, cart_sql, 3400, "获取当前会员的购物车列表", True),
        "promotion": Route("promotion", "GET", "/cart/list/promotion", lambda r: "/cart/list/promotion", 7,
                           f"{PP}.controller.OmsCartItemController", "listPromotion", 8, 18, promo_sql, 4100,
                           "获取当前会员的购物车列表,包括促销信息", True),
        "confirm": Route("confirm", "POST", "/order/generateConfirmOrder", lambda r: "/order/generateConfirmOrder", 3,
                         f"{PP}.controller.OmsPortalOrderController", "generateConfirmOrder", 14, 36, promo_sql, 5200,
                         "根据购物车信息生成确认单", True),
        "orders": Route("orders", "GET", "/order/list", lambda r: f"/order/list?status={r.choice([-1, 0, 1, 2])}"
                        "&pageNum=1&pageSize=5", 5, f"{PP}.controller.OmsPortalOrderController", "list", 7, 16,
                        [("SELECT", "oms_order",
                          ("SELECT count(0) FROM oms_order WHERE (member_id = ? AND delete_status "
                          "= ? AND status = ?)"))], 6100, "按状态分页获取用户订单列表", True),
        "info": Route("info", "GET", "/sso/info", lambda r: "/sso/info", 5, f"{PP}.controller.UmsMemberController",
                      "info", 4, 0, [], 900, "获取会员信息", True),
        "query": Route("query", "GET", "/alipay/query",
                       lambda r: f"/alipay/query?outTradeNo=2026112{r.randint(10**9, 10**10 - 1)}",
                       1.2, f"{PP}.controller.AlipayController", "query", 6, 0, [], 120,
                       "支付宝统一收单线下交易查询", True),
    }


PODS = ("mall-portal-6b8f7d9c5-h4k2m", "mall-portal-7d5c9f6b8-x7p3q")
POD_IPS = ("10.42.2.31", "10.42.6.14")
AGENTS = [("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
           "Mobile/15E148 MicroMessenger/8.0.54(0x18003637) NetType/WIFI Language/zh_CN"),
          ("Mozilla/5.0 (Linux; Android 14; 23127PN0CC Build/UKQ1.230804.001; wv) AppleWebKit/537.36 "
           "(KHTML, like Gecko) Version/4.0 Chrome/130.0.6723.103 Mobile Safari/537.36 uni-app"),
          ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
           "Safari/537.36")]
TOMCAT = "org.apache.catalina.core.ContainerBase.[Tomcat].[localhost].[/].[dispatcherServlet]"


class BootLog(AppLog):
    """Spring Boot 2's default file layout: `%d %5p ${PID} --- [%t] %-40.40logger{39} : %m%n`."""

    def __init__(self, zone, port: int = 8085) -> None:
        super().__init__(zone)
        self.port = port

    def add(self, moment, level, thread, trace, logger, message, chain=None):  # type: ignore[override]
        name = abbreviate(logger, 39)
        thread = thread.replace("nio-8080-", f"nio-{self.port}-")
        head = f"{stamp(moment, self.zone)} {level:>5} 1 --- [{thread}] {name[-40:]:<40} : {message}"
        from .runtime import format_chain
        body = format_chain(chain) if chain else []
        if chain and trace:
            self.stacks.setdefault(trace, "\n".join(body))
        self.entries.append((moment, len(self.entries), [head, *body]))


class Ctx:
    def __init__(self, repo: Path, rev: str) -> None:
        self.repo, self.rev = repo, rev
        self.weblog = line_of(repo, rev, "mall-common/src/main/java/com/macro/mall/common/log/WebLogAspect.java",
                              "Object result = joinPoint.proceed();")
        self.jwt_pass = self.jwt("chain.doFilter(request, response);")

    def jwt(self, anchor: str) -> int:
        return line_of(self.repo, self.rev,
                       "mall-security/src/main/java/com/macro/mall/security/component/JwtAuthenticationTokenFilter.java",
                       anchor)

    def frame(self, fqn: str, method: str, path: str, anchor: str, nth: int = 1) -> str:
        return f"{fqn}.{method}({path.rsplit('/', 1)[1]}:{line_of(self.repo, self.rev, path, anchor, nth)})"

    def portal(self, cls: str, method: str, anchor: str, nth: int = 1) -> str:
        rel = cls.replace(".", "/")
        return self.frame(f"{PP}.{cls}", method, f"{PORTAL}/{rel}.java", anchor, nth)

    def mvc(self, route: Route, jwt_line: int | None = None) -> list[str]:
        enhancer = format(sum(map(ord, route.controller)) * 2654435761 % 16**8, "08x")
        return F.mall_mvc(route.controller, route.handler, route.method, self.weblog, jwt_line or self.jwt_pass,
                          enhancer)

    def controller_frame(self, route: Route) -> str:
        anchors = {
            "home": ("controller.HomeController", "HomeContentResult contentResult = homeService.content();"),
            "recommend": ("controller.HomeController", "homeService.recommendProductList(pageSize, pageNum);"),
            "cart": ("controller.OmsCartItemController",
                     "cartItemService.list(memberService.getCurrentMember().getId());"),
            "promotion": ("controller.OmsCartItemController",
                          "cartItemService.listPromotion(memberService.getCurrentMember().getId(), cartIds);"),
            "confirm": ("controller.OmsPortalOrderController", "portalOrderService.generateConfirmOrder(cartIds);"),
            "orders": ("controller.OmsPortalOrderController", "portalOrderService.list(status,pageNum,pageSize);"),
            "search": ("controller.PmsPortalProductController",
                       "portalProductService.search(keyword, brandId, productCategoryId, pageNum, pageSize, sort);"),
            "detail": ("controller.PmsPortalProductController", "portalProductService.detail(id);"),
            "query": ("controller.AlipayController",
                      "return CommonResult.success(alipayService.query(outTradeNo,tradeNo));"),
            "info": ("controller.UmsMemberController", "UmsMember member = memberService.getCurrentMember();"),
        }
        cls, anchor = anchors[route.name]
        return self.portal(cls, route.handler, anchor)

    def data_access(self, route: Route) -> tuple[list[str], str, str, int, bool]:
        """(service frames, mapper FQN, mapper method, proxy number, paged) of the route's first query."""
        if route.name in ("cart", "promotion", "confirm"):
            frames = [self.portal("service.impl.OmsCartItemServiceImpl", "list",
                                  "return cartItemMapper.selectByExample(example);")]
            if route.name in ("promotion", "confirm"):
                frames.append(self.portal("service.impl.OmsCartItemServiceImpl", "listPromotion",
                                          "List<OmsCartItem> cartItemList = list(memberId);"))
            if route.name == "confirm":
                frames.append(self.portal("service.impl.OmsPortalOrderServiceImpl", "generateConfirmOrder",
                                          "List<CartPromotionItem> cartPromotionItemList = "
                                          "cartItemService.listPromotion(currentMember.getId(),cartIds);"))
            return frames, "com.macro.mall.mapper.OmsCartItemMapper", "selectByExample", 164, False
        if route.name == "home":
            return ([self.portal("service.impl.HomeServiceImpl", "getHomeAdvertiseList",
                                 "return advertiseMapper.selectByExample(example);"),
                     self.portal("service.impl.HomeServiceImpl", "content",
                                 "result.setAdvertiseList(getHomeAdvertiseList());")],
                    "com.macro.mall.mapper.SmsHomeAdvertiseMapper", "selectByExample", 171, False)
        if route.name == "recommend":
            return ([self.portal("service.impl.HomeServiceImpl", "recommendProductList",
                                 "return productMapper.selectByExample(example);")],
                    "com.macro.mall.mapper.PmsProductMapper", "selectByExample", 158, True)
        if route.name == "search":
            return ([self.portal("service.impl.PmsPortalProductServiceImpl", "search",
                                 "return productMapper.selectByExample(example);")],
                    "com.macro.mall.mapper.PmsProductMapper", "selectByExample", 158, True)
        if route.name == "orders":
            return ([self.portal("service.impl.OmsPortalOrderServiceImpl", "list",
                                 "List<OmsOrder> orderList = orderMapper.selectByExample(orderExample);")],
                    "com.macro.mall.mapper.OmsOrderMapper", "selectByExample", 176, True)
        if route.name == "detail":
            return ([self.portal("service.impl.PmsPortalProductServiceImpl", "detail",
                                 "List<PmsSkuStock> skuStockList = skuStockMapper.selectByExample(skuExample);")],
                    "com.macro.mall.mapper.PmsSkuStockMapper", "selectByExample", 181, False)
        raise KeyError(route.name)

    def pool_chain(self, route: Route, active: int) -> list[Exc]:
        service, mapper, method, proxy, _paged = self.data_access(route)
        mapper_frames = F.mall_mapper(mapper, method, proxy, pagehelper=False)
        below = [*service, self.controller_frame(route), *self.mvc(route)]
        cut = next(i for i, f in enumerate(mapper_frames) if "SqlSessionTemplate$SqlSessionInterceptor" in f)
        druid = f"wait millis 3000, active {active}, maxActive 20, creating 0"
        jdbc = ("Failed to obtain JDBC Connection; nested exception is "
                f"com.alibaba.druid.pool.GetConnectionTimeoutException: {druid}")
        xml = mapper.replace(".", "/") + ".xml"
        persist = ("\n### Error querying database.  Cause: org.springframework.jdbc.CannotGetJdbcConnectionException: "
                   f"{jdbc}\n### The error may exist in {xml}\n### The error may involve {mapper}.{method}"
                   f"\n### The error occurred while executing a query\n### Cause: "
                   f"org.springframework.jdbc.CannotGetJdbcConnectionException: {jdbc}")
        return [
            Exc("org.mybatis.spring.MyBatisSystemException",
                f"nested exception is org.apache.ibatis.exceptions.PersistenceException: {persist}",
                ["org.mybatis.spring.MyBatisExceptionTranslator.translateExceptionIfPossible(MyBatisExceptionTranslator.java:96)",
                 "org.mybatis.spring.SqlSessionTemplate$SqlSessionInterceptor.invoke(SqlSessionTemplate.java:441)",
                 *mapper_frames[cut + 1:], *below]),
            Exc("org.apache.ibatis.exceptions.PersistenceException", persist,
                ["org.apache.ibatis.exceptions.ExceptionFactory.wrapException(ExceptionFactory.java:30)",
                 "org.apache.ibatis.session.defaults.DefaultSqlSession.selectList(DefaultSqlSession.java:153)",
                 *mapper_frames[4:], *below]),
            Exc("org.springframework.jdbc.CannotGetJdbcConnectionException", jdbc,
                ["org.springframework.jdbc.datasource.DataSourceUtils.getConnection(DataSourceUtils.java:83)",
                 *F.MALL_DRUID_GET[11:], *mapper_frames, *below]),
            Exc("com.alibaba.druid.pool.GetConnectionTimeoutException", druid,
                [*F.MALL_DRUID_GET, *mapper_frames, *below]),
        ]


def tomcat_error(log: AppLog, r: Request, chain: list[Exc], wrapped: bool = True,
                 dispatch: str = "Request processing failed") -> None:
    top = chain[0]
    first = (top.message or "null").split("\n", 1)[0]
    nested = top.type if first == "null" else f"{top.type}: {first}"
    if wrapped:
        msg = ("Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception "
               f"[{dispatch}; nested exception is {nested}] with root cause")
    else:
        msg = "Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception"
    log.add(r.end - 0.002, "ERROR", r.thread, r.trace_id, TOMCAT, msg, chain)


def _startup(log: AppLog, deploy: float, version: str) -> None:
    down = deploy - 25.0
    log.add(down, "INFO", "SpringApplicationShutdownHook", None, "com.alibaba.druid.pool.DruidDataSource",
            "{dataSource-1} closing ...")
    log.add(down + 0.3, "INFO", "SpringApplicationShutdownHook", None, "com.alibaba.druid.pool.DruidDataSource",
            "{dataSource-1} closed")
    t = deploy - 16.0
    boot = [
        ("com.macro.mall.portal.MallPortalApplication",
         f"Starting MallPortalApplication v{version} using Java 1.8.0_412 on {PODS[1]} with PID 1 (/mall-portal.jar "
         "started by root in /)"),
        ("com.macro.mall.portal.MallPortalApplication", "The following 1 profile is active: \"prod\""),
        ("org.springframework.boot.web.embedded.tomcat.TomcatWebServer",
         "Tomcat initialized with port(s): 8085 (http)"),
        ("org.apache.catalina.core.StandardService", "Starting service [Tomcat]"),
        ("org.apache.catalina.core.StandardEngine", "Starting Servlet engine: [Apache Tomcat/9.0.68]"),
        ("com.alibaba.druid.spring.boot.autoconfigure.DruidDataSourceAutoConfigure", "Init DruidDataSource"),
        ("com.alibaba.druid.pool.DruidDataSource", "{dataSource-1} inited"),
        ("springfox.documentation.spring.web.PropertySourcedRequestMappingHandlerMapping",
         "Mapped URL path [/v2/api-docs] onto method [springfox.documentation.swagger2.web."
         "Swagger2ControllerWebMvc#getDocumentation(String, HttpServletRequest)]"),
        ("org.springframework.amqp.rabbit.connection.CachingConnectionFactory",
         "Created new connection: rabbitConnectionFactory#3c9d0b9d:0/SimpleConnection@5a7fe64f "
         "[delegate=amqp://mall@10.43.8.21:5672//mall, localPort= 46312]"),
        ("org.springframework.boot.web.embedded.tomcat.TomcatWebServer",
         "Tomcat started on port(s): 8085 (http) with context path ''"),
        ("com.macro.mall.portal.MallPortalApplication",
         "Started MallPortalApplication in 14.226 seconds (JVM running for 15.103)"),
    ]
    for i, (logger, msg) in enumerate(boot):
        log.add(t + i * 1.1, "INFO", "main", None, logger, msg)


def _noise(log: AppLog, sc: Scenario) -> None:
    rng = random.Random(f"{sc.seed}-noise")
    t = sc.start.timestamp() + rng.uniform(0, 20)
    while t < sc.end.timestamp():
        log.add(t, "WARN", f"http-nio-8085-exec-{rng.randint(1, 16)}", None,
                "com.alibaba.druid.pool.DruidAbstractDataSource",
                "discard long time none received connection. , jdbcUrl : jdbc:mysql://mysql-master.mall.svc:3306/mall?"
                "useUnicode=true&characterEncoding=utf-8&serverTimezone=Asia/Shanghai&useSSL=false, version : 1.2.14, "
                f"lastPacketReceivedIdleMillis : {rng.randint(60001, 64000)}")
        t += rng.uniform(15, 55)
    t = sc.start.timestamp() + rng.uniform(60, 300)
    while t < sc.end.timestamp():
        token = "eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiJtZW1iZXJf" + "".join(
            rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(40))
        thread = f"http-nio-8085-exec-{rng.randint(1, 16)}"
        log.add(t, "INFO", thread, None, "com.macro.mall.security.util.JwtTokenUtil", f"JWT格式验证失败:{token}")
        log.add(t + 0.001, "INFO", thread, None, "com.macro.mall.security.component.JwtAuthenticationTokenFilter",
                "checking username:null")
        t += rng.uniform(40, 160)


def _alipay_notify_noise(log: AppLog, ctx: Ctx, sc: Scenario) -> None:
    """The sandbox's callbacks fail signature checks: an old, unrelated exception from the payment component."""
    rng = random.Random(f"{sc.seed}-notify")
    t = sc.start.timestamp() + rng.uniform(100, 400)
    route = Route("notify", "POST", "/alipay/notify", lambda r: "", 0, f"{PP}.controller.AlipayController", "notify", 5)
    svc = ctx.portal("service.impl.AlipayServiceImpl", "notify",
                     "signVerified = AlipaySignature.rsaCheckV1(params, alipayConfig.getAlipayPublicKey(), "
                     "alipayConfig.getCharset(), alipayConfig.getSignType());")
    ctl = ctx.portal("controller.AlipayController", "notify", "return alipayService.notify(params);")
    while t < sc.end.timestamp():
        thread = f"http-nio-8085-exec-{rng.randint(1, 16)}"
        chain = [Exc("com.alipay.api.AlipayApiException", "rsaCheckContent = buyer_id=2088722069271153&...; "
                     "charset = UTF-8",
                     ["com.alipay.api.internal.util.AlipaySignature.rsaCheckContent(AlipaySignature.java:598)",
                      "com.alipay.api.internal.util.AlipaySignature.rsaCheck(AlipaySignature.java:571)",
                      "com.alipay.api.internal.util.AlipaySignature.rsaCheckV1(AlipaySignature.java:520)",
                      svc, ctl, *ctx.mvc(route)]),
                 Exc("java.security.spec.InvalidKeySpecException", "java.security.InvalidKeyException: IOException: "
                     "algid parse error, not a sequence",
                     ["sun.security.rsa.RSAKeyFactory.engineGeneratePublic(RSAKeyFactory.java:205)",
                      "java.security.KeyFactory.generatePublic(KeyFactory.java:334)",
                      "com.alipay.api.internal.util.AlipaySignature.getPublicKeyFromX509(AlipaySignature.java:746)",
                      "com.alipay.api.internal.util.AlipaySignature.rsaCheckContent(AlipaySignature.java:585)",
                      "com.alipay.api.internal.util.AlipaySignature.rsaCheck(AlipaySignature.java:571)",
                      "com.alipay.api.internal.util.AlipaySignature.rsaCheckV1(AlipaySignature.java:520)",
                      svc, ctl, *ctx.mvc(route)])]
        log.add(t, "ERROR", thread, None, f"{PP}.service.impl.AlipayServiceImpl", "支付回调签名校验异常！", chain)
        log.add(t + 0.002, "WARN", thread, None, f"{PP}.service.impl.AlipayServiceImpl", "支付回调签名校验失败！")
        t += rng.uniform(240, 600)


def _normal_lines(log: AppLog, requests: list[Request], base: str = "http://mall-portal.mall.svc:8085") -> None:
    for r in requests:
        user = f"member_{int(r.trace_id[:6], 16) % 90000 + 10000}"
        if r.route.auth:
            log.add(r.arrival + 0.001, "INFO", r.thread, r.trace_id,
                    "com.macro.mall.security.component.JwtAuthenticationTokenFilter", f"checking username:{user}")
            if r.extra.get("auth_failed"):
                continue
            log.add(r.arrival + 0.004, "INFO", r.thread, r.trace_id,
                    "com.macro.mall.security.component.JwtAuthenticationTokenFilter", f"authenticated user:{user}")
        if r.failed or r.duration > 60:
            continue
        uri = r.path.split("?")[0]
        weblog = {"basePath": base, "description": r.route.description, "method": r.route.method, "parameter": None,
                  "result": {"code": 200, "message": "操作成功"}, "spendTime": round((r.duration - 0.006) * 1000),
                  "startTime": int(r.arrival * 1000), "uri": uri, "url": base + uri,
                  "username": user if r.route.auth else None}
        log.add(r.end - 0.0015, "INFO", r.thread, r.trace_id, "com.macro.mall.common.log.WebLogAspect",
                json.dumps(weblog, ensure_ascii=False, separators=(",", ":")))


TRACE = {"service": "mall-portal", "namespace": "mall", "host": "mall-portal.mall.svc.cluster.local", "db_name": "mall",
             "db_host": "mysql-master.mall.svc", "java": "1.8.0_412-b08"}


def run_runtime(case: Case, out: Path, sc: Scenario, ctx: Ctx, errors: Callable[[AppLog, Request], None],
                extra: Callable[[AppLog, list[Request]], None] | None = None, slow: bool = False,
                error_of: Callable[[Request], tuple[str, str] | None] | None = None,
                background_slow: list | None = None) -> list[Request]:
    requests = simulate(sc)
    log = BootLog(sc.zone)
    if sc.start.timestamp() < sc.deploy.timestamp() < sc.end.timestamp():
        _startup(log, sc.deploy.timestamp(), sc.version_after)
    _noise(log, sc)
    _alipay_notify_noise(log, ctx, sc)
    requests_seen = [r for r in requests if not r.pool_timeout] if sc.pool_is_threads else requests
    _normal_lines(log, requests_seen)
    for r in requests:
        if r.pool_timeout and sc.pool_is_threads:
            continue  # waited in Tomcat's accept queue until the ingress gave up: nothing in the app log
        if r.pool_timeout:
            if r.route.db_ms and r.route.name in ("cart", "promotion", "confirm", "home", "recommend", "search",
                                                 "orders", "detail"):
                tomcat_error(log, r, ctx.pool_chain(r.route, sc.pool_size(r.arrival)))
        elif r.fail:
            errors(log, r)
    if extra:
        extra(log, requests)
    rt = out / "runtime"
    log.write(rt / "mall-portal.log")
    write_ingress_log(rt / "nginx-access.log", requests, sc, "mall-mall-portal-8085", POD_IPS, AGENTS, port=8085)
    write_metrics(rt / "metrics" / "jvm-metrics.csv", requests, sc, DRUID, PODS, heap_max_mb=1024)

    def default_error(r: Request) -> tuple[str, str] | None:
        if r.pool_timeout:
            return ("org.mybatis.spring.MyBatisSystemException",
                    "nested exception is org.apache.ibatis.exceptions.PersistenceException")
        return None

    write_traces(rt / "traces" / "traces.json", requests, sc, TraceSpec(error_of=error_of or default_error, **TRACE),
                 log.stacks)
    if slow or background_slow:
        write_slow_log(rt / "sql" / "mysql-slow.log", requests, sc, "mall_app", POD_IPS, background_slow or [], "mall")
    return requests


def background_reports(sc: Scenario) -> list:
    sql = ("SELECT DATE(create_time) AS d, status, COUNT(*) AS orders, SUM(pay_amount) AS gmv FROM oms_order "
           "WHERE create_time >= '2026-11-01 00:00:00' GROUP BY DATE(create_time), status")
    rows, t = [], sc.start.replace(minute=0, second=4, microsecond=0)
    while t.timestamp() < sc.end.timestamp():
        if t >= sc.start:
            rows.append((t.timestamp() + 5.2, 5.2, "bi_reader", "10.42.9.8", 39211, 6_803_114, 62, sql))
        t += timedelta(minutes=20)
    return rows


def build_case(case: Case, mirror_root: Path, out: Path, release: str, make_runtime: Callable[[Ctx], None]) -> None:
    build_repo(case, mirror_root / MIRROR / "repo", BASE, out)
    write_bundle_head(case, out)
    make_runtime(Ctx(out / "repo", case.history.tags[release]))


def scenario(seed: str, onset: datetime, deploy: datetime, shape, rate=lambda t: 3.0, pool=lambda t: 20,
             timeout=lambda t: 3.0, weights=None, before: str = "1.0.41", after: str = "1.0.42",
             start_min: float = 60, end_min: float = 12) -> Scenario:
    return Scenario(seed=seed, zone=CST, start=onset - timedelta(minutes=start_min),
                    end=onset + timedelta(minutes=end_min), deploy=deploy, onset=onset, version_before=before,
                    version_after=after, routes=list(_routes().values()), rate=rate, pool_size=pool,
                    pool_timeout_s=timeout, shape=shape, weights=weights)
