"""The benchmark harness behind ``brinkwatch bench``.

One run measures a bare aiokafka passthrough (the baseline) and the real ``brinkwatch worker``
subprocess against the same broker, partitions and messages, so every figure can be read as a
ratio to what Kafka and Python alone allow on this machine. Modules by concern: ``corpus`` and
``synthetic`` (what is sent), ``load`` (how it is sent), ``collector`` (what comes out),
``processes`` and ``passthrough`` (the measured subprocesses), ``phases`` (one measurement
each), ``session`` (one worker through drain, loads and soak), ``runner`` (the order and the
report), ``report`` and ``plot`` (what is shown).
"""
