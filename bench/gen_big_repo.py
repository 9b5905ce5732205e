"""Generate a large DDD-style Java repository with many commits: `python bench/gen_big_repo.py OUT [--contexts N]`.

Each bounded context gets an aggregate root, entities, a value object, a repository, an application
service, a controller and filler classes; commits touch random files so the history is long too.
"""

from __future__ import annotations

import argparse
import random
import subprocess
from pathlib import Path

BASE = "src/main/java/com/bench/shop"


def _files(ctx: str, i: int, fillers: int) -> dict[str, str]:
    pkg = f"com.bench.shop.{ctx}"
    root = f"{BASE}/{ctx}"
    agg = f"{ctx.capitalize()}Item"
    out = {
        f"{root}/domain/model/{agg}.java": f"""package {pkg}.domain.model;

import jakarta.persistence.*;
import java.util.List;

@Entity
@Table(name = "{ctx}_item")
public class {agg} {{
    @Id private Long id;
    private List<{agg}Line> lines;
    private {agg}Code code;
    public void change(int n) {{ lines.forEach(l -> l.touch(n)); }}
}}
""",
        f"{root}/domain/model/{agg}Line.java": f"package {pkg}.domain.model;\n\n@jakarta.persistence.Entity\n"
                                               f"public class {agg}Line {{\n    public void touch(int n) {{ }}\n}}\n",
        f"{root}/domain/model/{agg}Code.java": f"package {pkg}.domain.model;\n\n"
                                               f"public record {agg}Code(String value) {{}}\n",
        f"{root}/domain/repository/{agg}Repository.java": f"""package {pkg}.domain.repository;

import {pkg}.domain.model.{agg};
import org.springframework.data.jpa.repository.JpaRepository;

public interface {agg}Repository extends JpaRepository<{agg}, Long> {{
    {agg} findByCode(String code);
}}
""",
        f"{root}/application/{ctx.capitalize()}Service.java": f"""package {pkg}.application;

import {pkg}.domain.repository.{agg}Repository;
import org.springframework.stereotype.Service;

@Service
public class {ctx.capitalize()}Service {{
    private final {agg}Repository repository;
    public {ctx.capitalize()}Service({agg}Repository repository) {{ this.repository = repository; }}
    public void apply(String code, int n) {{ repository.findByCode(code).change(n); }}
}}
""",
        f"{root}/interfaces/rest/{ctx.capitalize()}Controller.java": f"""package {pkg}.interfaces.rest;

import {pkg}.application.{ctx.capitalize()}Service;
import org.springframework.web.bind.annotation.*;

@RestController
@RequestMapping("/api/{ctx}")
public class {ctx.capitalize()}Controller {{
    private final {ctx.capitalize()}Service service;
    public {ctx.capitalize()}Controller({ctx.capitalize()}Service service) {{ this.service = service; }}
    @PostMapping("/{{code}}")
    public void post(@PathVariable String code) {{ service.apply(code, 1); }}
    @GetMapping("/{{code}}")
    public String get(@PathVariable String code) {{ return code; }}
}}
""",
    }
    for j in range(fillers):
        out[f"{root}/application/support/Helper{j}.java"] = (
            f"package {pkg}.application.support;\n\npublic class Helper{j} {{\n"
            + "".join(f"    public int m{k}(int x) {{ return x + {k}; }}\n" for k in range(5)) + "}\n")
    return out


def generate(out: Path, contexts: int = 300, fillers: int = 10, commits: int = 2000, seed: int = 7) -> Path:
    """Write the repository (one initial commit, then `commits` small ones) and return its path."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    env = ["-c", "user.name=Bench", "-c", "user.email=bench@example.com"]
    files: dict[str, str] = {}
    for i in range(contexts):
        files.update(_files(f"ctx{i}", i, fillers))
    for path, text in files.items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_text(text, encoding="utf-8")
    subprocess.run(["git", "-C", str(out), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(out), *env, "commit", "-qm", "Initial"], check=True)
    # Commits through fast-import: thousands of commits in seconds.
    paths = sorted(files)
    lines = []
    for n in range(commits):
        path = rng.choice(paths)
        body = files[path] + f"// change {n}\n"
        files[path] = body
        data = body.encode()
        msg = f"Change {n}".encode()
        lines.append(b"commit refs/heads/main\n"
                     + f"author Dev{n % 40} <dev{n % 40}@example.com> {1700000000 + n * 60} +0000\n".encode()
                     + f"committer Dev <dev@example.com> {1700000000 + n * 60} +0000\n".encode()
                     + b"data %d\n%s\n" % (len(msg), msg) + (b"from refs/heads/main^0\n" if n == 0 else b"")
                     + f"M 100644 inline {path}\n".encode() + b"data %d\n%s\n" % (len(data), data))
    subprocess.run(["git", "-C", str(out), "fast-import", "--quiet"], input=b"".join(lines), check=True)
    subprocess.run(["git", "-C", str(out), "reset", "-q", "--hard", "main"], check=True)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--contexts", type=int, default=300)
    parser.add_argument("--fillers", type=int, default=10)
    parser.add_argument("--commits", type=int, default=2000)
    args = parser.parse_args()
    print(generate(args.out, args.contexts, args.fillers, args.commits))
