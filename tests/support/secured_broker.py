"""A second local Apache Kafka broker with secured client listeners, for tests only.

It is the project's own broker (:mod:`app.localkafka`: same jars, config writer and process
handling) on free ports with its own run dir, plus three client listeners: SASL_PLAINTEXT and
SASL_SSL with the PLAIN mechanism, and SSL. The PLAINTEXT listener (inter-broker, readiness
probe) and the CONTROLLER listener stay plaintext on loopback.

TLS material (a throw-away CA, a broker certificate it signs, an unrelated second CA) is made
at run time with Java's ``keytool`` (it ships with the JDK the broker needs anyway), in the
caller's temporary dir: no key is ever committed.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import SecretStr

from app import localkafka
from app.localkafka import Listener
from app.localkafka.config import HOST
from app.settings import LocalBroker, Settings
from tests.support.ports import free_ports

Protocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]

KEYTOOL_TIMEOUT_S = 60.0
LISTENER_WAIT_S = 30.0
USERNAME = "brinkwatch"
_PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule"


def keytool_path() -> str | None:
    """``$JAVA_HOME/bin/keytool`` or the one on PATH (None when there is none)."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "keytool"
        if os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("keytool")


@dataclass(frozen=True)
class TlsMaterial:
    """Files of a throw-away PKI; ``ca_pem`` is what a client passes as ``ssl_cafile``."""

    ca_pem: Path
    other_ca_pem: Path  # a CA that signed nothing the broker presents: verification must fail
    keystore: Path  # PKCS12: the broker's key and its certificate chain
    password: str


# keytool starts a JVM per call: a quick-start JIT and GC roughly halve each call's time.
_JVM_QUICK = ["-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"]


def _keytool_batch(keytool: str, password: str, *calls: list[str]) -> None:
    """Run independent keytool calls side by side; raise with keytool's output if one fails."""
    procs = [
        subprocess.Popen(
            [keytool, *_JVM_QUICK, *args, "-storetype", "PKCS12", "-storepass", password],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        for args in calls
    ]
    failures = []
    try:
        for args, proc in zip(calls, procs, strict=True):
            out, _ = proc.communicate(timeout=KEYTOOL_TIMEOUT_S)
            if proc.returncode != 0:
                failures.append(f"keytool {' '.join(args)}: {out.decode(errors='replace')}")
    finally:
        for proc in procs:  # only after a timeout can one still be running
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    if failures:
        raise RuntimeError("\n".join(failures))


# The keytool argument lists below keep their flag/value pairs on a line (hence fmt: skip).
def _new_key_pair(store: Path, alias: str, dname: str, *ext: str) -> list[str]:
    return [
        "-genkeypair", "-keystore", str(store), "-alias", alias, "-dname", dname,
        "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", *ext,
    ]  # fmt: skip


def make_tls_material(directory: Path, keytool: str) -> TlsMaterial:
    """A CA, a broker certificate for 127.0.0.1 signed by it, and an unrelated second CA."""
    directory.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(16)
    ca_store, other_store = directory / "ca.p12", directory / "other-ca.p12"
    keystore = directory / "broker.p12"
    ca_pem, other_pem = directory / "ca.pem", directory / "other-ca.pem"
    csr, signed = directory / "broker.csr", directory / "broker.pem"
    _keytool_batch(
        keytool,
        password,
        _new_key_pair(ca_store, "ca", "CN=brinkwatch test CA", "-ext", "bc:c"),
        _new_key_pair(other_store, "ca", "CN=unrelated test CA", "-ext", "bc:c"),
        _new_key_pair(keystore, "broker", "CN=127.0.0.1"),
    )
    _keytool_batch(
        keytool,
        password,
        ["-exportcert", "-rfc", "-keystore", str(ca_store), "-alias", "ca", "-file", str(ca_pem)],
        ["-exportcert", "-rfc", "-keystore", str(other_store), "-alias", "ca", "-file",
         str(other_pem)],
        ["-certreq", "-keystore", str(keystore), "-alias", "broker", "-file", str(csr)],
    )  # fmt: skip
    _keytool_batch(
        keytool,
        password,
        ["-gencert", "-rfc", "-keystore", str(ca_store), "-alias", "ca", "-infile", str(csr),
         "-outfile", str(signed), "-validity", "2", "-ext", "san=ip:127.0.0.1,dns:localhost",
         "-ext", "ku:c=digitalSignature", "-ext", "eku=serverAuth"],
    )  # fmt: skip
    # The certificate reply with its issuer after it: keytool builds the chain from the file.
    chain = directory / "broker-chain.pem"
    chain.write_text(signed.read_text() + ca_pem.read_text())
    _keytool_batch(
        keytool,
        password,
        ["-importcert", "-noprompt", "-keystore", str(keystore), "-alias", "broker", "-file",
         str(chain)],
    )  # fmt: skip
    return TlsMaterial(ca_pem=ca_pem, other_ca_pem=other_pem, keystore=keystore, password=password)


@dataclass(frozen=True)
class SecuredBroker:
    """A running secured broker and the credentials that it accepts."""

    broker: LocalBroker
    listeners: dict[Protocol, Listener]
    tls: TlsMaterial
    username: str
    password: str

    def bootstrap(self, protocol: Protocol) -> str:
        if protocol == "PLAINTEXT":
            return f"{HOST}:{self.broker.port}"
        return self.listeners[protocol].bootstrap

    def env(self, protocol: Protocol, **overrides: str) -> dict[str, str]:
        """``BRINKWATCH_*`` variables for a client of the ``protocol`` listener."""
        env = {
            "BRINKWATCH_BOOTSTRAP_SERVERS": self.bootstrap(protocol),
            "BRINKWATCH_SECURITY_PROTOCOL": protocol,
        }
        if protocol.startswith("SASL"):
            env |= {
                "BRINKWATCH_SASL_MECHANISM": "PLAIN",
                "BRINKWATCH_SASL_USERNAME": self.username,
                "BRINKWATCH_SASL_PASSWORD": self.password,
            }
        if protocol.endswith("SSL"):
            env["BRINKWATCH_SSL_CAFILE"] = str(self.tls.ca_pem)
        return env | overrides

    def settings(self, protocol: Protocol, **overrides: object) -> Settings:
        """Settings built explicitly (no environment or ``.env``) for the ``protocol`` listener."""
        values: dict[str, object] = {
            "bootstrap_servers": self.bootstrap(protocol),
            "security_protocol": protocol,
        }
        if protocol.startswith("SASL"):
            values |= {
                "sasl_mechanism": "PLAIN",
                "sasl_username": self.username,
                "sasl_password": SecretStr(self.password),
            }
        if protocol.endswith("SSL"):
            values["ssl_cafile"] = self.tls.ca_pem
        values |= overrides
        return Settings.model_validate(values)


def _server_properties(
    listeners: list[Listener], tls: TlsMaterial, password: str
) -> dict[str, str]:
    users = f'username="{USERNAME}" password="{password}" user_{USERNAME}="{password}"'
    props = {
        "sasl.enabled.mechanisms": "PLAIN",
        "ssl.keystore.type": "PKCS12",
        "ssl.keystore.location": str(tls.keystore),
        "ssl.keystore.password": tls.password,
        "ssl.key.password": tls.password,
        "ssl.client.auth": "none",
    }
    for listener in listeners:
        if listener.protocol.startswith("SASL"):
            key = f"listener.name.{listener.name.lower()}.plain.sasl.jaas.config"
            props[key] = f"{_PLAIN_LOGIN} required {users};"
    return props


def _wait_listening(ports: list[int], timeout_s: float) -> None:
    """The PLAINTEXT probe said ready; the other listeners open with it, but make sure."""
    deadline = time.monotonic() + timeout_s
    for port in ports:
        while True:
            with socket.socket() as sock:
                sock.settimeout(1.0)
                if sock.connect_ex((HOST, port)) == 0:
                    break
            if time.monotonic() > deadline:
                raise TimeoutError(f"secured listener {HOST}:{port} did not open")
            time.sleep(0.1)


@contextmanager
def secured_broker(home: Path, tls: TlsMaterial, jars_root: Path) -> Iterator[SecuredBroker]:
    """Start the secured broker under ``home`` (its own run dir) and always stop it."""
    port, controller, sasl, tls_port, sasl_tls = free_ports(5)
    broker = LocalBroker(port=port, controller_port=controller, home=home, start_timeout_s=120)
    listeners: dict[Protocol, Listener] = {
        "SASL_PLAINTEXT": Listener("CLIENT_SASL", sasl, "SASL_PLAINTEXT"),
        "SSL": Listener("CLIENT_SSL", tls_port, "SSL"),
        "SASL_SSL": Listener("CLIENT_SASL_SSL", sasl_tls, "SASL_SSL"),
    }
    password = secrets.token_urlsafe(12)
    try:
        localkafka.start(
            broker,
            jars_root=jars_root,
            listeners=list(listeners.values()),
            properties=_server_properties(list(listeners.values()), tls, password),
        )
        _wait_listening([item.port for item in listeners.values()], LISTENER_WAIT_S)
        yield SecuredBroker(broker, listeners, tls, USERNAME, password)
    finally:
        localkafka.stop(broker, timeout_s=15)
