"""Connection options shared by every Kafka client brinkwatch creates (aiokafka and Faust)."""

from __future__ import annotations

import ssl
from typing import Any

from app.settings import Settings


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """The TLS context for SSL/SASL_SSL, or None for plaintext."""
    if settings.security_protocol not in ("SSL", "SASL_SSL"):
        return None
    context = ssl.create_default_context(
        cafile=str(settings.ssl_cafile) if settings.ssl_cafile else None
    )
    if settings.ssl_certfile:
        context.load_cert_chain(
            str(settings.ssl_certfile),
            str(settings.ssl_keyfile) if settings.ssl_keyfile else None,
        )
    return context


def aiokafka_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for AIOKafkaProducer/Consumer/AdminClient."""
    options: dict[str, Any] = {
        "bootstrap_servers": settings.kafka_bootstrap(),
        "security_protocol": settings.security_protocol,
    }
    context = ssl_context(settings)
    if context is not None:
        options["ssl_context"] = context
    if settings.security_protocol.startswith("SASL"):
        options["sasl_mechanism"] = settings.sasl_mechanism or "PLAIN"
        options["sasl_plain_username"] = settings.sasl_username
        options["sasl_plain_password"] = (
            settings.sasl_password.get_secret_value() if settings.sasl_password else None
        )
    return options
