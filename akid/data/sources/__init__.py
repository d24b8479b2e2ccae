"""Built-in sources; importing this package registers them."""

from akid.data.sources import cifar, digits, idx, image_folder, tabular  # noqa: F401
