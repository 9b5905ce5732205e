"""Shared fixtures: an isolated data directory, a real Git repo and a small incident bundle built per test."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import git
import pytest

from core.config import Settings, load_settings
from core.store import Store

ZONE = timezone(timedelta(hours=8))
START = datetime(2026, 11, 20, 14, 0, tzinfo=ZONE)

SERVICE_V1 = """\
package com.acme.shop.stock.application;

import com.acme.shop.stock.domain.StockRepository;

public class StockService {
    private final StockRepository repository;

    public StockService(StockRepository repository) {
        this.repository = repository;
    }

    public void reserve(String sku, int qty) {
        var item = repository.findBySku(sku);
        item.decrease(qty);
        repository.save(item);
    }
}
"""

CONTROLLER_V1 = """\
package com.acme.shop.order.interfaces;

import com.acme.shop.stock.application.StockService;

public class OrderController {
    private final StockService stock;

    public OrderController(StockService stock) {
        this.stock = stock;
    }

    public String create(String sku) {
        stock.reserve(sku, 1);
        return "ok";
    }
}
"""


@dataclass
class MiniBundle:
    """A tiny but real incident: the bug commit, a closer distractor commit, a commit after the start."""

    root: Path
    bug_sha: str
    distractor_sha: str
    later_sha: str
    bug_line: int
    controller_line: int


def _commit(repo: git.Repo, files: dict[str, str], message: str, when: datetime, author: str) -> str:
    root = Path(repo.working_tree_dir or ".")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        repo.index.add([rel])
    actor = git.Actor(author, f"{author.lower().replace(' ', '.')}@acme.test")
    return repo.index.commit(message, author=actor, committer=actor, author_date=when, commit_date=when).hexsha


def build_mini_bundle(root: Path, *, with_repo: bool = True, errors: int = 40) -> MiniBundle:
    root.mkdir(parents=True, exist_ok=True)
    (root / "incident.yaml").write_text(textwrap.dedent(f"""\
        title: {{en: "Checkout fails", zh: "下单失败"}}
        severity: high
        started_at: "{START.isoformat()}"
        service: order-service
        description: {{en: "Orders fail with 500", zh: "下单接口返回 500"}}
        language: en
    """), encoding="utf-8")
    (root / "design").mkdir()
    (root / "design" / "CODEOWNERS").write_text(
        "# owners\n*  @acme/platform-team\n/src/main/java/com/acme/shop/stock/ @acme/stock-team\n"
        "/src/main/java/com/acme/shop/order/ @acme/order-team\n", encoding="utf-8")
    bug_sha = distractor_sha = later_sha = ""
    if with_repo:
        repo = git.Repo.init(root / "repo", initial_branch="main")
        with repo.config_writer() as cfg:
            cfg.set_value("user", "name", "Fixture").set_value("user", "email", "fixture@acme.test")
        svc = "src/main/java/com/acme/shop/stock/application/StockService.java"
        ctl = "src/main/java/com/acme/shop/order/interfaces/OrderController.java"
        _commit(repo, {svc: SERVICE_V1, ctl: CONTROLLER_V1, "README.md": "# shop\n"}, "Initial shop",
                START - timedelta(days=20), "Ann Lee")
        _commit(repo, {"README.md": "# shop\n\nDocs.\n"}, "Document the shop", START - timedelta(days=5), "Bo Chen")
        buggy = SERVICE_V1.replace("var item = repository.findBySku(sku);",
                                   "var item = repository.findBySkuForUpdate(sku);")
        bug_sha = _commit(repo, {svc: buggy}, "Lock stock rows while reserving", START - timedelta(hours=2), "Cai Wu")
        # An annotated tag carries its own date: make it the release time, not the test's run time.
        repo.git.tag("-a", "v1.2.0", "-m", "release 1.2.0",
                     env={"GIT_COMMITTER_DATE": (START - timedelta(hours=1, minutes=45)).isoformat()})
        noisy = CONTROLLER_V1.replace('return "ok";', 'return "created";')
        distractor_sha = _commit(repo, {ctl: noisy}, "Say created", START - timedelta(minutes=30), "Dan Ma")
        later_sha = _commit(repo, {svc: buggy + "// hotfix pending\n"}, "Hotfix attempt",
                            START + timedelta(minutes=20), "Cai Wu")
    bug_line = SERVICE_V1.splitlines().index("        var item = repository.findBySku(sku);") + 1
    controller_line = CONTROLLER_V1.splitlines().index("        stock.reserve(sku, 1);") + 1
    lines = []
    t = START - timedelta(hours=3)
    n = 0
    while t < START + timedelta(minutes=30):
        stamp = t.strftime("%Y-%m-%d %H:%M:%S.000")
        lines.append(f"{stamp} WARN [main] [] c.a.s.config.ConfigClient - "
                     f"Config refresh failed, using cached value v{n % 7}")
        lines.append(f"{stamp} INFO [http-nio-8080-exec-{n % 9}] [] c.a.s.order.interfaces.OrderController - "
                     f"Order {1000 + n} placed")
        if t >= START - timedelta(minutes=90) and n % 2 == 0 and errors > 0:
            errors -= 1
            lines += [
                f"{stamp} ERROR [http-nio-8080-exec-{n % 9}] [{n:032x}] "
                "c.a.s.order.interfaces.OrderController - Order failed",
                "org.springframework.dao.CannotAcquireLockException: could not execute statement",
                "\tat org.springframework.orm.jpa.vendor.HibernateJpaDialect.convert(HibernateJpaDialect.java:262)",
                f"\tat com.acme.shop.stock.application.StockService.reserve(StockService.java:{bug_line})",
                f"\tat com.acme.shop.order.interfaces.OrderController.create(OrderController.java:{controller_line})",
                "Caused by: java.sql.SQLTransactionRollbackException: "
                "Lock wait timeout exceeded; try restarting transaction",
                "\tat com.mysql.cj.jdbc.exceptions.SQLError.createSQLException(SQLError.java:123)",
                "\t... 42 more",
            ]
        n += 1
        t += timedelta(minutes=1)
    (root / "runtime").mkdir()
    (root / "runtime" / "app.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return MiniBundle(root, bug_sha, distractor_sha, later_sha, bug_line, controller_line)


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings with a private data directory and no LLM key, whatever the machine's environment."""
    for name in ("LLM_API_KEY", "LLM_BASE_URL", "LLM_MODEL", "NEO4J_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRIBUNAL_HOME", str(tmp_path / "home"))
    return load_settings(secrets_path=tmp_path / "no-secrets.toml")


@pytest.fixture
def store(settings: Settings) -> Store:
    s = Store(settings.db_path)
    yield s  # type: ignore[misc]
    s.close()


@pytest.fixture
def mini_bundle(tmp_path: Path) -> MiniBundle:
    return build_mini_bundle(tmp_path / "bundle")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "live: needs a real LLM endpoint (LLM_API_KEY); skipped otherwise")
    config.addinivalue_line("markers", "neo4j: needs a Neo4j server (NEO4J_URI); skipped otherwise")
    config.addinivalue_line("markers", "browser: drives headless Chromium")
    # DuckDB's DataFrame export still passes pandas' deprecated `inplace`; not ours to fix.
    config.addinivalue_line("filterwarnings", "ignore:The inplace keyword:DeprecationWarning")
    config.addinivalue_line("filterwarnings", "ignore::pandas.errors.Pandas4Warning")
