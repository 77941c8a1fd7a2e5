#!/usr/bin/env bash
# Validates the docker-compose stack without a Docker engine: the compose file (Debian's
# docker-compose 1.29 `config`), the Dockerfile against the launcher's build, the Prometheus
# config and alert rules, the Grafana provisioning and the dashboard JSON. Prints each check;
# exits nonzero on the first failure. Installs what it needs with apt, only when missing:
# docker-compose, python3, python3-yaml, prometheus (for promtool). Whether the dashboard's and
# alerts' metric names are really exported is checked against a live scrape by DeploymentIT, and
# every expression is evaluated by a real Prometheus against a running serve by OperationsIT
# (mvn verify).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$root"
export DEBIAN_FRONTEND=noninteractive

apt_updated=
apt_install() {
  if [[ $(id -u) -ne 0 ]]; then
    echo "deploy/check.sh: missing $*; install it (apt-get install $*) or run as root" >&2
    exit 2
  fi
  if [[ -z "$apt_updated" ]]; then
    apt-get update -q >/dev/null
    apt_updated=1
  fi
  apt-get install -y -q --no-install-recommends "$@" >/dev/null
}

command -v docker-compose >/dev/null 2>&1 || apt_install docker-compose
py=
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c 'import yaml' >/dev/null 2>&1; then
    py=$candidate
    break
  fi
done
if [[ -z "$py" ]]; then
  apt_install python3 python3-yaml
  py=/usr/bin/python3
fi

echo "== docker-compose $(docker-compose version --short 2>/dev/null || echo '?') config -q"
# No engine is contacted: config only interpolates and validates against the schema.
docker-compose -f docker-compose.yml config -q
echo "ok   docker-compose.yml is a valid compose file"

command -v promtool >/dev/null 2>&1 || apt_install prometheus
echo "== $(promtool --version 2>&1 | head -1)"
promtool check rules deploy/prometheus/alerts.yml
# The compose stack mounts deploy/prometheus at /etc/prometheus: check the config as it is there.
promtool_dir=$(mktemp -d)
trap 'rm -rf "$promtool_dir"' EXIT
sed "s#/etc/prometheus/#$root/deploy/prometheus/#g" deploy/prometheus/prometheus.yml >"$promtool_dir/prometheus.yml"
promtool check config "$promtool_dir/prometheus.yml"
echo "ok   promtool check rules and check config pass"

echo "== python checks ($("$py" -c 'import sys, yaml; print("python", sys.version.split()[0], "PyYAML", yaml.__version__)'))"
"$py" -m json.tool deploy/grafana/dashboards/pinwheel.json >/dev/null
echo "ok   deploy/grafana/dashboards/pinwheel.json parses (json.tool)"

"$py" - <<'PY'
import json, os, re, sys
import yaml

failures = []

def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)

def load_yaml(path):
    with open(path) as f:
        doc = yaml.safe_load(f)
    check(isinstance(doc, dict), f"{path} parses as a YAML mapping")
    return doc if isinstance(doc, dict) else {}

# --- compose: the services and their wiring
compose = load_yaml("docker-compose.yml")
services = compose.get("services", {})
for name in ["kafka", "init", "publish-model", "pinwheel", "producer", "prometheus", "grafana"]:
    check(name in services, f"compose has service {name}")
pw = services.get("pinwheel", {})
check("container_name" not in pw and "ports" not in pw,
      "pinwheel has no container_name and no host ports (so --scale pinwheel=N works)")
check(str(services.get("kafka", {}).get("image", "")).startswith("apache/kafka:"),
      "kafka uses the official apache/kafka image")
kenv = services.get("kafka", {}).get("environment", {})
check("broker" in str(kenv.get("KAFKA_PROCESS_ROLES", "")) and "controller" in str(kenv.get("KAFKA_PROCESS_ROLES", "")),
      "kafka runs KRaft (broker,controller in one node)")
check("//kafka:9092" in str(kenv.get("KAFKA_ADVERTISED_LISTENERS", "")),
      "kafka advertises kafka:9092 on the compose network")
built = [s for s in services.values() if "build" in s]
check(len(built) >= 1 and all(s.get("image") == pw.get("image") for s in built),
      "the pinwheel image is built from the repo's Dockerfile and used by the pinwheel service")
for n in ["publish-model", "producer"]:
    check(services.get(n, {}).get("image") == pw.get("image"), f"{n} runs the pinwheel image")
dep = pw.get("depends_on", {})
check(isinstance(dep, dict) and any(v.get("condition") == "service_completed_successfully" for v in dep.values()),
      "pinwheel waits for the one-shot init jobs to complete")
prod_cmd = services.get("producer", {}).get("command", [])
check(isinstance(prod_cmd, list) and prod_cmd[:1] == ["produce"] and "--loop" in prod_cmd
      and "/opt/pinwheel/samples/images" in prod_cmd, "producer runs `produce ... samples/images --loop`")
mounts = {}
for sname, s in services.items():
    for v in s.get("volumes", []) or []:
        if isinstance(v, str) and v.startswith("./"):
            src, dst = v.split(":")[:2]
            mounts[(sname, dst)] = src
            check(os.path.exists(src), f"{sname}: bind-mounted {src} exists")
props_dir = mounts.get(("pinwheel", "/etc/pinwheel"))
check(props_dir is not None and os.path.isfile(os.path.join(props_dir, "pinwheel.properties")),
      "pinwheel mounts deploy/pinwheel with pinwheel.properties at /etc/pinwheel")
props = {}
for line in open("deploy/pinwheel/pinwheel.properties"):
    line = line.strip()
    if line and not line.startswith("#") and "=" in line:
        k, v = line.split("=", 1)
        props[k.strip()] = v.strip()
check(props.get("bootstrap.servers") == "kafka:9092", "pinwheel.properties points at kafka:9092")
check(all(not k.startswith("pinwheel.") or k in {
          "pinwheel.topic.frames", "pinwheel.topic.features", "pinwheel.topic.dead-letter",
          "pinwheel.topic.models", "pinwheel.models.dir", "pinwheel.models.dir.poll-interval-ms",
          "pinwheel.feature.format", "pinwheel.decoder.max-pixels", "pinwheel.decoder.max-bytes"}
          for k in props), "pinwheel.properties has no unknown pinwheel.* keys")

# --- Dockerfile: the launcher's build, its artifacts
dockerfile = open("Dockerfile").read()
launcher = open("pinwheel").read()
check("-Dmaven.test.skip=true package" in launcher and "-Dmaven.test.skip=true package" in dockerfile,
      "Dockerfile runs the launcher's `mvn -Dmaven.test.skip=true package`")
check("FROM --platform=linux/amd64 maven:3.9-eclipse-temurin-17 AS build" in dockerfile
      or re.search(r"^FROM\s+(--platform=\S+\s+)?maven:3\.9-eclipse-temurin-17\s+AS\s+build", dockerfile, re.M) is not None,
      "Dockerfile builds in maven:3.9-eclipse-temurin-17")
check(re.search(r"^FROM\s+(--platform=\S+\s+)?eclipse-temurin:17-jre\s*$", dockerfile, re.M) is not None,
      "Dockerfile runs on eclipse-temurin:17-jre")
for art in ["cli/target/pinwheel.jar", "cli/target/lib/"]:
    check(art in dockerfile and art.rstrip("/").split("/")[-1] in launcher, f"Dockerfile copies {art}, what ./pinwheel runs")
check(re.search(r"^USER\s+(?!root|0)\S+", dockerfile, re.M) is not None, "Dockerfile runs as a non-root user")
check(re.search(r"^HEALTHCHECK\b.*?/health", dockerfile, re.M | re.S) is not None, "Dockerfile has a HEALTHCHECK on /health")
check('"/opt/pinwheel/pinwheel.jar"' in dockerfile and re.search(r'^ENTRYPOINT \["java"', dockerfile, re.M) is not None,
      "Dockerfile ENTRYPOINT is java -jar /opt/pinwheel/pinwheel.jar")
ignore = [l.strip() for l in open(".dockerignore") if l.strip() and not l.startswith("#")]
check(any("target" in l for l in ignore) and ".git/" in ignore, ".dockerignore excludes target/ and .git/")
for path in ["samples/images", "deploy/pinwheel/pinwheel.properties", ".mvn/jvm.config"]:
    check(os.path.exists(path) and not any(path.startswith(l.rstrip("/")) for l in ignore),
          f"{path} exists and is in the build context")

# --- Prometheus
prom = load_yaml("deploy/prometheus/prometheus.yml")
jobs = {j.get("job_name"): j for j in prom.get("scrape_configs", [])}
pj = jobs.get("pinwheel", {})
sd = pj.get("dns_sd_configs", [])
check(any(("pinwheel" in d.get("names", []) or "tasks.pinwheel" in d.get("names", []))
          and d.get("port") == 9464 for d in sd),
      "prometheus job pinwheel discovers every replica by DNS (pinwheel:9464)")
check(pj.get("metrics_path", "/metrics") == "/metrics", "prometheus scrapes /metrics")
prom_mount = mounts.get(("prometheus", "/etc/prometheus"))
exprs_alerts = []
for rf in prom.get("rule_files", []):
    local = rf.replace("/etc/prometheus", prom_mount or "deploy/prometheus", 1)
    check(os.path.isfile(local), f"rule file {rf} exists as {local}")
    if os.path.isfile(local):
        rules = load_yaml(local)
        for g in rules.get("groups", []):
            for r in g.get("rules", []):
                check(bool(r.get("alert") or r.get("record")) and bool(str(r.get("expr", "")).strip()),
                      f"rule {r.get('alert') or r.get('record')} has a name and an expr")
                exprs_alerts.append(str(r["expr"]))

# --- Grafana provisioning and dashboard
ds = load_yaml("deploy/grafana/provisioning/datasources/prometheus.yml")
uids = {d.get("uid") for d in ds.get("datasources", []) if d.get("type") == "prometheus"}
check(any(d.get("url") == "http://prometheus:9090" for d in ds.get("datasources", [])),
      "grafana datasource points at http://prometheus:9090")
prov = load_yaml("deploy/grafana/provisioning/dashboards/pinwheel.yml")
paths = [p.get("options", {}).get("path") for p in prov.get("providers", [])]
dash_mount = [dst for (s, dst), src in mounts.items() if s == "grafana" and src.rstrip("/") == "./deploy/grafana/dashboards"]
check(bool(dash_mount) and dash_mount[0] in paths, "grafana dashboard provider reads the mounted deploy/grafana/dashboards")
check(mounts.get(("grafana", "/etc/grafana/provisioning")) is not None, "grafana mounts deploy/grafana/provisioning")

dash = json.load(open("deploy/grafana/dashboards/pinwheel.json"))
panels = []
def walk(ps):
    for p in ps:
        panels.append(p)
        walk(p.get("panels", []))
walk(dash.get("panels", []))
ids = [p.get("id") for p in panels]
check(len(ids) == len(set(ids)), "dashboard panel ids are unique")
check(bool(dash.get("uid")) and bool(dash.get("title")), "dashboard has a uid and a title")
exprs = []
for p in panels:
    if p.get("type") == "row":
        continue
    t = p.get("targets", [])
    ok = bool(t) and all(str(x.get("expr", "")).strip() for x in t)
    check(ok, f"panel '{p.get('title')}' has PromQL targets")
    for x in t:
        exprs.append(x.get("expr", ""))
        dsu = (x.get("datasource") or p.get("datasource") or {}).get("uid")
        if dsu not in uids:
            check(False, f"panel '{p.get('title')}' uses provisioned datasource uid (got {dsu})")
titles = " ".join(p.get("title", "") for p in panels).lower()
for want in ["frames per second", "dead letter", "latency", "encode", "lag", "model version", "heap", "off-heap"]:
    check(want in titles, f"dashboard has a panel about '{want}'")
def balanced(e):
    stack, pairs = [], {")": "(", "]": "[", "}": "{"}
    e = re.sub(r'"(?:[^"\\]|\\.)*"', '""', e)
    for c in e:
        if c in "([{":
            stack.append(c)
        elif c in pairs:
            if not stack or stack.pop() != pairs[c]:
                return False
    return not stack
for e in exprs + exprs_alerts:
    if not balanced(e):
        check(False, f"brackets balance in PromQL: {e}")
check(True, f"brackets balance in all {len(exprs)} dashboard and {len(exprs_alerts)} alert expressions")

if failures:
    print(f"deploy/check.sh: {len(failures)} check(s) failed", file=sys.stderr)
    sys.exit(1)
PY

echo "deploy/check.sh: all checks passed"
