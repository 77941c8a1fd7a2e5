#!/usr/bin/env bash
# Makes the TLS material and passwords of the secured compose stack (docker-compose.secured.yml):
# run it once before `docker compose -f docker-compose.yml -f docker-compose.secured.yml up`.
#
#   deploy/secured/make-certs.sh [DIR]      # DIR: deploy/secured/generated (git-ignored) by default
#
# Needs keytool (any JDK; the one that builds pinwheel) and bash; no openssl. Refuses to overwrite
# an existing DIR: to make new ones, `docker compose ... down`, delete DIR and run it again (the
# broker's own password is written into its metadata log when it is first formatted).
#
# DIR, every file owner-only (the compose stack's `secrets` job copies each part into a volume
# owned by the user of the container that reads it):
#   ca.pem                 the CA certificate: what every client trusts (ssl.truststore.type=PEM)
#   ca.p12                 the CA's key (PKCS12, password in passwords.properties), to issue more
#   passwords.properties   every password: the CA's, the broker keystore's, each user's
#   kafka/                 the broker's: broker.p12 (key and chain: CN=broker, DNS kafka and
#                          localhost, EC P-256, 825 days), ca.pem, server.properties (from
#                          deploy/secured/server.properties), broker.password, admin.properties
#   pinwheel/              the pinwheel containers': pinwheel.properties (serve: the stack's
#                          deploy/pinwheel/pinwheel.properties plus the login of pinwheel-serve),
#                          produce.properties, publish-model.properties (--client-config), ca.pem
#   admin/                 the init job's: admin.properties (the broker's super user) and users
#                          (USER PASSWORD lines for kafka-configs.sh)
#   host/                  for clients on the host (localhost:29092): produce, consume,
#                          publish-model and admin .properties, trusting DIR/ca.pem by absolute path
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$here/../.." && pwd -P)"
out="${1:-$here/generated}"
command -v keytool >/dev/null 2>&1 || {
  echo "make-certs.sh: keytool not found: install a JDK (apt-get install openjdk-17-jdk-headless)" >&2
  exit 2
}
if [[ -e "$out" ]] && [[ -n "$(ls -A "$out" 2>/dev/null)" ]]; then
  echo "make-certs.sh: $out exists and is not empty; delete it to make new certificates and passwords" >&2
  echo "make-certs.sh: (after \`docker compose -f docker-compose.yml -f docker-compose.secured.yml down\`)" >&2
  exit 1
fi
umask 077
mkdir -p "$out"/{kafka,pinwheel,admin,host}
out="$(cd "$out" && pwd -P)"

# 144 random bits as 36 hex digits: safe in JAAS, SCRAM and properties syntax.
password() { od -An -tx1 -N18 /dev/urandom | tr -d ' \n'; }
ca_pw=$(password)
ks_pw=$(password)
broker_pw=$(password)
roles=(serve produce consume publish-model)
declare -A user_pw
for r in "${roles[@]}"; do user_pw[$r]=$(password); done

# --- certificates: a CA, and the broker's key pair with a certificate from it
kt() {
  local o
  # A short-lived JVM: the serial collector and the first compiler tier start it fastest.
  if ! o=$(keytool -J-Duser.language=en -J-XX:+UseSerialGC -J-XX:TieredStopAtLevel=1 "$@" 2>&1); then
    echo "make-certs.sh: keytool $1 failed: $o" >&2
    exit 1
  fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
kt -genkeypair -keystore "$out/ca.p12" -storetype PKCS12 -storepass "$ca_pw" -alias ca \
  -dname "CN=pinwheel compose CA" -keyalg EC -groupname secp256r1 -validity 825 \
  -ext bc:c=ca:true,pathlen:0 -ext ku:c=keyCertSign,cRLSign
kt -exportcert -rfc -keystore "$out/ca.p12" -storepass "$ca_pw" -alias ca -file "$out/ca.pem"
ks="$out/kafka/broker.p12"
kt -genkeypair -keystore "$ks" -storetype PKCS12 -storepass "$ks_pw" -alias broker \
  -dname "CN=broker" -keyalg EC -groupname secp256r1 -validity 825
kt -certreq -keystore "$ks" -storepass "$ks_pw" -alias broker -file "$tmp/broker.csr"
kt -gencert -keystore "$out/ca.p12" -storepass "$ca_pw" -alias ca -infile "$tmp/broker.csr" \
  -outfile "$tmp/broker.pem" -rfc -validity 825 -ext san=dns:kafka,dns:localhost \
  -ext ku:c=digitalSignature -ext eku=serverAuth,clientAuth
# The reply is accepted once its issuer is trusted in the keystore; the chain then stays.
kt -importcert -noprompt -keystore "$ks" -storepass "$ks_pw" -alias ca -file "$out/ca.pem"
kt -importcert -noprompt -keystore "$ks" -storepass "$ks_pw" -alias broker -file "$tmp/broker.pem"
kt -delete -keystore "$ks" -storepass "$ks_pw" -alias ca
cp "$out/ca.pem" "$out/kafka/ca.pem"
cp "$out/ca.pem" "$out/pinwheel/ca.pem"

# --- passwords and settings
{
  echo "# passwords of the secured compose stack; made by deploy/secured/make-certs.sh"
  echo "ca.password=$ca_pw"
  echo "keystore.password=$ks_pw"
  echo "user.broker=$broker_pw"
  for r in "${roles[@]}"; do echo "user.pinwheel-$r=${user_pw[$r]}"; done
} >"$out/passwords.properties"

sed -e "s/@BROKER_PASSWORD@/$broker_pw/g" -e "s/@KEYSTORE_PASSWORD@/$ks_pw/g" \
  "$here/server.properties" >"$out/kafka/server.properties"
printf '%s\n' "$broker_pw" >"$out/kafka/broker.password"

# client FILE BOOTSTRAP USER PASSWORD CA [COMMENT]: the settings of a SCRAM login over TLS.
client() {
  {
    [[ -n "${6:-}" ]] && echo "# $6"
    echo "bootstrap.servers=$2"
    echo "security.protocol=SASL_SSL"
    echo "sasl.mechanism=SCRAM-SHA-512"
    echo "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"$3\" password=\"$4\";"
    echo "ssl.truststore.type=PEM"
    echo "ssl.truststore.location=$5"
  } >"$1"
}
client "$out/kafka/admin.properties" localhost:9092 broker "$broker_pw" /etc/kafka/secured/ca.pem \
  "the broker's super user, for the healthcheck"
client "$out/admin/admin.properties" kafka:9092 broker "$broker_pw" /pinwheel-secured/generated/ca.pem \
  "the broker's super user, for the init job"
for r in "${roles[@]}"; do
  printf 'pinwheel-%s %s\n' "$r" "${user_pw[$r]}" >>"$out/admin/users"
done
{
  echo "# pinwheel serve in the secured compose stack: deploy/pinwheel/pinwheel.properties, then the"
  echo "# login of pinwheel-serve (made by deploy/secured/make-certs.sh)."
  grep -v '^[[:space:]]*#' "$root/deploy/pinwheel/pinwheel.properties" | grep -v '^[[:space:]]*$'
} >"$out/pinwheel/pinwheel.properties"
client "$tmp/serve" kafka:9092 pinwheel-serve "${user_pw[serve]}" /etc/pinwheel/ca.pem
grep -v '^bootstrap.servers=' "$tmp/serve" >>"$out/pinwheel/pinwheel.properties"
for r in produce publish-model; do
  client "$out/pinwheel/$r.properties" kafka:9092 "pinwheel-$r" "${user_pw[$r]}" /etc/pinwheel/ca.pem \
    "pinwheel $r --client-config, as pinwheel-$r"
done
for r in produce consume publish-model; do
  client "$out/host/$r.properties" localhost:29092 "pinwheel-$r" "${user_pw[$r]}" "$out/ca.pem" \
    "pinwheel $r --client-config on the host, as pinwheel-$r"
done
client "$out/host/admin.properties" localhost:29092 broker "$broker_pw" "$out/ca.pem" \
  "kafka-topics.sh/kafka-acls.sh --command-config on the host, as the broker's super user"

echo "make-certs.sh: CA, broker keystore, passwords and client settings in $out"
