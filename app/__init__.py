"""The web UI (gradio): `app.web.build_app` / `app.web.serve`."""
