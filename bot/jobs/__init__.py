"""Background jobs with huey: sending the texts the service starts, and the periodic chores
(the sweep of texts, the retention purge, screening expiry). ``worker.py`` at the top level is
what ``huey_consumer`` runs."""
