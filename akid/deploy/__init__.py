"""Production deployment helpers: container entrypoints, multi-worker training, Kubernetes.

Nothing here imports TensorFlow or the ``kubernetes`` client at import time, so the studio can
ask ``akid.deploy.k8s.kubernetes_available()`` cheaply and the worker sets ``TF_CONFIG`` before
TensorFlow reads it.

- ``tfconfig``: build ``TF_CONFIG`` for worker *i* of *n* (Kubernetes index, Compose DNS, env).
- ``jobspec``: the job file (graph + config + run id) a training worker reads.
- ``worker``: ``python -m akid.deploy.worker`` — one multi-worker training process.
- ``k8s``: render / submit the indexed training Job; ``kubernetes_available()``.
- ``entrypoint`` / ``healthcheck``: the image's entrypoint guard and its health probe.
"""
