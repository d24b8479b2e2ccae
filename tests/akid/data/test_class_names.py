"""Data sets name their classes (``targets[name]["class_names"]``) so that dashboards can label
confusion matrices and previews; additive metadata, one name per class."""

from __future__ import annotations

from akid.data.sources.cifar import Cifar10
from akid.data.sources.digits import Digits
from akid.data.sources.idx import FashionMnist, Mnist


def test_known_sets_name_one_class_per_class_id():
    for cls in (Digits, Cifar10, Mnist, FashionMnist):
        t = cls.static_targets["label"]
        assert len(t["class_names"]) == t["num_classes"], cls.name
        assert all(isinstance(n, str) and n for n in t["class_names"])
    assert FashionMnist.static_targets["label"]["class_names"][9] == "Ankle boot"


def test_image_folder_names_its_classes_after_the_folders(tmp_path):
    from akid.data.sources.image_folder import ImageFolder

    for name in ("cat", "dog"):
        (tmp_path / name).mkdir()
    src = ImageFolder(path=str(tmp_path))
    assert src.targets["label"]["class_names"] == ["cat", "dog"]
    assert src.targets["label"]["num_classes"] == 2
