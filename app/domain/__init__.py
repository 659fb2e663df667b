"""Pure domain code: validation, tagging, escalation detection. No Faust, no Kafka, no I/O
beyond loading the packaged rule files once at start-up."""
