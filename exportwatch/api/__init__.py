"""The HTTP API (FastAPI): `app.create_app(settings)` builds it, `server.run_server` serves it.

Routers are discovered from `routers/`; shared pieces: `deps` (service pool, keys, teams, roles),
`errors` (the one error model), `models` (response models, `Page`), `pagination`, `reads` (what
the API and the web pages read, through the CLI's functions). See docs/api.md.
"""
