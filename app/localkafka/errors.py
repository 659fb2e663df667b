"""Exceptions raised by :mod:`app.localkafka`."""

from __future__ import annotations


class LocalKafkaError(RuntimeError):
    """Base class: anything that went wrong while fetching, starting or stopping the broker."""


class JarFetchError(LocalKafkaError):
    """The Kafka jars could not be resolved from Maven Central (mvn missing, offline, ...)."""


class BrokerStartError(LocalKafkaError):
    """The broker did not become ready; the message carries the tail of the broker log."""
