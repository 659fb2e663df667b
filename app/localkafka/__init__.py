"""Run a real Apache Kafka 4.x broker locally, without Docker, from Maven Central jars.

Pure Python (no Faust). Public API::

    ensure_jars(broker, *, jars_root=None) -> Path       # jars cached per Kafka version
    start(broker, *, jars_root=None,                     # reuse or launch, wait until serving
          listeners=(), properties=None) -> BrokerStatus # extra listeners/server properties
    stop(broker, timeout_s=30) -> bool                   # SIGTERM, SIGKILL after timeout
    status(broker) -> BrokerStatus

``broker`` is :class:`app.settings.LocalBroker` (``Settings().local_broker``). Files live under
``broker.home``: ``jars/<version>/`` (the jar cache) and ``run/<port>/`` (server.properties,
log4j2.properties, data/, cluster.id, broker.pid, broker.log).
"""

from app.localkafka.config import Listener
from app.localkafka.errors import BrokerStartError, JarFetchError, LocalKafkaError
from app.localkafka.fetch import default_jars_root, ensure_jars, jars_dir
from app.localkafka.process import BrokerStatus, start, status, stop

__all__ = [
    "BrokerStartError",
    "BrokerStatus",
    "JarFetchError",
    "Listener",
    "LocalKafkaError",
    "default_jars_root",
    "ensure_jars",
    "jars_dir",
    "start",
    "status",
    "stop",
]
