#!/usr/bin/env bash
# Validates the docker-compose stack without a Docker engine: the compose file (Debian's
# docker-compose 1.29 `config`), the Dockerfile against the launcher's build, the Prometheus
# config and alert rules, the Grafana provisioning and the dashboard JSON; and the secured variant
# (docker-compose.secured.yml over it): make-certs.sh is run into a temporary directory, its chain
# verified with openssl, and every file the override refers to checked against what it made.
# Prints each check; exits nonzero on the first failure. Installs what it needs with apt, only
# when missing: docker-compose, python3, python3-yaml, prometheus (for promtool), openssl; keytool
# comes with the JDK that builds pinwheel. The secured ACLs are compared with PinwheelAcls by
# ComposeAclsTest (mvn verify). Whether the dashboard's and
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
docker-compose -f docker-compose.yml -f docker-compose.secured.yml config -q
echo "ok   docker-compose.yml with docker-compose.secured.yml is a valid compose file"

command -v promtool >/dev/null 2>&1 || apt_install prometheus
echo "== $(promtool --version 2>&1 | head -1)"
promtool check rules deploy/prometheus/alerts.yml
# The compose stack mounts deploy/prometheus at /etc/prometheus: check the config as it is there.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
promtool_dir=$work
sed "s#/etc/prometheus/#$root/deploy/prometheus/#g" deploy/prometheus/prometheus.yml >"$promtool_dir/prometheus.yml"
promtool check config "$promtool_dir/prometheus.yml"
echo "ok   promtool check rules and check config pass"

echo "== secured stack: deploy/secured/make-certs.sh"
fail() { echo "FAIL $*" >&2; exit 1; }
command -v keytool >/dev/null 2>&1 || { echo "deploy/check.sh: keytool missing: install a JDK" >&2; exit 2; }
command -v openssl >/dev/null 2>&1 || apt_install openssl
gen="$work/generated"
start=$SECONDS
deploy/secured/make-certs.sh "$gen" >/dev/null || fail "make-certs.sh $gen"
echo "ok   make-certs.sh made its files in $((SECONDS - start)) s"
! deploy/secured/make-certs.sh "$gen" >/dev/null 2>&1 || fail "make-certs.sh overwrote an existing directory"
echo "ok   make-certs.sh refuses to overwrite what it made"
ks_pw=$(sed -n 's/^keystore.password=//p' "$gen/passwords.properties")
ca_pw=$(sed -n 's/^ca.password=//p' "$gen/passwords.properties")
[[ $(openssl x509 -in "$gen/ca.pem" -noout -ext basicConstraints) == *CA:TRUE* ]] || fail "ca.pem is no CA certificate"
openssl pkcs12 -in "$gen/ca.p12" -passin "pass:$ca_pw" -nokeys -out /dev/null || fail "ca.p12 does not open with ca.password"
echo "ok   ca.pem is a CA certificate; ca.p12 opens with ca.password"
openssl pkcs12 -in "$gen/kafka/broker.p12" -passin "pass:$ks_pw" -nokeys -clcerts -out "$work/broker.pem" \
  && openssl pkcs12 -in "$gen/kafka/broker.p12" -passin "pass:$ks_pw" -nocerts -nodes -out "$work/broker.key" \
  || fail "broker.p12 does not open with keystore.password"
for host in kafka localhost; do
  openssl verify -CAfile "$gen/ca.pem" -purpose sslserver -verify_hostname "$host" "$work/broker.pem" >/dev/null \
    || fail "the broker's certificate is no TLS server certificate for $host from ca.pem"
done
openssl verify -CAfile "$gen/ca.pem" -purpose sslclient "$work/broker.pem" >/dev/null \
  || fail "the broker's certificate is no TLS client certificate from ca.pem (it is its own client)"
[[ $(openssl x509 -in "$work/broker.pem" -noout -pubkey | openssl sha256) == $(openssl pkey -in "$work/broker.key" -pubout | openssl sha256) ]] \
  || fail "broker.p12's key does not match its certificate"
echo "ok   broker.p12 (keystore.password) holds a key and its certificate, valid for kafka and localhost, from ca.pem"
keytool -J-Duser.language=en -list -v -keystore "$gen/kafka/broker.p12" -storetype PKCS12 -storepass "$ks_pw" -alias broker >"$work/list.txt" \
  && grep -q '^Certificate chain length: 2' "$work/list.txt" || fail "keytool does not see the broker's chain of 2 in broker.p12"
echo "ok   keytool reads broker.p12: the broker's chain of 2 (certificate, CA)"
secured_config=$(docker-compose -f docker-compose.yml -f docker-compose.secured.yml config)

echo "== python checks ($("$py" -c 'import sys, yaml; print("python", sys.version.split()[0], "PyYAML", yaml.__version__)'))"
"$py" -m json.tool deploy/grafana/dashboards/pinwheel.json >/dev/null
echo "ok   deploy/grafana/dashboards/pinwheel.json parses (json.tool)"

SECURED_GENERATED="$gen" SECURED_CONFIG="$secured_config" "$py" - <<'PY'
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

# --- the secured variant: docker-compose.secured.yml over docker-compose.yml, and what
# deploy/secured/make-certs.sh made (in a temporary directory) for it
gen = os.environ["SECURED_GENERATED"]
sec = yaml.safe_load(os.environ["SECURED_CONFIG"])
ss = sec.get("services", {})

def read_props(path):
    """A .properties file as Java reads these plain ones (no continuation lines, no escapes)."""
    out = {}
    for n, line in enumerate(open(path), 1):
        l = line.strip()
        if not l or l.startswith("#"):
            continue
        ok = "=" in l and "\\" not in l and re.match(r"^[A-Za-z0-9._-]+=", l) is not None
        if not ok:
            check(False, f"{path}:{n} is a plain key=value line")
            continue
        k, v = l.split("=", 1)
        if k in out:
            check(False, f"{path}: {k} is set once")
        out[k] = v
    return out

def jaas(v):
    m = re.fullmatch(r'org\.apache\.kafka\.common\.security\.scram\.ScramLoginModule required '
                     r'username="([^"]+)" password="([^"]+)";', v or "")
    return m.groups() if m else (None, None)

for name in ["secrets", "kafka", "init", "publish-model", "pinwheel", "producer", "prometheus", "grafana"]:
    check(name in ss, f"secured: compose has service {name}")
dep = lambda s, on: (ss.get(s, {}).get("depends_on") or {}).get(on, {}).get("condition")
check(dep("kafka", "secrets") == "service_completed_successfully", "secured: kafka waits for the secrets job")
check(dep("init", "kafka") == "service_healthy", "secured: init waits for a healthy kafka")
# Where each service finds the generated files: a volume the secrets job fills from a part of
# make-certs.sh's directory, or that directory itself (bind-mounted read-only).
secrets_cmd = "\n".join(ss.get("secrets", {}).get("command", []))
vol_src = {}
for v in ss.get("secrets", {}).get("volumes", []):
    src, dst = v.split(":")[:2]
    m = re.search(r'copy "\$+in/(\w+)" ' + re.escape(dst) + r" ", secrets_cmd)
    if m:
        vol_src[src] = os.path.join(gen, m.group(1))
check(set(vol_src) == {"kafka-secured", "pinwheel-secured"},
      "secured: the secrets job fills kafka-secured and pinwheel-secured from generated/kafka and generated/pinwheel")
pw_uid = re.search(r"useradd --system --uid (\d+)", dockerfile)
check(pw_uid is not None and f'/out/pinwheel {pw_uid.group(1)}:{pw_uid.group(1)}' in secrets_cmd,
      "secured: pinwheel's files are owned by the pinwheel image's user (Dockerfile)")
check("/out/kafka appuser:appuser" in secrets_cmd, "secured: kafka's files are owned by the Kafka image's appuser")
where = {}  # service -> {container dir: local dir}
for sname, s in ss.items():
    for v in s.get("volumes", []) or []:
        src, dst = v.split(":")[:2]
        if src in vol_src:
            where.setdefault(sname, {})[dst] = vol_src[src]
        elif os.path.abspath(src) == os.path.abspath("deploy/secured"):
            where.setdefault(sname, {})[dst + "/generated"] = gen
            where[sname][dst + "/acls"] = "deploy/secured/acls"
for sname in ["pinwheel", "producer", "publish-model"]:
    check(where.get(sname, {}).get("/etc/pinwheel") == vol_src.get("pinwheel-secured")
          and not any(str(v).endswith(":/etc/pinwheel:ro") and v.startswith(("./", "/")) for v in ss[sname].get("volumes", [])),
          f"secured: {sname} has the secured pinwheel files at /etc/pinwheel, and only those")
def local(sname, path):
    for dst, src in sorted(where.get(sname, {}).items(), key=lambda e: -len(e[0])):
        if path == dst or path.startswith(dst + "/"):
            return src + path[len(dst):]
    return None
# Every file a secured service names must be among what make-certs.sh made (or committed).
named = 0
for sname, s in ss.items():
    texts = [json.dumps(s.get("command")), json.dumps(s.get("entrypoint")), json.dumps((s.get("healthcheck") or {}).get("test"))]
    for path in sorted(set(re.findall(r"(/(?:etc/pinwheel|etc/kafka/secured|pinwheel-secured)/[\w./-]+)", " ".join(texts)))):
        if sname == "secrets":
            continue
        lp = local(sname, path)
        check(lp is not None and os.path.exists(lp), f"secured: {sname}'s {path} is there, made by make-certs.sh or in deploy/secured ({lp})")
        named += 1
check(named >= 8, f"secured: the services name their generated files ({named})")
pc = ss.get("pinwheel", {}).get("command", [])
check("--config" in pc and local("pinwheel", pc[pc.index("--config") + 1]) is not None, "secured: serve reads its --config from the secured files")
prc = ss.get("producer", {}).get("command", [])
check("--client-config" in prc and prc[:1] == ["produce"], "secured: the producer logs in with --client-config")
check("--client-config" in "\n".join(ss.get("publish-model", {}).get("command", [])), "secured: publish-model logs in with --client-config")
kcmd = "\n".join(ss.get("kafka", {}).get("command", []))
check("kafka-storage.sh format" in kcmd and "--add-scram" in kcmd and "--ignore-formatted" in kcmd,
      "secured: kafka formats its storage with the broker's SCRAM credential (once)")
check("--command-config" in json.dumps(ss.get("kafka", {}).get("healthcheck", {}).get("test")),
      "secured: the kafka healthcheck logs in")
icmd = "\n".join(ss.get("init", {}).get("command", []))
for tool in ["kafka-topics.sh", "kafka-configs.sh", "kafka-acls.sh"]:
    check(tool in icmd and icmd.count("--command-config") >= 3, f"secured: init runs {tool} as the super user")
for t in ["pinwheel.frames", "pinwheel.features", "pinwheel.frames.dlq", "pinwheel.models"]:
    check(t in icmd and t in "\n".join(services["init"]["command"]), f"secured: init creates {t} as the open stack does")

# server.properties: SASL_SSL everywhere a client can reach, the authorizer, the super user
sp = read_props(os.path.join(gen, "kafka", "server.properties"))
check(not any("@" in v and re.search(r"@[A-Z_]+@", v) for v in sp.values()), "secured: server.properties has no placeholder left")
pmap = dict(e.split(":") for e in sp.get("listener.security.protocol.map", "").split(","))
lst = dict(re.match(r"(\w+)://(.*)", e).groups() for e in sp.get("listeners", "").split(","))
check(all(pmap.get(n) == "SASL_SSL" for n in lst if n != sp.get("controller.listener.names")) and len(lst) == 3,
      "secured: every client listener is SASL_SSL")
check(lst.get(sp.get("controller.listener.names", "?"), "").startswith("127.0.0.1:"), "secured: the controller listens on the loopback address only")
check(sp.get("advertised.listeners") == "INTERNAL://kafka:9092,EXTERNAL://localhost:29092"
      and any(p in ("29092:29092", {"published": 29092, "target": 29092}) for p in ss.get("kafka", {}).get("ports", [])),
      "secured: kafka advertises kafka:9092 and localhost:29092 (published)")
check(sp.get("sasl.enabled.mechanisms") == "SCRAM-SHA-512" and sp.get("sasl.mechanism.inter.broker.protocol") == "SCRAM-SHA-512",
      "secured: SCRAM-SHA-512 on the client listeners")
check(sp.get("authorizer.class.name") == "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
      and sp.get("super.users") == "User:broker" and sp.get("allow.everyone.if.no.acl.found") == "false",
      "secured: StandardAuthorizer, User:broker the only super user, nothing allowed without an ACL")
broker_pw = open(os.path.join(gen, "kafka", "broker.password")).read().strip()
for n in ["internal", "external"]:
    check(jaas(sp.get(f"listener.name.{n}.scram-sha-512.sasl.jaas.config")) == ("broker", broker_pw),
          f"secured: the {n} listener's JAAS login is the broker with broker.password")
for k in ["ssl.keystore.location", "ssl.truststore.location"]:
    lp = local("kafka", sp.get(k, "?"))
    check(lp is not None and os.path.isfile(lp), f"secured: server.properties {k} is mounted in kafka")
passwords = read_props(os.path.join(gen, "passwords.properties"))
check(sp.get("ssl.keystore.password") == passwords.get("keystore.password"), "secured: the keystore password is keystore.password")

# client settings: every file a client reads logs in as a user with the password init gives it
users = dict(l.split() for l in open(os.path.join(gen, "admin", "users")) if l.strip())
users["broker"] = broker_pw
check(all(passwords.get("user." + u) == p for u, p in users.items()), "secured: admin/users and broker.password agree with passwords.properties")
clients = {  # file -> (service that reads it, or None for the host; user)
    "kafka/admin.properties": ("kafka", "broker"), "admin/admin.properties": ("init", "broker"),
    "pinwheel/pinwheel.properties": ("pinwheel", "pinwheel-serve"),
    "pinwheel/produce.properties": ("producer", "pinwheel-produce"),
    "pinwheel/publish-model.properties": ("publish-model", "pinwheel-publish-model"),
    "host/produce.properties": (None, "pinwheel-produce"), "host/consume.properties": (None, "pinwheel-consume"),
    "host/publish-model.properties": (None, "pinwheel-publish-model"), "host/admin.properties": (None, "broker"),
}
for f, (sname, user) in clients.items():
    c = read_props(os.path.join(gen, f))
    trust = c.get("ssl.truststore.location", "?")
    lp = trust if sname is None else local(sname, trust)
    ok = (c.get("security.protocol") == "SASL_SSL" and c.get("sasl.mechanism") == "SCRAM-SHA-512"
          and jaas(c.get("sasl.jaas.config")) == (user, users.get(user)) and c.get("ssl.truststore.type") == "PEM"
          and lp is not None and os.path.isfile(lp) and open(lp).read() == open(os.path.join(gen, "ca.pem")).read())
    check(ok, f"secured: {f} logs in as {user} over SASL_SSL, trusting ca.pem where {sname or 'the host'} finds it")
    want = {"kafka": "localhost:9092", None: "localhost:29092"}.get(sname, "kafka:9092")
    check(c.get("bootstrap.servers") == want, f"secured: {f} connects to {want}")
serve = read_props(os.path.join(gen, "pinwheel", "pinwheel.properties"))
check(all(serve.get(k) == v for k, v in props.items()),
      "secured: serve's settings are deploy/pinwheel/pinwheel.properties plus the login")
acl_users = {l.split()[0] for l in open("deploy/secured/acls") if l.strip() and not l.startswith("#")}
check(acl_users == set(users) - {"broker"}, "secured: init creates a SCRAM user for each user of deploy/secured/acls, and no other")

# secrets stay out of git and out of the image's build context
ignored = [l.strip() for l in open(".gitignore")]
check("/deploy/secured/generated/" in ignored, ".gitignore has /deploy/secured/generated/")
check(any(l.rstrip("/") == "deploy/secured/generated" for l in ignore), ".dockerignore has deploy/secured/generated/ (Dockerfile: COPY . .)")
readme = open("README.md").read()
check("docker-compose.secured.yml" in readme and "deploy/secured/make-certs.sh" in readme,
      "README says how to run the secured stack")

if failures:
    print(f"deploy/check.sh: {len(failures)} check(s) failed", file=sys.stderr)
    sys.exit(1)
PY

echo "deploy/check.sh: all checks passed"
