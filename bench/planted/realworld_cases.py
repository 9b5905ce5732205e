"""The held-out cases on the RealWorld "Conduit" API (conduit-api; en cases in Europe/Berlin, zh in Asia/Shanghai)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .gitrepo import Commit, Edit
from .kit import CST, Case
from .realworld import (
    RES,
    SRC,
    A,
    Ctx,
    Route,
    background_reports,
    build_case,
    decoys,
    design,
    history,
    run_runtime,
    scenario,
    signed_in,
    tomcat_error,
)
from .runtime import AppLog, Exc, Request

CET = timezone(timedelta(hours=1))


def _guilty(author: str, when: datetime, message: str, edits: list[Edit], committer: str | None = None) -> Commit:
    return Commit(A[author], when, message, edits, committer=A[committer] if committer else None, key="guilty")


def _release(when: datetime, tag: str) -> Commit:
    return Commit(A["lena"], when, f"Release {tag}", [], tag=tag)


def _after_tag(c: Commit, when: datetime) -> Commit:
    c.when = when
    return c


# ------------------------------------------------------------------ 1. NPE on the stack


def article_list_bio_npe(mirror: Path, out: Path) -> Case:
    onset = datetime(2026, 11, 24, 10, 14, 0, tzinfo=CET)
    deploy = onset - timedelta(minutes=2)
    day = onset.replace(hour=12, minute=0)
    svc = f"{SRC}/application/ArticleQueryService.java"
    guilty = _guilty("jun", deploy - timedelta(hours=17, minutes=35),
                     "Article lists: shorten author bios to a preview\n\n"
                     "Long bios made the list payload heavy on mobile (CONTENT-412); the article page keeps the full "
                     "bio.",
                     [Edit(svc, "import io.spring.application.data.ArticleFavoriteCount;\n",
                           "import io.spring.application.data.ArticleFavoriteCount;\n"
                           "import io.spring.application.data.ProfileData;\n"),
                      Edit(svc, "public class ArticleQueryService {\n",
                           "public class ArticleQueryService {\n  private static final int BIO_PREVIEW = 160;\n\n"),
                      Edit(svc, "  private void fillExtraInfo(List<ArticleData> articles, User currentUser) {\n"
                                "    setFavoriteCount(articles);\n",
                           "  private void fillExtraInfo(List<ArticleData> articles, User currentUser) {\n"
                           "    trimAuthorBios(articles);\n    setFavoriteCount(articles);\n"),
                      Edit(svc, "  private void setIsFollowingAuthor(",
                           "  private void trimAuthorBios(List<ArticleData> articles) {\n"
                           "    articles.forEach(\n        articleData -> {\n"
                           "          ProfileData author = articleData.getProfileData();\n"
                           "          if (author.getBio().length() > BIO_PREVIEW) {\n"
                           "            author.setBio(author.getBio().substring(0, BIO_PREVIEW) + \"…\");\n"
                           "          }\n        });\n  }\n\n  private void setIsFollowingAuthor(")])
    items = [*decoys(day, "readme", "article_javadoc", "comment_msg", "gradle_spotless"), guilty,
             _release(deploy - timedelta(minutes=16), "v2026.11.21"),
             _after_tag(decoys(day, "profile_test")[0], deploy + timedelta(minutes=6))]
    case = Case("rw-article-list-bio-npe", "realworld", "null_dereference", "en", True, True,
                [svc], ["io.spring.application.ArticleQueryService.trimAuthorBios"],
                "The bio-preview refactor dereferences ProfileData.getBio(), which is null for every author who never "
                "wrote a bio; any article list page (GET /articles, the feed) holding such an author throws a "
                "NullPointerException in ArticleQueryService.trimAuthorBios.",
                "Home page article list fails intermittently", "high", onset, "conduit-api",
                "Since ~10:12 the home page's global feed and tag pages show 'Something went wrong' for many users; "
                "single articles open fine when reached by link. Mobile app shows an empty list.",
                history(day, items), design())
    dep = deploy.timestamp()

    def shape(r: Request, rng: random.Random) -> None:
        if r.route.name in ("articles", "feed") and r.arrival >= dep and rng.random() < 0.62:
            r.fail = "npe"

    CTX: list[Ctx] = []

    def errors(log: AppLog, r: Request) -> None:
        ctx = CTX[0]
        frames = [ctx.at("application.ArticleQueryService", "lambda$trimAuthorBios$4",
                         "if (author.getBio().length() > BIO_PREVIEW) {"),
                  "java.base/java.util.ArrayList.forEach(ArrayList.java:1541)",
                  ctx.at("application.ArticleQueryService", "trimAuthorBios", "articles.forEach("),
                  ctx.at("application.ArticleQueryService", "fillExtraInfo", "trimAuthorBios(articles);")]
        if r.route.name == "articles":
            frames.append(ctx.at("application.ArticleQueryService", "findRecentArticles",
                                 "fillExtraInfo(articles, currentUser);", 2))
        else:
            frames.append(ctx.at("application.ArticleQueryService", "findUserFeed", "fillExtraInfo(articles, user);",
                                 2))
        frames += [ctx.controller(r.route), *ctx.mvc(r.route)]
        tomcat_error(log, r, [Exc("java.lang.NullPointerException", None, frames)])

    def runtime(ctx: Ctx) -> None:
        CTX.append(ctx)
        sc = scenario(case.id, CET, onset, deploy, shape, rate=lambda t: 5.0)
        run_runtime(case, out, sc, ctx, errors, error_of=lambda r: (
            ("java.lang.NullPointerException", "") if r.fail else None))

    build_case(case, mirror, out, "v2026.11.21", runtime)
    return case


# ------------------------------------------------------------------ 2. keyword search: full scans drain Hikari


def article_search_scan(mirror: Path, out: Path) -> Case:
    onset = datetime(2026, 11, 25, 20, 41, 0, tzinfo=CST)
    deploy = onset - timedelta(minutes=38)
    day = onset.replace(hour=12, minute=0)
    xml = f"{RES}/mapper/ArticleReadService.xml"
    q_filter = ("            <if test=\"q != null\">\n"
                "                AND (A.title LIKE CONCAT('%', #{q}, '%') OR A.body LIKE CONCAT('%', #{q}, '%'))\n"
                "            </if>\n")
    guilty = _guilty("wei", deploy - timedelta(hours=26, minutes=12),
                     "文章列表支持关键词搜索 q（标题/正文）\n\n前端新版搜索框直接调用 GET /articles?q=，先用 LIKE "
                     "实现，全文索引排期到下个迭代。",
                     [Edit(f"{SRC}/api/ArticlesApi.java",
                           "      @RequestParam(value = \"author\", required = false) String author,\n"
                           "      @AuthenticationPrincipal User user) {\n    return ResponseEntity.ok(\n"
                           "        articleQueryService.findRecentArticles(\n"
                           "            tag, author, favoritedBy, new Page(offset, limit), user));",
                           "      @RequestParam(value = \"author\", required = false) String author,\n"
                           "      @RequestParam(value = \"q\", required = false) String q,\n"
                           "      @AuthenticationPrincipal User user) {\n    return ResponseEntity.ok(\n"
                           "        articleQueryService.findRecentArticles(\n"
                           "            tag, author, favoritedBy, q, new Page(offset, limit), user));"),
                      Edit(f"{SRC}/application/ArticleQueryService.java",
                           "      String tag, String author, String favoritedBy, Page page, User currentUser) {\n"
                           "    List<String> articleIds = articleReadService.queryArticles(tag, author, favoritedBy, "
                           "page);\n"
                           "    int articleCount = articleReadService.countArticle(tag, author, favoritedBy);",
                           "      String tag, String author, String favoritedBy, String q, Page page, User "
                           "currentUser) {\n"
                           "    List<String> articleIds =\n"
                           "        articleReadService.queryArticles(tag, author, favoritedBy, q, page);\n"
                           "    int articleCount = articleReadService.countArticle(tag, author, favoritedBy, q);"),
                      Edit(f"{SRC}/infrastructure/mybatis/readservice/ArticleReadService.java",
                           "      @Param(\"favoritedBy\") String favoritedBy,\n      @Param(\"page\") Page page);",
                           "      @Param(\"favoritedBy\") String favoritedBy,\n      @Param(\"q\") String q,\n"
                           "      @Param(\"page\") Page page);"),
                      Edit(f"{SRC}/infrastructure/mybatis/readservice/ArticleReadService.java",
                           "      @Param(\"favoritedBy\") String favoritedBy);",
                           "      @Param(\"favoritedBy\") String favoritedBy,\n      @Param(\"q\") String q);"),
                      Edit(xml,
                           "                AND AFU.username = #{favoritedBy}\n            </if>\n        </where>\n"
                                "        order by A.created_at desc\n        limit #{page.offset}, #{page.limit}",
                           "                AND AFU.username = #{favoritedBy}\n            </if>\n" + q_filter +
                           "        </where>\n        order by A.created_at desc\n"
                           "        limit #{page.offset}, #{page.limit}"),
                      Edit(xml,
                           "                AND AFU.username = #{favoritedBy}\n            </if>\n        </where>\n"
                                "    </select>",
                           "                AND AFU.username = #{favoritedBy}\n            </if>\n" + q_filter +
                           "        </where>\n    </select>")])
    items = [*decoys(day, "readme", "tags_sort", "article_javadoc", "hikari_lifetime"), guilty,
             *decoys(day, "profile_test"), _release(deploy - timedelta(minutes=18), "v2026.11.24")]
    case = Case("rw-article-search-scan", "realworld", "slow_query_full_scan", "zh", False, True,
                [xml, f"{SRC}/application/ArticleQueryService.java"],
                ["io.spring.infrastructure.mybatis.readservice.ArticleReadService.queryArticles",
                 "io.spring.application.ArticleQueryService.findRecentArticles"],
                "新增的关键词搜索在 queryArticles/countArticle 里对 articles.body（TEXT，240 万行）做前后通配 LIKE，"
                "每次全表扫描 8-25 秒并占住连接；晚高峰搜索量上来后 Hikari 20 个连接被占满，文章详情、评论、标签、"
                "登录等其它接口 5 秒拿不到连接报 CannotGetJdbcConnectionException。搜索代码本身不在报错堆栈里。",
                {"zh": "全站接口大面积 500，页面加载很慢", "en": "Site-wide 500s and slow pages"}, "critical", onset,
                "conduit-api",
                {"zh": "20:40 左右开始，文章详情、评论、标签云、登录都大量报错，"
                       "偶尔能打开但要十几秒；数据库 CPU 很高。",
                 "en": "From ~20:40 article pages, comments, tags and login fail or take 10+ s; DB CPU is high."},
                history(day, items), design())
    dep = deploy.timestamp()
    words = ["kotlin", "%E6%9E%B6%E6%9E%84", "docker", "spring", "rust", "interview", "%E9%9D%A2%E8%AF%95", "k8s"]

    def shape(r: Request, rng: random.Random) -> None:
        if r.route.name == "articles" and r.arrival >= dep:
            ramp = min(1.0, (r.arrival - dep) / (onset.timestamp() - dep))
            if rng.random() < 0.05 + 0.6 * ramp:
                word = rng.choice(words)
                r.path = f"/articles?q={word}&limit=10&offset=0"
                took = rng.uniform(8.0, 25.0)
                r.hold = took + 0.05
                r.extra["sql_s"] = took
                literal = word.replace("%E6%9E%B6%E6%9E%84", "架构").replace("%E9%9D%A2%E8%AF%95", "面试")
                r.slow_sql = (("select DISTINCT(A.id) articleId, A.created_at from articles A left join article_tags "
                               "AT "
                              "on A.id = AT.article_id left join tags T on T.id = AT.tag_id left join "
                              "article_favorites AF on AF.article_id = A.id left join users AU on AU.id = A.user_id "
                              "left join users AFU on AFU.id = AF.user_id WHERE (A.title LIKE CONCAT('%', "
                              f"'{literal}', '%') OR A.body LIKE CONCAT('%', '{literal}', '%')) order by A.created_at "
                              "desc limit 0, 10"),
                              2_412_877 + rng.randint(0, 900), 10)

    def runtime(ctx: Ctx) -> None:
        sc = scenario(case.id, CST, onset, deploy, shape, rate=lambda t: 6.0 if t >= onset.timestamp() - 900 else 4.5)
        run_runtime(case, out, sc, ctx, lambda log, r: None, slow=True, background_slow=background_reports(sc))

    build_case(case, mirror, out, "v2026.11.24", runtime)
    return case


# ------------------------------------------------------------------ 3. statement timeout set in seconds


def statement_timeout_config(mirror: Path, out: Path) -> Case:
    onset = datetime(2026, 11, 26, 21, 3, 0, tzinfo=CST)
    deploy = onset - timedelta(minutes=5)
    day = onset.replace(hour=12, minute=0)
    props = f"{RES}/application.properties"
    guilty = _guilty("lena", deploy - timedelta(hours=22, minutes=48),
                     "MyBatis：默认语句超时改为 3\n\n原来的 3000 按毫秒理解是 3 秒，实际单位是秒（50 "
                     "分钟），失控的查询永远不会被取消。统一成 3，和网关超时预算一致。",
                     [Edit(props, "mybatis.configuration.default-statement-timeout=3000\n",
                           "mybatis.configuration.default-statement-timeout=3\n")])
    items = [*decoys(day, "tags_sort", "hikari_lifetime", "readme"), guilty, *decoys(day, "comment_msg"),
             _release(deploy - timedelta(minutes=19), "v2026.11.25")]
    case = Case("rw-statement-timeout-config", "realworld", "config_change_timeout", "zh", False, True,
                [props], [],
                "把 mybatis.configuration.default-statement-timeout 从 3000 改成 "
                "3（单位是秒）后，晚高峰按热门标签筛选的文章列表（queryArticles/countArticle 的多表 DISTINCT "
                "查询本来就要 2-6 秒）超过 3 秒被 MySQL 驱动取消，抛 MySQLTimeoutException / "
                "QueryTimeoutException。查询本身没变，慢是老问题；配置改动让它从慢变成失败。",
                {"zh": "标签页文章列表报错", "en": "Tag pages fail to load"}, "high", onset, "conduit-api",
                {"zh": "21:00 之后按标签（java、devops 等热门标签）浏览文章大量报“加载失败”，不带标签的首页基本正常。",
                 "en": "After 21:00 browsing by popular tags fails; the untagged home list mostly works."},
                history(day, items), design())
    dep = deploy.timestamp()

    def shape(r: Request, rng: random.Random) -> None:
        if r.route.name == "articles" and "tag=" in r.path:
            tag = r.path.split("tag=")[1].split("&")[0]
            heavy = tag in ("java", "devops", "architecture", "databases")
            took = rng.lognormvariate(0.6 if heavy else -0.9, 0.55)
            if took > 1.0:
                r.hold = took + 0.02
                r.extra["sql_s"] = took
                r.slow_sql = (("select DISTINCT(A.id) articleId, A.created_at from articles A left join article_tags "
                               "AT on A.id = AT.article_id left join tags T on T.id = AT.tag_id left join "
                               "article_favorites AF on AF.article_id = A.id left join users AU on AU.id = A.user_id "
                               f"left join users AFU on AFU.id = AF.user_id WHERE T.name = '{tag}' order by "
                               "A.created_at desc limit 0, 10"),
                              rng.randint(2_900_000, 6_100_000), 10)
            if r.arrival >= dep and took > 3.0:
                r.fail = "timeout"
                r.hold = 3.01
                r.extra["sql_s"] = 3.0

    CTX: list[Ctx] = []

    def errors(log: AppLog, r: Request) -> None:
        ctx = CTX[0]
        msg = "Statement cancelled due to timeout or client request"
        chain = ctx.db_chain(r.route, [Exc("com.mysql.cj.jdbc.exceptions.MySQLTimeoutException", msg, [])],
                             ("org.springframework.dao.QueryTimeoutException",
                              "Statement cancelled due to timeout or client request"),
                             in_filter=False, get_connection=False)
        chain[-1].frames = ["com.mysql.cj.jdbc.exceptions.SQLExceptionsMapping.translateException("
                            "SQLExceptionsMapping.java:113)",
                            *chain[-1].frames]
        tomcat_error(log, r, chain)

    def runtime(ctx: Ctx) -> None:
        CTX.append(ctx)
        def w(t, route):
            return route.weight * (1.6 if route.name == "articles" else 1.0)
        sc = scenario(case.id, CST, onset, deploy, shape, rate=lambda t: 5.5, weights=w)
        run_runtime(case, out, sc, ctx, errors, slow=True, background_slow=background_reports(sc), error_of=lambda r: (
            ("org.springframework.dao.QueryTimeoutException", "Statement cancelled due to timeout or client request")
            if r.fail else None))

    build_case(case, mirror, out, "v2026.11.25", runtime)
    return case


# ------------------------------------------------------------------ 4. partial jjwt upgrade


def jjwt_partial_upgrade(mirror: Path, out: Path) -> Case:
    onset = datetime(2026, 11, 27, 14, 22, 0, tzinfo=CET)
    deploy = onset - timedelta(minutes=1, seconds=30)
    day = onset.replace(hour=12, minute=0)
    guilty = _guilty("bot", deploy - timedelta(hours=20, minutes=5),
                     "chore(deps): update jjwt runtime dependencies to v0.12.6\n\n"
                     "| Package | Change |\n|---|---|\n| io.jsonwebtoken:jjwt-impl | 0.11.2 -> 0.12.6 |\n"
                     "| io.jsonwebtoken:jjwt-jackson | 0.11.2 -> 0.12.6 |",
                     [Edit("build.gradle", "    runtimeOnly 'io.jsonwebtoken:jjwt-impl:0.11.2',\n"
                                           "                'io.jsonwebtoken:jjwt-jackson:0.11.2'\n",
                           "    runtimeOnly 'io.jsonwebtoken:jjwt-impl:0.12.6',\n"
                           "                'io.jsonwebtoken:jjwt-jackson:0.12.6'\n")], committer="lena")
    items = [*decoys(day, "readme", "comment_msg", "tags_sort"), guilty, *decoys(day, "gradle_spotless"),
             _release(deploy - timedelta(minutes=15), "v2026.11.26")]
    case = Case("rw-jjwt-partial-upgrade", "realworld", "dependency_upgrade", "en", False, True,
                ["build.gradle"], [],
                "Renovate bumped jjwt-impl and jjwt-jackson to 0.12.6 while jjwt-api stayed at 0.11.2. The 0.12 "
                "implementation needs API classes that only exist in 0.12 (Jwts$SIG), so parsing a token "
                "(DefaultJwtService.getSubFromToken, called by JwtTokenFilter for every request with a token) and "
                "signing one at login throw NoClassDefFoundError / ClassNotFoundException; getSubFromToken's "
                "catch (Exception) does not catch the Error. Anonymous requests work.",
                "Signed-in users get errors on every page", "critical", onset, "conduit-api",
                "From about 14:21 everybody who is logged in gets errors on every page and cannot log in again; "
                "logged-out browsing works.", history(day, items), design())
    dep = deploy.timestamp()

    def shape(r: Request, rng: random.Random) -> None:
        if r.arrival >= dep and (signed_in(r) or r.route.name == "login"):
            r.fail = "login" if r.route.name == "login" else "parse"
            r.hold = 0.0 if r.route.name != "login" else r.hold
            r.post = 0.003

    CTX: list[Ctx] = []
    jwt = f"{SRC}/api/security/JwtTokenFilter.java"
    svc = "infrastructure.service.DefaultJwtService"
    loader = ["java.base/java.net.URLClassLoader.findClass(URLClassLoader.java:476)",
              "java.base/java.lang.ClassLoader.loadClass(ClassLoader.java:589)",
              "org.springframework.boot.loader.LaunchedURLClassLoader.loadClass(LaunchedURLClassLoader.java:151)",
              "java.base/java.lang.ClassLoader.loadClass(ClassLoader.java:522)"]

    def errors(log: AppLog, r: Request) -> None:
        ctx = CTX[0]
        if r.fail == "parse":
            from .gitrepo import line_of
            frames = ["io.jsonwebtoken.impl.DefaultJwtParserBuilder.build(DefaultJwtParserBuilder.java:371)",
                      ctx.at(svc, "getSubFromToken",
                             "Jwts.parserBuilder().setSigningKey(signingKey).build().parseClaimsJws(token);"),
                      (f"io.spring.api.security.JwtTokenFilter.lambda$doFilterInternal$0(JwtTokenFilter.java:"
                      f"{line_of(ctx.repo, ctx.rev, jwt, 'jwtService.getSubFromToken(token)')})"),
                      "java.base/java.util.Optional.flatMap(Optional.java:294)"]
            top = (f"io.spring.api.security.JwtTokenFilter.doFilterInternal(JwtTokenFilter.java:"
                   f"{line_of(ctx.repo, ctx.rev, jwt, '.flatMap(')})")
            from .realworld import security
            below = security([top], ctx.access)
            chain = [Exc("java.lang.NoClassDefFoundError", "io/jsonwebtoken/Jwts$SIG", [*frames, *below]),
                     Exc("java.lang.ClassNotFoundException", "io.jsonwebtoken.Jwts$SIG", [*loader, *frames, *below])]
            tomcat_error(log, r, chain, wrapped=False)
        else:
            frames = ["io.jsonwebtoken.impl.DefaultJwtBuilder.signWith(DefaultJwtBuilder.java:277)",
                      ctx.at(svc, "toToken", ".signWith(signingKey)"),
                      ctx.at("api.UsersApi", "userLogin",
                             "userResponse(new UserWithToken(userData, jwtService.toToken(optional.get()))));"),
                      *ctx.mvc(r.route)]
            chain = [Exc("java.lang.NoClassDefFoundError", "io/jsonwebtoken/Jwts$SIG", frames),
                     Exc("java.lang.ClassNotFoundException", "io.jsonwebtoken.Jwts$SIG", [*loader, *frames])]
            tomcat_error(log, r, chain, dispatch="Handler dispatch failed")

    def runtime(ctx: Ctx) -> None:
        CTX.append(ctx)
        sc = scenario(case.id, CET, onset, deploy, shape, rate=lambda t: 4.0)
        run_runtime(case, out, sc, ctx, errors, error_of=lambda r: (
            ("java.lang.NoClassDefFoundError", "io/jsonwebtoken/Jwts$SIG") if r.fail else None))

    build_case(case, mirror, out, "v2026.11.26", runtime)
    return case


# ------------------------------------------------------------------ 5. guest comments stored without an author


GUEST_API = """package io.spring.api;

import io.spring.api.exception.ResourceNotFoundException;
import io.spring.core.article.Article;
import io.spring.core.article.ArticleRepository;
import io.spring.core.comment.Comment;
import io.spring.core.comment.CommentRepository;
import javax.validation.Valid;
import lombok.AllArgsConstructor;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Comments from the embeddable widget on partner sites: readers without an account. */
@RestController
@RequestMapping(path = "/articles/{slug}/comments/guest")
@AllArgsConstructor
public class GuestCommentsApi {
  private ArticleRepository articleRepository;
  private CommentRepository commentRepository;

  @PostMapping
  public ResponseEntity<?> createGuestComment(
      @PathVariable("slug") String slug, @Valid @RequestBody NewCommentParam newCommentParam) {
    Article article =
        articleRepository.findBySlug(slug).orElseThrow(ResourceNotFoundException::new);
    // guests have no user row; moderation assigns the comment later
    Comment comment = new Comment(newCommentParam.getBody(), null, article.getId());
    commentRepository.save(comment);
    return ResponseEntity.status(202).build();
  }
}
"""


def guest_comment_null_author(mirror: Path, out: Path) -> Case:
    onset = datetime(2026, 11, 28, 11, 37, 0, tzinfo=CST)
    deploy = onset - timedelta(hours=15, minutes=20)
    day = onset.replace(hour=12, minute=0)
    api = f"{SRC}/api/GuestCommentsApi.java"
    guilty = _guilty("maya", deploy - timedelta(hours=5, minutes=10),
                     "评论挂件：支持访客评论 POST /articles/{slug}/comments/guest\n\n合作站点嵌入的评论挂件没有登录态，"
                     "先落库，后台审核时再归属。",
                     [Edit(api, None, GUEST_API),
                      Edit(f"{SRC}/api/security/WebSecurityConfig.java",
                           '        .antMatchers(HttpMethod.POST, "/users", "/users/login")\n',
                           '        .antMatchers(HttpMethod.POST, "/users", "/users/login", '
                           '"/articles/*/comments/guest")\n')])
    items = [*decoys(day - timedelta(days=1), "readme", "tags_sort", "comment_msg"), guilty,
             _release(deploy - timedelta(minutes=17), "v2026.11.27"),
             _after_tag(decoys(day, "article_javadoc")[0], onset - timedelta(hours=2, minutes=10))]
    case = Case("rw-guest-comment-null-author", "realworld", "upstream_data_corruption", "zh", False, True,
                [api, f"{SRC}/application/CommentQueryService.java"],
                ["io.spring.api.GuestCommentsApi.createGuestComment",
                 "io.spring.application.CommentQueryService.findByArticleId"],
                "新的访客评论接口把 user_id 为 NULL 的评论写进 comments；读取时 LEFT JOIN users 得不到作者，"
                "CommentData.profileData 为 null。已登录用户打开这些文章的评论时，CommentQueryService.findByArticleId "
                "里 getProfileData().getId() 抛 NullPointerException。写入方（GuestCommentsApi）不在任何堆栈里，"
                "未登录读者不受影响，所以随着访客评论变多逐渐扩大。",
                {"zh": "部分文章的评论区加载失败", "en": "Comments fail to load on some articles"}, "medium", onset,
                "conduit-api",
                {"zh": "上午开始陆续有用户反馈部分热门文章评论区一直转圈/报错，11:30 "
                       "后明显增多；退出登录后又能看到评论。",
                 "en": "Since the morning users report comment sections failing on some popular articles; logged out "
                       "it works."},
                history(day, items), design())
    dep = deploy.timestamp()
    on = onset.timestamp()
    guest = Route("guest_comment", "POST", "/articles/{slug}/comments/guest",
                  lambda r: "/articles/"
                            f"{r.choice(['why-we-moved-off-kubernetes', 'the-boring-database-wins', 'on-code-review'])}"
                            "-k9x1/comments/guest",
                  1.2, "io.spring.api.GuestCommentsApi", "createGuestComment", 6, 8,
                  [("INSERT", "comments",
                    ("insert into comments(id, body, user_id, article_id, created_at, updated_at) "
                    "values (?, ?, ?, ?, ?, ?)"))], 0, ok_status=202)

    def shape(r: Request, rng: random.Random) -> None:
        if r.route.name == "comments" and signed_in(r) and r.arrival >= dep:
            p = 0.08 + 0.42 * max(0.0, min(1.0, (r.arrival - (on - 3600)) / 3600))
            if rng.random() < p:
                r.fail = "npe"

    CTX: list[Ctx] = []

    def errors(log: AppLog, r: Request) -> None:
        ctx = CTX[0]
        q = "application.CommentQueryService"
        frames = [ctx.at(q, "lambda$findByArticleId$2", ".map(commentData -> commentData.getProfileData().getId())", 1),
                  "java.base/java.util.stream.ReferencePipeline$3$1.accept(ReferencePipeline.java:195)",
                  "java.base/java.util.ArrayList$ArrayListSpliterator.forEachRemaining(ArrayList.java:1655)",
                  "java.base/java.util.stream.AbstractPipeline.copyInto(AbstractPipeline.java:484)",
                  "java.base/java.util.stream.AbstractPipeline.wrapAndCopyInto(AbstractPipeline.java:474)",
                  "java.base/java.util.stream.ReduceOps$ReduceOp.evaluateSequential(ReduceOps.java:913)",
                  "java.base/java.util.stream.AbstractPipeline.evaluate(AbstractPipeline.java:234)",
                  "java.base/java.util.stream.ReferencePipeline.collect(ReferencePipeline.java:578)",
                  ctx.at(q, "findByArticleId", ".collect(Collectors.toList()));", 1),
                  ctx.at("api.CommentsApi", "getComments",
                         "commentQueryService.findByArticleId(article.getId(), user);"),
                  *ctx.mvc(r.route)]
        tomcat_error(log, r, [Exc("java.lang.NullPointerException", None, frames)])

    def runtime(ctx: Ctx) -> None:
        CTX.append(ctx)
        sc = scenario(case.id, CST, onset, deploy, shape, rate=lambda t: 4.5, start_min=90, extra_routes=[guest])
        run_runtime(case, out, sc, ctx, errors, error_of=lambda r: (
            ("java.lang.NullPointerException", "") if r.fail else None))

    build_case(case, mirror, out, "v2026.11.27", runtime)
    return case


# ------------------------------------------------------------------ 6. view counter leaks connections


RECORDER = """package io.spring.infrastructure.service;

import java.util.concurrent.ThreadLocalRandom;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.springframework.stereotype.Component;

/** Sampled article view counter: one in SAMPLE views is written, scaled up in the stats job. */
@Component
public class ArticleViewRecorder {
  private static final int SAMPLE = 160;
  private final SqlSessionFactory sqlSessionFactory;

  public ArticleViewRecorder(SqlSessionFactory sqlSessionFactory) {
    this.sqlSessionFactory = sqlSessionFactory;
  }

  public void record(String articleId) {
    if (ThreadLocalRandom.current().nextInt(SAMPLE) != 0) {
      return;
    }
    // own auto-commit session so the counter never joins the request's transaction
    SqlSession session = sqlSessionFactory.openSession(true);
    session.update("io.spring.infrastructure.mybatis.mapper.ArticleMapper.incrementViews", articleId);
  }
}
"""


def view_counter_leak(mirror: Path, out: Path) -> Case:
    onset = datetime(2026, 11, 30, 9, 48, 0, tzinfo=CET)
    deploy = onset - timedelta(minutes=36)
    day = onset.replace(hour=12, minute=0)
    rec = f"{SRC}/infrastructure/service/ArticleViewRecorder.java"
    art = f"{SRC}/api/ArticleApi.java"
    guilty = _guilty("omar", deploy - timedelta(hours=18, minutes=22),
                     "Count article views (sampled) for the trending page\n\nOne in 160 views increments "
                     "articles.view_count in its own auto-commit session; migration V2 adds the column.",
                     [Edit(rec, None, RECORDER),
                      Edit(f"{RES}/db/migration/V2__article_view_count.sql", None,
                           "alter table articles add column view_count bigint not null default 0;\n"),
                      Edit(f"{RES}/mapper/ArticleMapper.xml", "</mapper>",
                           "    <update id=\"incrementViews\">\n        update articles set view_count = view_count + "
                           "1 where id = #{id}\n    </update>\n</mapper>"),
                      Edit(art, "import io.spring.core.user.User;\n",
                           "import io.spring.core.user.User;\nimport io.spring.infrastructure.service."
                           "ArticleViewRecorder;\n"),
                      Edit(art, "  private ArticleCommandService articleCommandService;\n",
                           "  private ArticleCommandService articleCommandService;\n"
                           "  private ArticleViewRecorder articleViewRecorder;\n"),
                      Edit(art, "        .map(articleData -> ResponseEntity.ok(articleResponse(articleData)))\n",
                           "        .map(\n            articleData -> {\n"
                           "              articleViewRecorder.record(articleData.getId());\n"
                           "              return ResponseEntity.ok(articleResponse(articleData));\n            })\n")])
    items = [*decoys(day, "readme", "hikari_lifetime", "article_javadoc"), guilty, *decoys(day, "profile_test"),
             _release(deploy - timedelta(minutes=15), "v2026.11.28")]
    case = Case("rw-view-counter-leak", "realworld", "resource_leak", "en", False, True,
                [rec], ["io.spring.infrastructure.service.ArticleViewRecorder.record"],
                "ArticleViewRecorder.record opens a MyBatis SqlSession from the factory for one in 160 article views "
                "and never closes it, so each sampled view keeps a Hikari connection forever. After ~40 minutes of "
                "morning traffic the 20 connections are gone and every endpoint times out after 5 s with "
                "CannotGetJdbcConnectionException; the recorder itself succeeds and is in no stack trace.",
                "API requests time out after a release", "critical", onset, "conduit-api",
                "Starting around 09:45 almost every request fails after ~5 seconds (articles, comments, login). "
                "A release went out a bit after 09:00; DB load is low.", history(day, items), design())
    dep = deploy.timestamp()

    def shape(r: Request, rng: random.Random) -> None:
        if r.route.name == "article" and r.arrival >= dep and rng.random() < 1 / 160:
            r.leak = True

    def runtime(ctx: Ctx) -> None:
        sc = scenario(case.id, CET, onset, deploy, shape,
                      rate=lambda t: 3.5 + 1.5 * min(1.0, max(0.0, (t - dep) / 3000)),
                      start_min=75)
        run_runtime(case, out, sc, ctx, lambda log, r: None)

    build_case(case, mirror, out, "v2026.11.28", runtime)
    return case


# ------------------------------------------------------------------ 7. MySQL failover (no change guilty)


def mysql_failover(mirror: Path, out: Path) -> Case:
    onset = datetime(2026, 12, 1, 16, 8, 30, tzinfo=CST)
    release = onset - timedelta(hours=23, minutes=30)
    day = onset.replace(hour=12, minute=0)
    items = [*decoys(day - timedelta(days=1), "readme", "article_javadoc", "comment_msg"),
             *decoys(day, "hikari_lifetime", "tags_sort"), _release(release - timedelta(minutes=15), "v2026.11.30"),
             _after_tag(decoys(day, "runbook")[0], onset - timedelta(hours=3))]
    case = Case("rw-mysql-failover", "realworld", "downstream_outage", "zh", False, False, [], [],
                "托管 MySQL 主库 16:08 发生可用区故障切换，约 100 秒内连接被断开、新连接被拒绝：进行中的查询报 "
                "CommunicationsException，其余请求 5 秒拿不到连接。之后 Hikari 自动重连恢复。前一天发布的 "
                "Hikari keepalive 配置和其它提交都不是原因，无需回滚。",
                {"zh": "全站接口约两分钟不可用", "en": "The whole API was down for about two minutes"}, "high", onset,
                "conduit-api",
                {"zh": "16:08 左右所有接口报错约两分钟，随后自己恢复。昨天有一次发布，改过数据库连接池配置。",
                 "en": "Around 16:08 every endpoint failed for ~2 minutes, then recovered by itself. Yesterday's "
                       "release changed the connection pool settings."},
                history(day, items), design())
    t0, t1 = onset.timestamp() + 3, onset.timestamp() + 103

    def shape(r: Request, rng: random.Random) -> None:
        if t0 <= r.arrival < t1 and r.route.db_ms:
            r.hold = 0.0
            if r.arrival < t0 + 25:
                r.fail = "link"
                r.post = rng.uniform(0.01, 0.4)
            else:
                r.fail = "refused"
                r.post = 5.0 + rng.uniform(0.0, 0.01)

    CTX: list[Ctx] = []

    def errors(log: AppLog, r: Request) -> None:
        ctx = CTX[0]
        if r.fail == "link":
            msg = ("Communications link failure\n\nThe last packet successfully received from the server was "
                   f"{int(r.trace_id[:3], 16) % 900 + 20:,} milliseconds ago. The last packet sent successfully to the "
                   "server was 0 milliseconds ago.")
            cause = [Exc("com.mysql.cj.jdbc.exceptions.CommunicationsException", msg, []),
                     Exc("com.mysql.cj.exceptions.CJCommunicationsException", msg,
                         ["java.base/jdk.internal.reflect.NativeConstructorAccessorImpl.newInstance0(Native Method)",
                          "com.mysql.cj.protocol.a.NativeProtocol.readMessage(NativeProtocol.java:535)"]),
                     Exc("java.io.EOFException", "Can not read response from server. Expected to read 4 bytes, read 0 "
                         "bytes before connection was unexpectedly lost.",
                         ["com.mysql.cj.protocol.FullReadInputStream.readFully(FullReadInputStream.java:67)",
                          "com.mysql.cj.protocol.a.SimplePacketReader.readHeaderLocal(SimplePacketReader.java:81)"])]
            chain = ctx.db_chain(r.route, cause[:1], ("org.springframework.dao.RecoverableDataAccessException",
                                                      "Communications link failure"), in_filter=False,
                                 get_connection=False)
            chain += cause[1:]
            tomcat_error(log, r, chain)
            log.add(r.end - 0.004, "WARN", r.thread, r.trace_id, "com.zaxxer.hikari.pool.ProxyConnection",
                    f"HikariPool-1 - Connection com.mysql.cj.jdbc.ConnectionImpl@{r.trace_id[:7]} marked as broken "
                    "because of SQLSTATE(08S01), ErrorCode(0)")
        else:
            in_filter = signed_in(r) and int(r.trace_id[10:12], 16) % 3 == 0
            chain = ctx.pool_chain(r.route, in_filter, 5000 + int(r.trace_id[8:10], 16) % 7, 20, 0, 0)
            chain.append(Exc("com.mysql.cj.jdbc.exceptions.CommunicationsException",
                             "Communications link failure\n\nThe last packet sent successfully to the server was 0 "
                             "milliseconds ago. The driver has not received any packets from the server.",
                             ["com.mysql.cj.jdbc.exceptions.SQLError.createCommunicationsException(SQLError.java:174)",
                              "com.mysql.cj.jdbc.exceptions.SQLExceptionsMapping.translateException(SQLExceptionsMapping.java:64)",
                              "com.mysql.cj.jdbc.ConnectionImpl.createNewIO(ConnectionImpl.java:828)",
                              "com.zaxxer.hikari.pool.HikariPool$PoolEntryCreator.call(HikariPool.java:731)"]))
            chain.append(Exc("java.net.ConnectException", "Connection refused (Connection refused)",
                             ["java.base/java.net.PlainSocketImpl.socketConnect(Native Method)",
                              "com.mysql.cj.protocol.StandardSocketFactory.connect(StandardSocketFactory.java:153)"]))
            tomcat_error(log, r, chain, wrapped=not in_filter)

    def extra(log: AppLog, requests: list[Request]) -> None:
        t = t0 + 26
        while t < t1 + 2:
            log.add(t, "WARN", "HikariPool-1 connection adder", None, "com.zaxxer.hikari.pool.HikariPool",
                    "HikariPool-1 - Connection is not available; connection adder failed: Communications link failure")
            t += 7.5
        log.add(t1 + 4.2, "INFO", "HikariPool-1 housekeeper", None, "com.zaxxer.hikari.pool.HikariPool",
                "HikariPool-1 - Pool stats (total=10, active=3, idle=7, waiting=0)")

    def runtime(ctx: Ctx) -> None:
        CTX.append(ctx)
        sc = scenario(case.id, CST, onset, release, shape, rate=lambda t: 4.5, before="2026.11.30",
                      after="2026.11.30")
        run_runtime(case, out, sc, ctx, errors, extra=extra, error_of=lambda r: (
            ("com.mysql.cj.jdbc.exceptions.CommunicationsException",
             "Communications link failure") if r.fail else None))

    build_case(case, mirror, out, "v2026.11.30", runtime)
    return case


# ------------------------------------------------------------------ 8. viral article traffic surge (no change guilty)


def viral_traffic_surge(mirror: Path, out: Path) -> Case:
    onset = datetime(2026, 12, 2, 15, 26, 0, tzinfo=CET)
    release = onset - timedelta(hours=26)
    day = onset.replace(hour=12, minute=0)
    viral = "the-boring-database-wins-ab12"
    items = [*decoys(day - timedelta(days=1), "readme", "tags_sort", "comment_msg", "article_javadoc"),
             _release(release - timedelta(minutes=15), "v2026.12.1"),
             _after_tag(decoys(day, "gradle_spotless")[0], onset - timedelta(hours=4))]
    case = Case("rw-viral-traffic-surge", "realworld", "traffic_surge", "en", False, False, [], [],
                f"The article '{viral}' reached the Hacker News front page: anonymous traffic to it and to its 3,100 "
                "comments rose ~10x within minutes. Each comments request for it holds a connection ~1 s (3,100 rows "
                "joined with users), so the 20 Hikari connections saturate and unrelated requests time out after 5 s. "
                "No code or configuration change is involved; the release the day before and the later commits are "
                "unrelated.",
                "Slow pages and intermittent 500s", "high", onset, "conduit-api",
                "Since ~15:25 the site is very slow and many requests fail; the traffic graph shows a big jump. "
                "We shipped a release yesterday afternoon, with a change to the comments API.",
                history(day, items), design())
    on = onset.timestamp()

    def surge(t: float) -> float:
        return max(0.0, min(1.0, (t - (on - 240)) / 360))

    def rate(t: float) -> float:
        return 4.0 + 46.0 * surge(t)

    def weights(t: float, route: Route) -> float:
        boost = {"article": 10.0, "comments": 14.0}.get(route.name, 1.0)
        return route.weight * (1 + (boost - 1) * surge(t))

    def shape(r: Request, rng: random.Random) -> None:
        if r.route.name in ("article", "comments") and rng.random() < 0.1 + 0.85 * surge(r.arrival):
            r.path = f"/articles/{viral}" + ("/comments" if r.route.name == "comments" else "")
            if r.route.name == "comments":
                took = rng.lognormvariate(0.0, 0.3) * 0.95
                r.hold = took + 0.02
                r.extra["sql_s"] = took
                r.slow_sql = (("SELECT C.id commentId, C.body commentBody, C.created_at commentCreatedAt, C.article_id "
                              "commentArticleId, U.id userId, U.username userUsername, U.bio userBio, U.image "
                              "userImage from comments C left join users U on C.user_id = U.id where C.article_id = "
                              "'5b0e9c1a-7d43-4f0e-9a51-2c8f3e61d0b7'"), 6_212, 3_106)
                r.post *= 6

    def runtime(ctx: Ctx) -> None:
        sc = scenario(case.id, CET, onset, release, shape, rate=rate, weights=weights, before="2026.12.1",
                      after="2026.12.1")
        sc.clients = [*sc.clients, *[f"{net}.{i}.{(i * 37) % 250}.{(i * 91) % 250}" for i, net in
                                      enumerate([73, 81, 94, 104, 176, 185, 203, 212] * 12)]]
        run_runtime(case, out, sc, ctx, lambda log, r: None, slow=True, background_slow=background_reports(sc))

    build_case(case, mirror, out, "v2026.12.1", runtime)
    return case


CASES = [article_list_bio_npe, article_search_scan, statement_timeout_config, jjwt_partial_upgrade,
         guest_comment_null_author, view_counter_leak, mysql_failover, viral_traffic_surge]
