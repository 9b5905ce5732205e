"""Planted incidents on spring-projects/spring-petclinic (Spring Boot 4, JPA/Hibernate, HikariCP, MySQL)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from . import frames as F
from .gitrepo import Commit, Edit, History, line_of
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

MIRROR = "spring-projects+spring-petclinic"
BASE = "edf4db28affcc4741c79850a3d95bc3f177b5ff9"
PKG = "org.springframework.samples.petclinic"
SRC = "src/main/java/org/springframework/samples/petclinic"

A = {
    "maya": ("Maya Lindqvist", "maya.lindqvist@petclinic.example.org"),
    "omar": ("Omar Haddad", "omar.haddad@petclinic.example.org"),
    "jen": ("Jennifer Okafor", "jennifer.okafor@petclinic.example.org"),
    "luis": ("Luis Carvalho", "luis.carvalho@petclinic.example.org"),
    "priya": ("Priya Raman", "priya.raman@petclinic.example.org"),
    "tom": ("Tom Becker", "tom.becker@petclinic.example.org"),
}

CODEOWNERS = """# Ownership of the clinic application (see design/ownership.md)
*                                   @petclinic/platform
/src/main/java/org/springframework/samples/petclinic/owner/   @petclinic/front-desk
/src/main/java/org/springframework/samples/petclinic/vet/     @petclinic/clinical-staff
/src/main/java/org/springframework/samples/petclinic/system/  @petclinic/platform
/src/main/resources/                @petclinic/platform
/src/main/resources/templates/      @petclinic/front-desk
/pom.xml                            @petclinic/platform
/build.gradle                       @petclinic/platform
/docs/                              @petclinic/platform
"""

TIMING_FILTER = """/*
 * Copyright 2012-2025 the original author or authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package org.springframework.samples.petclinic.system;

import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * One line per request with its status and duration, for the clinic's log pipeline.
 */
@Component
class RequestTimingFilter extends OncePerRequestFilter {

	private static final Logger log = LoggerFactory.getLogger(RequestTimingFilter.class);

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		long start = System.nanoTime();
		boolean failed = false;
		try {
			chain.doFilter(request, response);
		}
		catch (IOException | ServletException | RuntimeException ex) {
			failed = true;
			throw ex;
		}
		finally {
			long tookMs = (System.nanoTime() - start) / 1_000_000;
			String query = request.getQueryString();
			log.info("{} {}{} -> {} ({} ms)", request.getMethod(), request.getRequestURI(),
					(query != null) ? "?" + query : "", failed ? 500 : response.getStatus(), tookMs);
		}
	}

}
"""

RUNBOOK = """# Petclinic production runbook

- Deployed to the `clinic` namespace (2 replicas behind ingress-nginx), MySQL 8 on `mysql-clinic`.
- Releases are tagged `vYYYY.MM.N` and rolled out by the deploy pipeline within ~20 minutes of the tag.
- Pool: HikariCP defaults (10 connections per replica, 30 s connection timeout) unless set in
  `application-mysql.properties`.
- Known noise: HikariPool "Failed to validate connection" warnings after the DB proxy's idle cut-off,
  crawlers requesting owners that were merged away (IllegalArgumentException "Owner not found").
"""


def _platform(day: datetime) -> list[Commit]:
    """Commits three weeks before every incident: ownership, request logging, runbook (not guilty)."""
    return [
        Commit(A["omar"], day - timedelta(days=23, hours=-3), "Add CODEOWNERS so reviews route to the owning team",
               [Edit(".github/CODEOWNERS", None, CODEOWNERS)]),
        Commit(A["omar"], day - timedelta(days=22, hours=-5),
               "Log one line per request with status and duration\n\nThe ingress log lacks the handler time; the "
               "log pipeline needs both to separate slow pods from slow clients.",
               [Edit(f"{SRC}/system/RequestTimingFilter.java", None, TIMING_FILTER)]),
        Commit(A["priya"], day - timedelta(days=19, hours=-2), "docs: production runbook for the clinic deployment",
               [Edit("docs/runbook.md", None, RUNBOOK)]),
    ]


def _decoys(day: datetime) -> dict[str, Commit]:
    """Unrelated recent changes, used before and after the guilty commit."""
    return {
        "page10": Commit(A["jen"], day - timedelta(days=6, hours=-4),
                         "Show 10 owners per page in search results\n\nFront desk asked for fewer clicks when a last "
                         "name is common.",
                         [Edit(f"{SRC}/owner/OwnerController.java", "\t\tint pageSize = 5;\n\t\tPageable pageable = "
                               "PageRequest.of(page - 1, pageSize);\n\t\treturn owners.findByLastNameStartingWith",
                               "\t\tint pageSize = 10;\n\t\tPageable pageable = PageRequest.of(page - 1, pageSize);"
                               "\n\t\treturn owners.findByLastNameStartingWith")]),
        "tostring": Commit(A["luis"], day - timedelta(days=5, hours=-6), "Include pet count in Owner.toString for logs",
                           [Edit(f"{SRC}/owner/Owner.java", '\t\t\t.append("telephone", this.telephone)\n',
                                 '\t\t\t.append("telephone", this.telephone)\n'
                                 '\t\t\t.append("pets", this.pets.size())\n')]),
        "runbook": Commit(A["priya"], day - timedelta(days=4, hours=-1),
                          "docs: note the ingress timeouts in the runbook",
                          [Edit("docs/runbook.md", "- Known noise:",
                                "- ingress-nginx: proxy-read-timeout 60 s; a 504 there means the pod held the "
                                "request.\n"
                                "- Known noise:")]),
        "vetpage": Commit(A["tom"], day - timedelta(days=3, hours=-5), "Vet list: keep page size in one constant",
                          [Edit(f"{SRC}/vet/VetController.java", "\t\tint pageSize = 5;\n\t\tPageable pageable = "
                                "PageRequest.of(page - 1, pageSize);\n\t\treturn vetRepository.findAll(pageable);",
                                "\t\tint pageSize = VETS_PAGE_SIZE;\n\t\tPageable pageable = PageRequest.of(page - 1, "
                                "pageSize);\n\t\treturn vetRepository.findAll(pageable);"),
                           Edit(f"{SRC}/vet/VetController.java", "class VetController {\n",
                                "class VetController {\n\n\tprivate static final int VETS_PAGE_SIZE = 5;\n")]),
        "test": Commit(A["luis"], day - timedelta(days=2, hours=-7), "Test that Owner.toString names the pet count",
                       [Edit("src/test/java/org/springframework/samples/petclinic/owner/OwnerToStringTests.java", None,
                             "package org.springframework.samples.petclinic.owner;\n\n"
                             "import static org.assertj.core.api.Assertions.assertThat;\n\n"
                             "import org.junit.jupiter.api.Test;\n\nclass OwnerToStringTests {\n\n\t@Test\n"
                             "\tvoid mentionsPetCount() {\n\t\tOwner owner = new Owner();\n"
                             "\t\towner.addPet(new Pet());\n"
                             "\t\tassertThat(owner.toString()).contains(\"pets = 1\");\n\t}\n\n}\n")]),
        "messages": Commit(A["jen"], day - timedelta(days=1, hours=-2), "Fix German label for the visit date",
                           [Edit("src/main/resources/messages/messages_de.properties", None, None)]),  # replaced below
    }


# ------------------------------------------------------------------ runtime building blocks


def _routes(rng_names: list[str]) -> dict[str, Route]:
    def owner_id(r: random.Random) -> int:
        return int(r.paretovariate(1.2) * 40) % 48000 + 1

    def name(r: random.Random) -> str:
        return r.choice(rng_names)

    owner_sql = [("SELECT", "owners", ("select o1_0.id,o1_0.address,o1_0.city,o1_0.first_name,o1_0.last_name,"
                  "o1_0.telephone,p1_0.owner_id,p1_0.id,p1_0.birth_date,p1_0.name,p1_0.type_id from owners o1_0 "
                  "left join pets p1_0 on o1_0.id=p1_0.owner_id where o1_0.id=?")),
                 ("SELECT", "visits", ("select v1_0.pet_id,v1_0.id,v1_0.visit_date,v1_0.description from visits v1_0 "
                  "where v1_0.pet_id in (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"))]
    return {
        "home": Route("home", "GET", "/", lambda r: "/", 6, f"{PKG}.system.WelcomeController", "welcome", 4,
                      bytes=3100),
        "find": Route("find", "GET", "/owners/find", lambda r: "/owners/find", 5, f"{PKG}.owner.OwnerController",
                      "initFindForm", 4, bytes=3500),
        "search": Route("search", "GET", "/owners", lambda r: f"/owners?lastName={name(r)}", 9,
                        f"{PKG}.owner.OwnerController", "processFindForm", 12, 14,
                        [("SELECT", "owners", ("select o1_0.id,o1_0.address,o1_0.city,o1_0.first_name,o1_0.last_name,"
                          "o1_0.telephone from owners o1_0 where o1_0.last_name like ? escape '\\\\' limit ?,?")),
                         ("SELECT", "owners", ("select count(o1_0.id) from owners o1_0 where o1_0.last_name like ? "
                          "escape '\\\\'"))], bytes=6200),
        "owner": Route("owner", "GET", "/owners/{ownerId}", lambda r: f"/owners/{owner_id(r)}", 20,
                       f"{PKG}.owner.OwnerController", "showOwner", 10, 40, owner_sql, bytes=7400),
        "visit_form": Route("visit_form", "GET", "/owners/{ownerId}/pets/{petId}/visits/new",
                            lambda r: f"/owners/{owner_id(r)}/pets/{owner_id(r) * 2 % 90000 + 1}/visits/new", 6,
                            f"{PKG}.owner.VisitController", "initNewVisitForm", 8, 35, owner_sql, bytes=5200),
        "visit_post": Route("visit_post", "POST", "/owners/{ownerId}/pets/{petId}/visits/new",
                            lambda r: f"/owners/{owner_id(r)}/pets/{owner_id(r) * 2 % 90000 + 1}/visits/new", 5,
                            f"{PKG}.owner.VisitController", "processNewVisitForm", 10, 55,
                            [*owner_sql, ("INSERT", "visits", ("insert into visits (description,visit_date,pet_id) "
                                          "values (?,?,?)"))], bytes=0, ok_status=302),
        "pet_edit": Route("pet_edit", "POST", "/owners/{ownerId}/pets/{petId}/edit",
                          lambda r: f"/owners/{owner_id(r)}/pets/{owner_id(r) * 2 % 90000 + 1}/edit", 3,
                          f"{PKG}.owner.PetController", "processUpdateForm", 10, 50,
                          [*owner_sql, ("UPDATE", "pets", ("update pets set birth_date=?,name=?,owner_id=?,type_id=? "
                                        "where id=?"))], bytes=0, ok_status=302),
        "vets": Route("vets", "GET", "/vets.html", lambda r: f"/vets.html?page={r.choice([1, 1, 1, 2])}", 5,
                      f"{PKG}.vet.VetController", "showVetList", 6, bytes=5600),
    }


LAST_NAMES = ["Davis", "Franklin", "Black", "Escobito", "Schroeder", "McTavish", "Coleman", "Rodriquez", "Estaban",
              "Nguyen", "Garcia", "Smith", "Johnson", "Brown", "Miller", "Wilson", "Moore", "Taylor", "Anderson", "Lee",
              "Da", "Mc", "O'Brien", "Kowalski", "Sato"]

AGENTS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
          "Safari/537.36",
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 "
          "Safari/605.1.15",
          "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 "
          "Mobile/15E148 Safari/604.1",
          "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"]

TOMCAT_LOGGER = "org.apache.catalina.core.ContainerBase.[Tomcat].[localhost].[/].[dispatcherServlet]"
PODS = ("petclinic-7c9d5f8b6-k2xlp", "petclinic-5f47b9c8d-q8wzn")
POD_IPS = ("10.42.3.17", "10.42.5.23")


class Ctx:
    """Line numbers at the deployed revision and helpers that format petclinic's stacks."""

    def __init__(self, repo: Path, rev: str) -> None:
        self.repo, self.rev = repo, rev
        self.timing = line_of(repo, rev, f"{SRC}/system/RequestTimingFilter.java", "chain.doFilter(request, response);")

    def line(self, rel: str, anchor: str, nth: int = 1) -> int:
        return line_of(self.repo, self.rev, f"{SRC}/{rel}", anchor, nth)

    def frame(self, cls: str, method: str, rel: str, anchor: str, nth: int = 1) -> str:
        return f"{PKG}.{cls}.{method}({rel.rsplit('/', 1)[1]}:{self.line(rel, anchor, nth)})"

    def entry(self, route: str) -> tuple[list[str], str, bool]:
        """(app frames where the owner is loaded, http method, via @ModelAttribute) for a route."""
        find = "Optional<Owner> optionalOwner = this.owners.findById(ownerId);"
        return {
            "owner": ([self.frame("owner.OwnerController", "showOwner", "owner/OwnerController.java", find)], "GET",
                      False),
            "visit_form": ([self.frame("owner.VisitController", "loadPetWithVisit", "owner/VisitController.java",
                                       "Optional<Owner> optionalOwner = owners.findById(ownerId);")], "GET", True),
            "visit_post": ([self.frame("owner.VisitController", "loadPetWithVisit", "owner/VisitController.java",
                                       "Optional<Owner> optionalOwner = owners.findById(ownerId);")], "POST", True),
            "pet_edit": ([self.frame("owner.PetController", "findOwner", "owner/PetController.java", find)], "POST",
                         True),
            "search": ([self.frame("owner.OwnerController", "findPaginatedForOwnersLastName",
                                   "owner/OwnerController.java",
                                   "return owners.findByLastNameStartingWith"),
                        self.frame("owner.OwnerController", "processFindForm", "owner/OwnerController.java",
                                   "findPaginatedForOwnersLastName(page, lastName);")], "GET", False),
        }[route]

    def pool_chain(self, route: str, size: int, waited_ms: int, waiting: int) -> tuple[list[Exc], str]:
        app, http, model_attr = self.entry(route)
        method = "findByLastNameStartingWith" if route == "search" else "findById"
        below = F.PC_TX_BEGIN[2:] + F.pc_repository(method) + app + F.pc_mvc(http, self.timing, model_attr)
        message = (f"HikariPool-1 - Connection is not available, request timed out after {waited_ms}ms "
                   f"(total={size}, active={size}, idle=0, waiting={waiting})")
        outer = ["org.springframework.orm.jpa.JpaTransactionManager.doBegin(JpaTransactionManager.java:467)", *below]
        jdbc = ["org.hibernate.exception.internal.SQLStateConversionDelegate.convert("
                "SQLStateConversionDelegate.java:100)",
                "org.hibernate.exception.internal.StandardSQLExceptionConverter.convert(StandardSQLExceptionConverter.java:58)",
                "org.hibernate.engine.jdbc.spi.SqlExceptionHelper.convert(SqlExceptionHelper.java:108)",
                "org.hibernate.engine.jdbc.spi.SqlExceptionHelper.convert(SqlExceptionHelper.java:94)",
                "org.hibernate.resource.jdbc.internal.LogicalConnectionManagedImpl.acquireConnectionIfNeeded(LogicalConnectionManagedImpl.java:133)",
                *F.PC_HIKARI_FROM_TX[7:], *F.PC_TX_BEGIN[:2], *below]
        root = [*F.PC_HIKARI_FROM_TX, *F.PC_TX_BEGIN[:2], *below]
        chain = [Exc("org.springframework.transaction.CannotCreateTransactionException",
                     "Could not open JPA EntityManager for transaction", outer),
                 Exc("org.hibernate.exception.JDBCConnectionException",
                     f"Unable to acquire JDBC Connection [{message}] [n/a]",
                     jdbc),
                 Exc("java.sql.SQLTransientConnectionException", message, root)]
        return chain, message


def tomcat_error(log: AppLog, r: Request, chain: list[Exc], at: float | None = None) -> None:
    top = chain[0]
    log.add(at if at is not None else r.end - 0.002, "ERROR", r.thread, r.trace_id, TOMCAT_LOGGER,
            "Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception "
            f"[Request processing failed: {top.type}: {top.message}] with root cause", chain)


def pool_failure(log: AppLog, ctx: Ctx, r: Request, size: int) -> None:
    waited = round((r.end - r.arrival - r.pre) * 1000) - 2
    chain, message = ctx.pool_chain(r.route.name, size, waited, r.waiting_at_failure)
    log.add(r.end - 0.004, "WARN", r.thread, r.trace_id, "org.hibernate.engine.jdbc.spi.SqlExceptionHelper",
            "SQL Error: 0, SQLState: null")
    log.add(r.end - 0.0035, "ERROR", r.thread, r.trace_id, "org.hibernate.engine.jdbc.spi.SqlExceptionHelper", message)
    tomcat_error(log, r, chain)


def _startup(log: AppLog, deploy: float, version: str) -> None:
    down = deploy - 25.0
    log.add(down, "INFO", "SpringApplicationShutdownHook", None,
            "org.springframework.boot.web.server.GracefulShutdown",
            "Commencing graceful shutdown. Waiting for active requests to complete")
    log.add(down + 0.4, "INFO", "tomcat-shutdown", None, "org.springframework.boot.web.server.GracefulShutdown",
            "Graceful shutdown complete")
    log.add(down + 0.6, "INFO", "SpringApplicationShutdownHook", None, "com.zaxxer.hikari.HikariDataSource",
            "HikariPool-1 - Shutdown initiated...")
    log.add(down + 0.7, "INFO", "SpringApplicationShutdownHook", None, "com.zaxxer.hikari.HikariDataSource",
            "HikariPool-1 - Shutdown completed.")
    t = deploy - 14.0
    boot = [
        ("org.springframework.samples.petclinic.PetClinicApplication",
         f"Starting PetClinicApplication v{version} using Java 21.0.5 "
         "with PID 1 (/app/app.jar started by app in /app)"),
        ("org.springframework.samples.petclinic.PetClinicApplication",
         'The following 1 profile is active: "mysql"'),
        ("org.springframework.boot.tomcat.TomcatWebServer", "Tomcat initialized with port 8080 (http)"),
        ("org.apache.catalina.core.StandardService", "Starting service [Tomcat]"),
        ("org.apache.catalina.core.StandardEngine", "Starting Servlet engine: [Apache Tomcat/11.0.18]"),
        ("com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Starting..."),
        ("com.zaxxer.hikari.pool.HikariPool",
         "HikariPool-1 - Added connection com.mysql.cj.jdbc.ConnectionImpl@6f2b9a1c"),
        ("com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Start completed."),
        ("org.hibernate.jpa.internal.util.LogHelper", "HHH000204: Processing PersistenceUnitInfo [name: default]"),
        ("org.hibernate.Version", "HHH000001: Hibernate ORM core version 7.2.4.Final"),
        ("org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean",
         "Initialized JPA EntityManagerFactory for persistence unit 'default'"),
        ("org.springframework.boot.actuate.endpoint.web.EndpointLinksResolver",
         "Exposing 14 endpoints beneath base path '/actuator'"),
        ("org.springframework.boot.tomcat.TomcatWebServer", "Tomcat started on port 8080 (http) with context path '/'"),
        ("org.springframework.samples.petclinic.PetClinicApplication",
         "Started PetClinicApplication in 12.871 seconds (process running for 13.604)"),
    ]
    for i, (logger, msg) in enumerate(boot):
        log.add(t + i * 0.9, "INFO", "main", None, logger, msg)


def _noise(log: AppLog, sc: Scenario, seed: str) -> None:
    """Long-standing WARN storm and an unrelated exception, from the whole window."""
    rng = random.Random(f"{seed}-noise")
    t = sc.start.timestamp() + rng.uniform(0, 30)
    end = sc.end.timestamp()
    while t < end:
        log.add(t, "WARN", f"http-nio-8080-exec-{rng.randint(1, 12)}", None, "com.zaxxer.hikari.pool.PoolBase",
                "HikariPool-1 - Failed to validate connection com.mysql.cj.jdbc."
                f"ConnectionImpl@{rng.getrandbits(28):07x} (No operations allowed after connection closed.). "
                "Possibly consider using a shorter maxLifetime value.")
        t += rng.uniform(20, 70)


def _owner_not_found(log: AppLog, ctx: Ctx, sc: Scenario, seed: str) -> None:
    """Crawlers following links to owners merged away: a real, old, unrelated exception."""
    rng = random.Random(f"{seed}-crawler")
    t = sc.start.timestamp() + rng.uniform(30, 200)
    lam = ctx.frame("owner.OwnerController", "lambda$showOwner$1", "owner/OwnerController.java",
                    "Owner owner = optionalOwner.orElseThrow(() -> new IllegalArgumentException(")
    show = ctx.frame("owner.OwnerController", "showOwner", "owner/OwnerController.java",
                     "Owner owner = optionalOwner.orElseThrow(() -> new IllegalArgumentException(")
    while t < sc.end.timestamp():
        oid = rng.randint(52000, 99999)
        trace = f"{rng.getrandbits(128):032x}"
        thread = f"http-nio-8080-exec-{rng.randint(1, 10)}"
        msg = f"Owner not found with id: {oid}. Please ensure the ID is correct "
        chain = [Exc("java.lang.IllegalArgumentException", msg,
                     [lam, "java.base/java.util.Optional.orElseThrow(Optional.java:403)", show,
                      *F.pc_mvc("GET", ctx.timing)])]
        log.add(t, "INFO", thread, trace, f"{PKG}.system.RequestTimingFilter", f"GET /owners/{oid} -> 500 (4 ms)")
        log.add(t - 0.001, "ERROR", thread, trace, TOMCAT_LOGGER,
                "Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception "
                f"[Request processing failed: java.lang.IllegalArgumentException: {msg}] with root cause", chain)
        t += rng.uniform(150, 420)


def _timing_lines(log: AppLog, requests: list[Request]) -> None:
    for r in requests:
        if r.duration > 60.0:
            continue  # the ingress gave up; the filter logs when the handler finally returns, after the window
        log.add(r.end, "INFO", r.thread, r.trace_id, f"{PKG}.system.RequestTimingFilter",
                f"{r.route.method} {r.path} -> {r.status} ({round(r.duration * 1000)} ms)")


REPORT_SQL = ("SELECT t.name AS type, COUNT(v.id) AS visits FROM visits v JOIN pets p ON p.id = v.pet_id "
              "JOIN types t ON t.id = p.type_id WHERE v.visit_date >= '2026-11-01' GROUP BY t.name")


def _background_slow(sc: Scenario) -> list:
    rows = []
    t = sc.start.replace(minute=5, second=2, microsecond=0)
    while t.timestamp() < sc.end.timestamp():
        if t >= sc.start:
            rows.append((t.timestamp() + 3.9, 3.9, "report_ro", "10.42.9.5", 37122, 2_412_904, 11, REPORT_SQL))
        t += timedelta(minutes=30)
    return rows


TRACE = {"service": "petclinic", "namespace": "clinic", "host": "petclinic.clinic.svc.cluster.local",
         "db_name": "petclinic",
             "db_host": "mysql-clinic.clinic.svc.cluster.local", "java": "21.0.5+11-LTS"}


def run_runtime(case: Case, out: Path, sc: Scenario, ctx: Ctx,
                errors: Callable[[AppLog, Request], None], extra: Callable[[AppLog, list[Request]], None] | None = None,
                slow: bool = False, error_of: Callable[[Request], tuple[str, str] | None] | None = None) -> None:
    requests = simulate(sc)
    log = AppLog(sc.zone)
    if sc.start.timestamp() < sc.deploy.timestamp() < sc.end.timestamp():
        _startup(log, sc.deploy.timestamp(), sc.version_after)
    _noise(log, sc, sc.seed)
    _owner_not_found(log, ctx, sc, sc.seed)
    _timing_lines(log, requests)
    for r in requests:
        if r.pool_timeout:
            pool_failure(log, ctx, r, sc.pool_size(r.arrival))
        elif r.fail:
            errors(log, r)
    if extra:
        extra(log, requests)
    rt = out / "runtime"
    log.write(rt / "petclinic.log")
    write_ingress_log(rt / "ingress-access.log", requests, sc, "clinic-petclinic-8080", POD_IPS, AGENTS)
    write_metrics(rt / "metrics" / "jvm-metrics.csv", requests, sc, HIKARI, PODS)

    def default_error(r: Request) -> tuple[str, str] | None:
        if r.pool_timeout:
            return ("org.springframework.transaction.CannotCreateTransactionException",
                    "Could not open JPA EntityManager for transaction")
        return None

    write_traces(rt / "traces" / "traces.json", requests, sc,
                 TraceSpec(error_of=error_of or default_error, **TRACE), log.stacks)
    if slow:
        write_slow_log(rt / "sql" / "mysql-slow.log", requests, sc, "petclinic", POD_IPS, _background_slow(sc),
                       "petclinic")


DOMAIN = """# Petclinic domain model

Spring Data JPA repositories on MySQL 8 through HikariCP (10 connections per pod, 30 s connection timeout).
Production sizes: owners 1.9 M rows, pets 3.4 M, visits 11 M.

## Bounded context: Owners and pets

Package `org.springframework.samples.petclinic.owner`, team @petclinic/front-desk.
Endpoints: `/owners`, `/owners/{ownerId}`, `/owners/{ownerId}/pets/...`,
`/owners/{ownerId}/pets/{petId}/visits/new`.

### Aggregate: Owner (aggregate root)

`Owner` owns its `Pet` entities and their `Visit` entities (cascade, loaded eagerly with the owner).
`OwnerRepository` loads owners by id and searches them by last-name prefix (`findByLastNameStartingWith`,
served by the index `idx_owners_last_name`).

#### Invariants

- A pet name is unique among the pets of one owner.
- A visit belongs to exactly one pet of the owner named in the URL.
- A pet's birth date is not in the future.

## Bounded context: Vets

Package `org.springframework.samples.petclinic.vet`, team @petclinic/clinical-staff.

### Aggregate: Vet (aggregate root)

`Vet` with its `Specialty` values (many-to-many). The list is cached (`vets` cache, Caffeine) and changes a
few times a month; `/vets.html` and `/vets` read it through `VetRepository`.

## Bounded context: System

Package `org.springframework.samples.petclinic.system`, team @petclinic/platform: web configuration,
caching, request logging (`RequestTimingFilter`), error page.

## Glossary

- **Visit**: an appointment of a pet with the clinic on a date, with a description.
- **Front desk**: reception staff who register owners, pets and book visits.
"""

OWNERSHIP = """# Teams

| team | owns | on call |
|---|---|---|
| @petclinic/front-desk | owners, pets, visits (owner package, templates) | #clinic-frontdesk |
| @petclinic/clinical-staff | vets and specialties (vet package) | #clinic-vets |
| @petclinic/platform | runtime, configuration, build, system package | #clinic-platform |
"""


def design() -> dict[str, str]:
    return {"domain.md": DOMAIN, "ownership.md": OWNERSHIP, "CODEOWNERS": CODEOWNERS}


def build_case(case: Case, mirror_root: Path, out: Path, release: str,
               make_runtime: Callable[[Ctx], None]) -> None:
    build_repo(case, mirror_root / MIRROR / "repo", BASE, out)
    write_bundle_head(case, out)
    make_runtime(Ctx(out / "repo", case.history.tags[release]))


def history(day: datetime, items: list[Commit]) -> History:
    commits = sorted([*_platform(day), *items], key=lambda c: c.when)
    return History(commits=commits)


def decoys(day: datetime, *names: str) -> list[Commit]:
    table = _decoys(day)
    table["messages"] = Commit(A["jen"], day - timedelta(days=1, hours=-2), "docs: how to tag a release",
                               [Edit("docs/releasing.md", None,
                                     "# Releasing\n\n1. `git tag -a vYYYY.MM.N -m 'Release vYYYY.MM.N'` on main.\n"
                                     "2. The pipeline builds the image and rolls it out to `clinic`.\n"
                                     "3. Watch the request log and the Hikari dashboard for 30 minutes.\n")])
    return [table[n] for n in names]


def tagged(commit: Commit, tag: str) -> Commit:
    commit.tag = tag
    return commit
