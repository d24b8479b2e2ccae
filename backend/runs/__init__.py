"""Training runs: worker processes, the server-side run manager, the wire format between them."""
