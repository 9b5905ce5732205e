"""The petclinic cases."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from . import frames as F
from .gitrepo import Commit, Edit
from .kit import EST, Case
from .petclinic import (
    LAST_NAMES,
    PKG,
    SRC,
    A,
    Ctx,
    _routes,
    build_case,
    decoys,
    design,
    history,
    run_runtime,
    tagged,
    tomcat_error,
)
from .runtime import AppLog, Exc, Request, Route, Scenario


def _timeline(onset: datetime, deploy_before_min: float = 38):
    deploy = onset - timedelta(minutes=deploy_before_min)
    return onset - timedelta(minutes=60), onset + timedelta(minutes=12), deploy


def _scenario(seed: str, onset: datetime, deploy: datetime, start: datetime, end: datetime, shape,
              rate=lambda t: 3.0, pool=lambda t: 10, timeout=lambda t: 30.0, weights=None,
              before="2026.11.2", after="2026.11.3") -> Scenario:
    routes = list(_routes(LAST_NAMES).values())
    return Scenario(seed=seed, zone=EST, start=start, end=end, deploy=deploy, onset=onset, version_before=before,
                    version_after=after, routes=routes, rate=rate, pool_size=pool, pool_timeout_s=timeout,
                    shape=shape, weights=weights)


def _guilty(author: str, when: datetime, message: str, edits: list[Edit]) -> Commit:
    return Commit(A[author], when, message, edits, key="guilty")


def _release(day_commit: Commit, tag: str) -> Commit:
    return tagged(day_commit, tag)


# ------------------------------------------------------------------ 1. null dereference on the stack


def npe_pet_edit(mirror: Path, out: Path) -> Case:
    onset = datetime(2026, 11, 16, 10, 7, 0, tzinfo=EST)
    start, end, deploy = _timeline(onset, 4)
    day = onset.replace(hour=12, minute=0)
    guilty = _guilty("jen", deploy - timedelta(hours=20, minutes=13),
                     "Pet edit: simplify the duplicate-name check\n\nThe Objects.equals guard read as if ids could be "
                     "null; pets loaded from the owner always have one.",
                     [Edit(f"{SRC}/owner/PetController.java",
                           "if (existingPet != null && !Objects.equals(existingPet.getId(), pet.getId())) {",
                           "if (!existingPet.getId().equals(pet.getId())) {")])
    release = Commit(A["omar"], deploy - timedelta(minutes=24), "Release 2026.11.3", [], tag="v2026.11.3")
    items = [*decoys(day, "page10", "tostring", "vetpage"), guilty,
             *decoys(day, "test"), release, *decoys(day + timedelta(days=1), "messages")]
    items[-1].when = deploy + timedelta(minutes=5)  # merged after the release: not deployed
    case = Case("pc-npe-pet-edit", "petclinic", "null_dereference", "en", True, True,
                [f"{SRC}/owner/PetController.java"], [f"{PKG}.owner.PetController.processUpdateForm"],
                "Refactor of the duplicate-name check dereferences existingPet, which is null whenever the pet is "
                "renamed to a name the owner does not have yet; every rename fails with an NPE.",
                "Editing a pet fails with a server error", "high", onset, "petclinic",
                "Front desk reports that saving a pet after changing its name shows the error page. Other pages work.",
                history(day, items), design())

    def shape(r: Request, rng: random.Random) -> None:
        if r.route.name == "pet_edit" and r.arrival >= deploy.timestamp() and rng.random() < 0.55:
            r.fail = "npe"
            r.hold = 0.012

    def errors(log: AppLog, r: Request) -> None:
        ctx = CTX[0]
        app = ctx.frame("owner.PetController", "processUpdateForm", "owner/PetController.java",
                        "if (!existingPet.getId().equals(pet.getId())) {")
        msg = ('Cannot invoke "org.springframework.samples.petclinic.owner.Pet.getId()" because '
               '"existingPet" is null')
        tomcat_error(log, r, [Exc("java.lang.NullPointerException", msg, [app, *F.pc_mvc("POST", ctx.timing)])])

    CTX: list[Ctx] = []

    def runtime(ctx: Ctx) -> None:
        CTX.append(ctx)
        def w(t, route):
            return route.weight * (1.5 if route.name == "pet_edit" else 1)
        sc = _scenario(case.id, onset, deploy, start, end, shape, weights=w)
        run_runtime(case, out, sc, ctx, errors, error_of=lambda r: (
            ("java.lang.NullPointerException", "Cannot invoke \"...getId()\" because \"existingPet\" is null")
            if r.fail else None))

    build_case(case, mirror, out, "v2026.11.3", runtime)
    return case


# ------------------------------------------------------------------ 2. changed query -> full scan -> pool exhaustion


def owner_search_scan(mirror: Path, out: Path) -> Case:
    onset = datetime(2026, 11, 18, 9, 41, 0, tzinfo=EST)
    start, end, deploy = _timeline(onset, 27)
    day = onset.replace(hour=12, minute=0)
    guilty = _guilty("luis", deploy - timedelta(hours=26, minutes=40),
                     "Owner search: match anywhere in the last name, ignoring case\n\nFront desk could not find "
                     "'McTavish' by typing 'tavish'. Search is now a case-insensitive contains.",
                     [Edit(f"{SRC}/owner/OwnerRepository.java",
                           "import org.springframework.data.jpa.repository.JpaRepository;\n",
                           "import org.springframework.data.jpa.repository.JpaRepository;\n"
                           "import org.springframework.data.jpa.repository.Query;\n"
                           "import org.springframework.data.repository.query.Param;\n"),
                      Edit(f"{SRC}/owner/OwnerRepository.java",
                           "\tPage<Owner> findByLastNameStartingWith(String lastName, Pageable pageable);",
                           "\t@Query(\"SELECT owner FROM Owner owner WHERE LOWER(owner.lastName) LIKE "
                           "LOWER(CONCAT('%', :lastName, '%'))\")\n"
                           "\tPage<Owner> findByLastNameStartingWith(@Param(\"lastName\") String lastName, Pageable "
                           "pageable);")])
    release = Commit(A["omar"], deploy - timedelta(minutes=21), "Release 2026.11.4", [], tag="v2026.11.4")
    items = [*decoys(day, "tostring", "runbook", "vetpage"), guilty, *decoys(day, "test", "messages"), release]
    case = Case("pc-owner-search-scan", "petclinic", "slow_query_full_scan", "en", False, True,
                [f"{SRC}/owner/OwnerRepository.java"], [f"{PKG}.owner.OwnerRepository.findByLastNameStartingWith"],
                "The owner search query was changed to LOWER(last_name) LIKE '%x%', which cannot use the last_name "
                "index: each search scans 1.9 M owners for seconds while holding a pooled connection, the "
                "10-connection Hikari pool drains and unrelated pages (owner details, visits, pet edits) time out "
                "acquiring connections.",
                "Owner pages and visit booking time out", "critical", onset, "petclinic",
                "Since about 09:40 most owner pages and visit booking return errors or hang. The vets page loads.",
                history(day, items), design())
    dep = deploy.timestamp()

    def shape(r: Request, rng: random.Random) -> None:
        if r.route.name == "search" and r.arrival >= dep:
            took = rng.uniform(9.0, 16.0)
            term = r.path.split("=", 1)[1].lower()
            stmt = ("select o1_0.id,o1_0.address,o1_0.city,o1_0.first_name,o1_0.last_name,o1_0.telephone from owners "
                    f"o1_0 where lower(o1_0.last_name) like lower(concat('%','{term}','%')) escape '' limit 0,5")
            count = ("select count(o1_0.id) from owners o1_0 where lower(o1_0.last_name) like "
                     f"lower(concat('%','{term}','%')) escape ''")
            r.slow_sql = (stmt if rng.random() < 0.5 else count, 1_912_446, rng.randint(0, 5))
            r.hold = took * 2
            r.extra["sql_s"] = took

    def runtime(ctx: Ctx) -> None:
        def rate(t):
            return 2.5 + 1.5 * min(1.0, max(0.0, (t - start.timestamp()) / 3600))
        sc = _scenario(case.id, onset, deploy, start, end, shape, rate=rate, before="2026.11.3", after="2026.11.4")
        run_runtime(case, out, sc, ctx, lambda log, r: None, slow=True)

    build_case(case, mirror, out, "v2026.11.4", runtime)
    return case


# ------------------------------------------------------------------ 3. configuration change: pool shrunk


def pool_config(mirror: Path, out: Path) -> Case:
    onset = datetime(2026, 11, 23, 9, 18, 0, tzinfo=EST)
    start, end, deploy = _timeline(onset, 46)
    day = onset.replace(hour=12, minute=0)
    guilty = _guilty("priya", deploy - timedelta(hours=19, minutes=5),
                     "Size the Hikari pool for three replicas\n\nmysql-clinic allows 40 connections and we now run "
                     "three pods plus the report user; cap each pod and fail fast instead of queueing for 30 s.",
                     [Edit("src/main/resources/application-mysql.properties",
                           "# SQL is written to be idempotent so this is safe\n",
                           "# Pool: 3 replicas x 4 + report user stays under max_connections=40\n"
                           "spring.datasource.hikari.maximum-pool-size=4\n"
                           "spring.datasource.hikari.connection-timeout=2000\n"
                           "# SQL is written to be idempotent so this is safe\n")])
    release = Commit(A["omar"], deploy - timedelta(minutes=30), "Release 2026.11.5", [], tag="v2026.11.5")
    items = [*decoys(day, "page10", "runbook", "tostring"), guilty, *decoys(day, "vetpage", "test"), release]
    case = Case("pc-pool-config", "petclinic", "config_change_pool", "en", False, True,
                ["src/main/resources/application-mysql.properties"], [],
                "The release lowered the Hikari pool to 4 connections with a 2 s connection timeout; when Monday "
                "morning traffic rose, requests queued for connections and failed after 2 s across all owner pages.",
                "Intermittent errors on owner and visit pages", "high", onset, "petclinic",
                "Since the Monday morning rush, some pages fail with an error (maybe one in ten). Retrying usually "
                "works.",
                history(day, items), design())
    dep = deploy.timestamp()

    def runtime(ctx: Ctx) -> None:
        def rate(t):
            return 5.0 + 13.0 * min(1.0, max(0.0, (t - (onset.timestamp() - 1500)) / 1800))
        def busy(r: Request, rng: random.Random) -> None:
            r.hold *= 9.0  # the Monday-morning mix: owners with many pets and visits

        sc = _scenario(case.id, onset, deploy, start, end, busy, rate=rate,
                       pool=lambda t: 4 if t >= dep else 10, timeout=lambda t: 2.0 if t >= dep else 30.0,
                       before="2026.11.4", after="2026.11.5")
        run_runtime(case, out, sc, ctx, lambda log, r: None)

    build_case(case, mirror, out, "v2026.11.5", runtime)
    return case


# ------------------------------------------------------------------ 4. resource leak


def vet_export_leak(mirror: Path, out: Path) -> Case:
    onset = datetime(2026, 11, 19, 11, 2, 0, tzinfo=EST)
    start, end, deploy = _timeline(onset, 44)
    day = onset.replace(hour=12, minute=0)
    vc = f"{SRC}/vet/VetController.java"
    guilty = _guilty("tom", deploy - timedelta(hours=22, minutes=31),
                     "Vets: CSV export for the front-desk roster\n\nReception prints the roster every morning; a plain "
                     "JDBC query keeps the export independent of the paged entity view.",
                     [Edit(vc, "import java.util.List;\n",
                           "import java.io.PrintWriter;\nimport java.sql.Connection;\n"
                           "import java.sql.PreparedStatement;\n"
                           "import java.sql.ResultSet;\nimport java.util.List;\n\nimport javax.sql.DataSource;\n"),
                      Edit(vc, "import org.springframework.web.bind.annotation.ResponseBody;\n",
                           "import org.springframework.web.bind.annotation.ResponseBody;\n\n"
                           "import jakarta.servlet.http.HttpServletResponse;\n"),
                      Edit(vc, "\tprivate final VetRepository vetRepository;\n\n\tpublic VetController(VetRepository "
                               "vetRepository) {\n\t\tthis.vetRepository = vetRepository;\n\t}\n",
                           "\tprivate final VetRepository vetRepository;\n\n\tprivate final DataSource dataSource;\n\n"
                           "\tpublic VetController(VetRepository vetRepository, DataSource dataSource) {\n"
                           "\t\tthis.vetRepository = vetRepository;\n\t\tthis.dataSource = dataSource;\n\t}\n\n"
                           "\t@GetMapping(\"/vets.csv\")\n"
                           "\tpublic void exportVetsCsv(HttpServletResponse response) throws Exception {\n"
                           "\t\tConnection connection = this.dataSource.getConnection();\n"
                           "\t\tPreparedStatement statement = connection.prepareStatement(\"SELECT v.first_name, "
                           "v.last_name, s.name FROM vets v LEFT JOIN vet_specialties vs ON vs.vet_id = v.id \"\n"
                           "\t\t\t\t+ \"LEFT JOIN specialties s ON s.id = vs.specialty_id ORDER BY v.last_name\");\n"
                           "\t\tResultSet rows = statement.executeQuery();\n"
                           "\t\tresponse.setContentType(\"text/csv\");\n"
                           "\t\tPrintWriter out = response.getWriter();\n"
                           "\t\tout.println(\"first_name,last_name,specialty\");\n"
                           "\t\twhile (rows.next()) {\n"
                           "\t\t\tString specialty = rows.getString(3);\n"
                           "\t\t\tout.println(rows.getString(1) + \",\" + rows.getString(2) + \",\" + (specialty != "
                           "null ? specialty : \"\"));\n"
                           "\t\t}\n\t\tout.flush();\n\t}\n")])
    release = Commit(A["omar"], deploy - timedelta(minutes=26), "Release 2026.11.6", [], tag="v2026.11.6")
    items = [*decoys(day, "page10", "tostring", "runbook"), guilty, *decoys(day, "test"), release,
             *decoys(day + timedelta(days=1), "messages")]
    items[-1].when = deploy + timedelta(minutes=12)
    case = Case("pc-vet-export-leak", "petclinic", "resource_leak", "en", False, True,
                [vc], [f"{PKG}.vet.VetController.exportVetsCsv"],
                "The new /vets.csv export takes a JDBC connection and never closes it (nor the statement and result "
                "set); each export leaks one pooled connection. After ten morning exports the pool had no connections "
                "left and every database-backed page timed out after 30 s.",
                "Petclinic unavailable late morning", "critical", onset, "petclinic",
                "From about 11:00 owner pages and visit booking hang and then fail. Restarting one pod fixed it for a "
                "while last time.",
                history(day, items), design())
    dep = deploy.timestamp()
    export_times = [dep + 60 * m for m in (3, 7, 9, 13, 16, 21, 24, 28, 33, 36.5)]

    def shape(r: Request, rng: random.Random) -> None:
        pass

    def runtime(ctx: Ctx) -> None:
        sc = _scenario(case.id, onset, deploy, start, end, shape, before="2026.11.5", after="2026.11.6")
        base_shape = sc.shape
        export = Route("export", "GET", "/vets.csv", lambda r: "/vets.csv", 0.0, f"{PKG}.vet.VetController",
                       "exportVetsCsv", 6, 35,
                       [("SELECT", "vets", ("SELECT v.first_name, v.last_name, s.name FROM vets v "
                                                 "LEFT JOIN vet_specialties vs ON vs.vet_id = v.id LEFT JOIN "
                                                 "specialties s ON s.id = vs.specialty_id ORDER BY v.last_name"))],
                       bytes=2900)
        sc.routes.append(export)
        taken: set[int] = set()

        def shape2(r: Request, rng: random.Random) -> None:
            base_shape(r, rng)
            for i, t in enumerate(export_times):
                if i not in taken and r.arrival >= t and r.route.name == "home":
                    taken.add(i)
                    r.route, r.path, r.leak, r.hold = export, "/vets.csv", True, 0.03
                    break
        sc.shape = shape2
        run_runtime(case, out, sc, ctx, lambda log, r: None)

    build_case(case, mirror, out, "v2026.11.6", runtime)
    return case


# ------------------------------------------------------------------ 5. thread-pool rejection


REMINDER_CONFIG = """package org.springframework.samples.petclinic.system;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Executor for visit reminders, so booking a visit does not wait for the SMS gateway.
 */
@Configuration(proxyBeanMethods = false)
class ReminderConfiguration {

	@Bean
	ThreadPoolTaskExecutor reminderExecutor() {
		ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
		executor.setCorePoolSize(2);
		executor.setMaxPoolSize(2);
		executor.setQueueCapacity(10);
		executor.setThreadNamePrefix("reminder-");
		executor.initialize();
		return executor;
	}

}
"""

REMINDER_SERVICE = """package org.springframework.samples.petclinic.owner;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Service;
import org.springframework.web.client.RestClient;

/**
 * Sends the "your visit is booked" SMS through the clinic's SMS gateway, off the request thread.
 */
@Service
class VisitReminderService {

	private static final Logger log = LoggerFactory.getLogger(VisitReminderService.class);

	private final ThreadPoolTaskExecutor executor;

	private final RestClient gateway;

	VisitReminderService(@Qualifier("reminderExecutor") ThreadPoolTaskExecutor executor) {
		this.executor = executor;
		SimpleClientHttpRequestFactory factory = new SimpleClientHttpRequestFactory();
		factory.setConnectTimeout(Duration.ofSeconds(2));
		factory.setReadTimeout(Duration.ofSeconds(10));
		this.gateway = RestClient.builder().baseUrl("https://sms-gateway.clinic.internal").requestFactory(factory).build();
	}

	void scheduleReminder(Owner owner, Pet pet, Visit visit) {
		String telephone = owner.getTelephone();
		String text = "Visit for " + pet.getName() + " booked on " + visit.getDate();
		this.executor.execute(() -> send(telephone, text));
	}

	private void send(String telephone, String text) {
		long start = System.nanoTime();
		this.gateway.post().uri("/api/v1/messages").body(new Message(telephone, text)).retrieve().toBodilessEntity();
		log.info("Visit reminder sent to {} in {} ms", telephone, (System.nanoTime() - start) / 1_000_000);
	}

	record Message(String to, String text) {
	}

}
"""


def reminder_rejection(mirror: Path, out: Path) -> Case:
    onset = datetime(2026, 11, 24, 9, 52, 0, tzinfo=EST)
    start, end, deploy = _timeline(onset, 55)
    day = onset.replace(hour=12, minute=0)
    vc = f"{SRC}/owner/VisitController.java"
    guilty = _guilty("jen", deploy - timedelta(hours=23, minutes=2),
                     "Send an SMS reminder when a visit is booked\n\n"
                     "Runs on its own small executor so the booking page "
                     "never waits for the SMS gateway.",
                     [Edit(f"{SRC}/system/ReminderConfiguration.java", None, REMINDER_CONFIG),
                      Edit(f"{SRC}/owner/VisitReminderService.java", None, REMINDER_SERVICE),
                      Edit(vc,
                           "\tprivate final OwnerRepository owners;\n\n"
                           "\tpublic VisitController(OwnerRepository owners) "
                               "{\n\t\tthis.owners = owners;\n\t}\n",
                           "\tprivate final OwnerRepository owners;\n\n"
                           "\tprivate final VisitReminderService reminders;\n\n"
                           "\tpublic VisitController(OwnerRepository owners, VisitReminderService reminders) {\n"
                           "\t\tthis.owners = owners;\n\t\tthis.reminders = reminders;\n\t}\n"),
                      Edit(vc, "\t\towner.addVisit(petId, visit);\n\t\tthis.owners.save(owner);\n",
                           "\t\towner.addVisit(petId, visit);\n\t\tthis.owners.save(owner);\n"
                           "\t\tthis.reminders.scheduleReminder(owner, owner.getPet(petId), visit);\n")])
    release = Commit(A["omar"], deploy - timedelta(minutes=20), "Release 2026.11.7", [], tag="v2026.11.7")
    items = [*decoys(day, "page10", "runbook", "vetpage"), guilty, *decoys(day, "tostring", "test"), release]
    case = Case("pc-reminder-rejection", "petclinic", "thread_pool_rejection", "en", False, True,
                [f"{SRC}/system/ReminderConfiguration.java", f"{SRC}/owner/VisitReminderService.java"],
                [f"{PKG}.system.ReminderConfiguration.reminderExecutor",
                 f"{PKG}.owner.VisitReminderService.scheduleReminder"],
                "The new reminder executor has 2 threads and a queue of 10 with the default abort policy; when the SMS "
                "gateway answered in ~4 s during the booking peak, the queue filled and every further booking failed "
                "with TaskRejectedException after the visit row was saved.",
                "Booking a visit fails", "high", onset, "petclinic",
                "Receptionists see the error page when booking visits since the morning peak; some visits appear "
                "booked anyway.",
                history(day, items), design())
    dep, on = deploy.timestamp(), onset.timestamp()
    state = {"free": [0.0, 0.0], "queue": []}

    def gateway_time(t: float) -> float:
        return 0.35 if t < on - 240 else 4.2

    def shape(r: Request, rng: random.Random) -> None:
        if r.route.name != "visit_post" or r.arrival < dep:
            return
        t = r.arrival + 0.06
        free, queue = state["free"], state["queue"]
        queue[:] = [q for q in queue if q > t]
        free.sort()
        if free[0] <= t:
            done = t + gateway_time(t) * rng.uniform(0.8, 1.2)
            r.extra["sms"] = (t, done)
            free[0] = done
        elif len(queue) < 10:
            begin = free[0]
            done = begin + gateway_time(begin) * rng.uniform(0.8, 1.2)
            queue.append(begin)
            free[0] = done
            r.extra["sms"] = (begin, done)
        else:
            r.fail = "rejected"
            r.extra["queued"] = len(queue)

    def errors(log: AppLog, r: Request) -> None:
        ctx = CTX[0]
        schedule = ctx.frame("owner.VisitReminderService", "scheduleReminder", "owner/VisitReminderService.java",
                             "this.executor.execute(() -> send(telephone, text));")
        post = ctx.frame("owner.VisitController", "processNewVisitForm", "owner/VisitController.java",
                         "this.reminders.scheduleReminder(owner, owner.getPet(petId), visit);")
        below = [schedule, post, *F.pc_mvc("POST", ctx.timing)]
        pool = (f"java.util.concurrent.ThreadPoolExecutor@4f3c2a1d[Running, pool size = 2, active threads = 2, "
                f"queued tasks = 10, completed tasks = {1180 + int(r.arrival - dep) // 9}]")
        task = f"{PKG}.owner.VisitReminderService$$Lambda/0x00007f3a1c4a2b18@{r.trace_id[:8]}"
        chain = [Exc("org.springframework.core.task.TaskRejectedException",
                     f"ExecutorService in active state did not accept task: {task}",
                     ["org.springframework.core.task.TaskRejectedException.of(TaskRejectedException.java:65)",
                      "org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor.execute(ThreadPoolTaskExecutor.java:370)",
                      *below]),
                 Exc("java.util.concurrent.RejectedExecutionException", f"Task {task} rejected from {pool}",
                     ["java.base/java.util.concurrent.ThreadPoolExecutor$AbortPolicy.rejectedExecution(ThreadPoolExecutor.java:2081)",
                      "java.base/java.util.concurrent.ThreadPoolExecutor.reject(ThreadPoolExecutor.java:841)",
                      "java.base/java.util.concurrent.ThreadPoolExecutor.execute(ThreadPoolExecutor.java:1376)",
                      "org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor.execute(ThreadPoolTaskExecutor.java:367)",
                      *below])]
        tomcat_error(log, r, chain)

    def extra(log: AppLog, requests: list[Request]) -> None:
        rng = random.Random(f"{case.id}-sms")
        for r in requests:
            if "sms" in r.extra:
                begin, done = r.extra["sms"]
                worker = 1 + int(r.trace_id[-1], 16) % 2
                log.add(done, "INFO", f"reminder-{worker}", r.trace_id, f"{PKG}.owner.VisitReminderService",
                        f"Visit reminder sent to 61755{rng.randint(10000, 99999)} in {round((done - begin) * 1000)} ms")

    CTX: list[Ctx] = []

    def runtime(ctx: Ctx) -> None:
        CTX.append(ctx)
        def rate(t):
            return 4.0 + 4.0 * min(1.0, max(0.0, (t - (on - 1200)) / 1200))

        def w(t, route):
            return route.weight * (4 if route.name == "visit_post" and t > on - 600 else 1)
        sc = _scenario(case.id, onset, deploy, start, end, shape, rate=rate, weights=w, before="2026.11.6",
                       after="2026.11.7")
        run_runtime(case, out, sc, ctx, errors, extra, error_of=lambda r: (
            ("org.springframework.core.task.TaskRejectedException",
             "ExecutorService in active state did not accept task")
            if r.fail else None))

    build_case(case, mirror, out, "v2026.11.7", runtime)
    return case


# ------------------------------------------------------------------ 6. bad input parse on the stack


def visit_date_parse(mirror: Path, out: Path) -> Case:
    onset = datetime(2026, 11, 25, 8, 36, 0, tzinfo=EST)
    start, end, deploy = _timeline(onset, 31)
    day = onset.replace(hour=12, minute=0)
    vc = f"{SRC}/owner/VisitController.java"
    guilty = _guilty("luis", deploy - timedelta(hours=17, minutes=48),
                     "Visit form: pre-fill the date from the reminder link\n\n"
                     "Reminder e-mails link to the booking form with ?date=; "
                     "the front desk no longer has to retype it.",
                     [Edit(vc, "import java.util.Map;\n",
                           "import java.time.LocalDate;\nimport java.time.format.DateTimeFormatter;\n"
                           "import java.util.Map;\n"),
                      Edit(vc, "import org.springframework.web.bind.annotation.PostMapping;\n",
                           "import org.springframework.web.bind.annotation.PostMapping;\n"
                           "import org.springframework.web.bind.annotation.RequestParam;\n"),
                      Edit(vc, "class VisitController {\n",
                           "class VisitController {\n\n\tprivate static final DateTimeFormatter REMINDER_LINK_DATE = "
                           "DateTimeFormatter.ofPattern(\"MM/dd/yyyy\");\n"),
                      Edit(vc, "\tpublic String initNewVisitForm() {\n\t\treturn \"pets/createOrUpdateVisitForm\";",
                           "\tpublic String initNewVisitForm(@RequestParam(name = \"date\", required = false) String "
                           "date,\n"
                           "\t\t\tMap<String, Object> model) {\n"
                           "\t\tif (date != null) {\n"
                           "\t\t\tVisit visit = (Visit) model.get(\"visit\");\n"
                           "\t\t\tvisit.setDate(LocalDate.parse(date, REMINDER_LINK_DATE));\n"
                           "\t\t}\n"
                           "\t\treturn \"pets/createOrUpdateVisitForm\";")])
    release = Commit(A["omar"], deploy - timedelta(minutes=18), "Release 2026.11.8", [], tag="v2026.11.8")
    items = [*decoys(day, "tostring", "page10"), guilty, *decoys(day, "runbook", "vetpage", "test"), release]
    case = Case("pc-visit-date-parse", "petclinic", "bad_input_parse", "en", True, True,
                [vc], [f"{PKG}.owner.VisitController.initNewVisitForm"],
                "The new ?date= pre-fill parses the reminder link's date with MM/dd/yyyy, but the reminder e-mails "
                "carry ISO dates (2026-11-26); every click on a reminder link fails with DateTimeParseException.",
                "Visit booking links from reminder e-mails fail", "medium", onset, "petclinic",
                "Clients clicking 'book your next visit' in this morning's reminder e-mail get an error page.",
                history(day, items), design())
    dep = deploy.timestamp()

    def shape(r: Request, rng: random.Random) -> None:
        if r.route.name == "visit_form" and r.arrival >= onset.timestamp() - 30 and rng.random() < 0.7:
            day_text = f"2026-11-{rng.choice([26, 27, 28, 30])}"
            r.path += f"?date={day_text}&utm_source=reminder"
            r.fail = "parse"
            r.extra["date"] = day_text
        elif r.route.name == "visit_form" and r.arrival >= dep and rng.random() < 0.05:
            r.path += "?date=" + rng.choice(["11/26/2026", "11/27/2026"])

    def errors(log: AppLog, r: Request) -> None:
        ctx = CTX[0]
        text = r.extra["date"]
        app = ctx.frame("owner.VisitController", "initNewVisitForm", "owner/VisitController.java",
                        "visit.setDate(LocalDate.parse(date, REMINDER_LINK_DATE));")
        frames = ["java.base/java.time.format.DateTimeFormatter.createError(DateTimeFormatter.java:2108)",
                  "java.base/java.time.format.DateTimeFormatter.parse(DateTimeFormatter.java:2010)",
                  "java.base/java.time.LocalDate.parse(LocalDate.java:435)", app, *F.pc_mvc("GET", ctx.timing)]
        tomcat_error(log, r, [Exc("java.time.format.DateTimeParseException",
                                  f"Text '{text}' could not be parsed at index 2", frames)])

    CTX: list[Ctx] = []

    def runtime(ctx: Ctx) -> None:
        CTX.append(ctx)
        def w(t, route):
            return route.weight * (5 if route.name == "visit_form" and t >= onset.timestamp() - 30 else 1)
        sc = _scenario(case.id, onset, deploy, start, end, shape, weights=w, before="2026.11.7", after="2026.11.8")
        run_runtime(case, out, sc, ctx, errors, error_of=lambda r: (
            ("java.time.format.DateTimeParseException", f"Text '{r.extra['date']}' could not be parsed at index 2")
            if r.fail else None))

    build_case(case, mirror, out, "v2026.11.8", runtime)
    return case


# ------------------------------------------------------------------ 7. traffic surge, no change guilty (zh)


def traffic_surge(mirror: Path, out: Path) -> Case:
    onset = datetime(2026, 11, 27, 14, 12, 0, tzinfo=EST)
    start, end, _ = _timeline(onset)
    deploy = onset - timedelta(days=1, hours=3, minutes=10)
    day = onset.replace(hour=12, minute=0)
    release = Commit(A["omar"], deploy - timedelta(minutes=25), "Release 2026.11.9", [], tag="v2026.11.9")
    items = [*decoys(day - timedelta(days=1), "tostring", "runbook", "vetpage", "test"), release,
             *decoys(day + timedelta(days=1), "page10", "messages")]
    items[-2].when = onset - timedelta(hours=5)
    items[-1].when = onset - timedelta(hours=2)  # merged, not released
    case = Case("pc-traffic-surge", "petclinic", "traffic_surge", "zh", False, False, [], [],
                "No change is guilty: a scraper (many addresses, one user agent) multiplied owner search and owner "
                "page traffic by ~8x; the pool and Tomcat threads saturated and ordinary users timed out. The last "
                "release was the day before and the latest commits were not deployed.",
                {"zh": "宠物诊所页面大面积超时", "en": "Petclinic pages time out"}, "high", onset, "petclinic",
                {"zh": "14:10 左右开始，前台反映查询主人和预约页面很慢，很多请求报错；没有人在这段时间发布。",
                 "en": "From about 14:10 owner search and booking pages are slow or fail."},
                history(day, items), design())
    on = onset.timestamp()
    bots = [f"185.220.{i}.{(i * 37) % 250 + 3}" for i in range(60)]

    def shape(r: Request, rng: random.Random) -> None:
        if r.arrival >= on - 20 and r.route.name in ("search", "owner") and rng.random() < 0.86:
            r.client = rng.choice(bots)
            r.extra["bot"] = True
        if r.arrival >= on - 20:
            r.hold *= 1.0 + 11.0 * min(1.0, (r.arrival - on + 20) / 180)  # the database is CPU-bound under the load

    def runtime(ctx: Ctx) -> None:
        def rate(t):
            return 3.0 if t < on - 20 else 3.0 + 24.0 * min(1.0, (t - on + 20) / 180)

        def w(t, route):
            return route.weight * (9 if t >= on - 20 and route.name in ("search", "owner") else 1)
        sc = _scenario(case.id, onset, deploy, start, end, shape, rate=rate, weights=w, before="2026.11.9",
                       after="2026.11.9")
        run_runtime(case, out, sc, ctx, lambda log, r: None)
        # the scraper's user agent in the ingress log
        path = out / "runtime" / "ingress-access.log"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        bot_ips = set(bots)
        ua = '"Mozilla/5.0 (compatible; DataForSeoBot/1.0; +https://dataforseo.com/dataforseo-bot)"'
        fixed = []
        for line in lines:
            if line.split(" ", 1)[0] in bot_ips:
                head, rest = line.split('" "', 1)
                rest = rest.split('" ', 1)[1]
                line = f'{head}" {ua} {rest}'
            fixed.append(line)
        path.write_text("".join(fixed), encoding="utf-8")

    build_case(case, mirror, out, "v2026.11.9", runtime)
    return case


CASES = [npe_pet_edit, owner_search_scan, pool_config, vet_export_leak, reminder_rejection, visit_date_parse,
         traffic_surge]
