"""A replayed end of a Council session (timeline) served by a local, fault-injecting HTTP server."""
