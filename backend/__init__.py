"""akid studio backend: Flask app, REST API, live Socket.IO protocol, run manager and store.

Kept separate from the ``akid`` library so the library stays importable in a
notebook without Flask; the backend only calls the library's documented APIs.
The app factory is ``backend.app.create_app`` (not imported here so that the
training worker, which imports ``backend.runs.worker``, never loads Flask).
"""
