"""The web workspace's screens: each module here exports `routes: list[Route]` (app.py collects them)."""
