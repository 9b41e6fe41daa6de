"""The two faces of reportqa: the command line (`app.cli.main`, its text in app/text.py) and the
web UI (gradio: `app.web.build_app` / `app.web.serve`, its HTML in app/render.py)."""

# Importing the core package turns off hub look-ups and telemetry (reportqa.config.configure_offline),
# before either face imports gradio, transformers or chromadb.
import reportqa  # noqa: E402,F401
