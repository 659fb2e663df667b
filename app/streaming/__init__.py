"""The Faust side of brinkwatch: topics, thin agents, dead letters, Kafka client settings."""
