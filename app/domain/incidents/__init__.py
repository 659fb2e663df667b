"""Incidents: alerts about one real-world event grouped into one record, with notification
semantics like Alertmanager's. Pure and synchronous (no Faust): the agents in
``app/streaming/incident_agents.py``, ``brinkwatch eval incidents`` and the replay script all
call this code.

Nothing is re-exported here, so that settings can import the policies without loading
the MinHash machinery."""
